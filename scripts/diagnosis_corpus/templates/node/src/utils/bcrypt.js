const bcrypt = require('bcrypt');

async function hashPassword(password) {
  return bcrypt.hash(password, 10); //@hash
}

async function checkPassword(password, hash) {
  return bcrypt.compare(password, hash); //@check
}

module.exports = { hashPassword, checkPassword };

// Tokens: issued at login and registration, read back from the Authorization header.
const jwt = require('jsonwebtoken');
const users = require('./services/users');

const SECRET = process.env.JWT_SECRET || 'conduit-secret';

function issueToken(user) {
  return jwt.sign({ id: user.id, username: user.username }, SECRET, { expiresIn: '7d' });
}

function readToken(header) {
  const match = /^Token\s+(\S+)$/.exec(header || '');
  return match ? match[1] : null;
}

async function currentUser(header, { required = true } = {}) {
  const token = readToken(header);
  if (!token) {
    if (required) throw Object.assign(new Error('missing token'), { status: 401 });
    return null;
  }
  const payload = jwt.verify(token, SECRET);
  return users.findById(payload.id);
}

module.exports = { issueToken, readToken, currentUser };

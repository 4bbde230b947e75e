// Tokens: issued at login and registration, read back from the Authorization header.
const jwt = require('jsonwebtoken');
const users = require('./services/users');

const SECRET = process.env.JWT_SECRET || 'conduit-secret'; //@secret

function issueToken(user) {
  return jwt.sign({ id: user.id, username: user.username }, SECRET, { expiresIn: '7d' }); //@encode
}

function readToken(header) {
  const match = /^Token\s+(\S+)$/.exec(header || ''); //@scheme
  return match ? match[1] : null;
}

async function currentUser(header, { required = true } = {}) {
  const token = readToken(header); //@cu_read
  if (!token) {
    if (required) throw Object.assign(new Error('missing token'), { status: 401 }); //@cu_required
    return null;
  }
  const payload = jwt.verify(token, SECRET); //@decode
  return users.findById(payload.id); //@cu_get
}

module.exports = { issueToken, readToken, currentUser };

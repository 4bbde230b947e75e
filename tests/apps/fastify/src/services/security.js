'use strict';
/**
 * Password hashing (node:crypto scrypt, no native module) and JWTs carried as
 * `Authorization: Token <jwt>`.
 */
const crypto = require('node:crypto');
const { promisify } = require('node:util');
const jwt = require('jsonwebtoken');
const { unauthorized } = require('./errors');

const scrypt = promisify(crypto.scrypt);
const KEY_LENGTH = 64;

async function hashPassword(password) {
  const salt = crypto.randomBytes(16).toString('hex');
  const key = await scrypt(password, salt, KEY_LENGTH);
  return `${salt}:${key.toString('hex')}`;
}

async function verifyPassword(password, stored) {
  const [salt, hex] = String(stored).split(':');
  if (!salt || !hex) return false;
  const expected = Buffer.from(hex, 'hex');
  const actual = await scrypt(password, salt, expected.length);
  return crypto.timingSafeEqual(expected, actual);
}

function createTokens(secret) {
  return {
    sign(user) {
      return jwt.sign({ id: user.id, username: user.username }, secret, { expiresIn: '7d' });
    },
    /**
     * The user id inside an `Authorization` header value. Trap: the Conduit
     * scheme is `Token`, not `Bearer`; anything else is rejected.
     */
    userIdFromHeader(header) {
      const match = /^Token\s+(\S+)\s*$/.exec(header || '');
      if (!match) throw unauthorized();
      try {
        const payload = jwt.verify(match[1], secret);
        if (!Number.isInteger(payload.id)) throw unauthorized();
        return payload.id;
      } catch (err) {
        throw unauthorized();
      }
    },
  };
}

module.exports = { hashPassword, verifyPassword, createTokens };

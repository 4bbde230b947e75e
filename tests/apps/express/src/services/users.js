'use strict';
/** Use cases: register, log in, read and update the current user. */
const { hashPassword, verifyPassword } = require('./security');
const { unauthorized, unprocessable } = require('./errors');
const { isText, requireFields, envelope } = require('./validation');

function createUserService({ users, tokens }) {
  const present = (user) => ({
    email: user.email,
    token: tokens.sign(user),
    username: user.username,
    bio: user.bio ?? null,
    image: user.image ?? null,
  });

  async function assertUnique(fields, exceptId = null) {
    const other = await users.findConflict(fields, exceptId);
    if (!other) return;
    const messages = [];
    if (fields.email !== undefined && other.email === fields.email) messages.push('email has already been taken');
    if (fields.username !== undefined && other.username === fields.username) messages.push('username has already been taken');
    throw unprocessable(messages.length ? messages : ['email or username has already been taken']);
  }

  return {
    async register(body) {
      const { username, email, password } = requireFields(envelope(body, 'user'), ['username', 'email', 'password']);
      await assertUnique({ email, username });
      const user = await users.create({ username, email, passwordHash: await hashPassword(password), bio: null, image: null });
      return present(user);
    },
    async login(body) {
      const { email, password } = requireFields(envelope(body, 'user'), ['email', 'password']);
      const user = await users.findByEmail(email);
      if (!user || !(await verifyPassword(password, user.passwordHash))) {
        throw unprocessable(['email or password is invalid']);
      }
      return present(user);
    },
    /** The user behind a token; a token whose user is gone is invalid. */
    async current(userId) {
      const user = await users.findById(userId);
      if (!user) throw unauthorized();
      return present(user);
    },
    async update(userId, body) {
      const input = envelope(body, 'user');
      const fields = {};
      for (const key of ['email', 'username']) {
        if (input[key] === undefined) continue;
        if (!isText(input[key])) throw unprocessable([`${key} can't be blank`]);
        fields[key] = input[key];
      }
      for (const key of ['bio', 'image']) {
        if (input[key] === undefined) continue;
        if (input[key] !== null && typeof input[key] !== 'string') throw unprocessable([`${key} must be a string`]);
        fields[key] = input[key];
      }
      if (input.password !== undefined) {
        if (!isText(input.password)) throw unprocessable(["password can't be blank"]);
        fields.passwordHash = await hashPassword(input.password);
      }
      await assertUnique({ email: fields.email, username: fields.username }, userId);
      const user = await users.update(userId, fields);
      if (!user) throw unauthorized();
      return present(user);
    },
  };
}

module.exports = { createUserService };

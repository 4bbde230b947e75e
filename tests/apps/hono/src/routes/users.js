'use strict';
/** /users, /users/login and /user. */
const { readJson } = require('./http');

function userRoutes(api, { users }, { authRequired }) {
  api.post('/users', async (c) => c.json({ user: await users.register(await readJson(c)) }, 201));
  api.post('/users/login', async (c) => c.json({ user: await users.login(await readJson(c)) }));
  api.get('/user', authRequired, async (c) => c.json({ user: await users.current(c.get('userId')) }));
  api.put('/user', authRequired, async (c) => c.json({ user: await users.update(c.get('userId'), await readJson(c)) }));
}

module.exports = { userRoutes };

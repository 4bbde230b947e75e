'use strict';
/** /users, /users/login and /user. */

function userRoutes({ users }, { authRequired }) {
  return async (app) => {
    app.post('/users', async (request, reply) => {
      reply.code(201);
      return { user: await users.register(request.body) };
    });
    app.post('/users/login', async (request) => ({ user: await users.login(request.body) }));
    app.get('/user', { preHandler: authRequired }, async (request) => ({ user: await users.current(request.userId) }));
    app.put('/user', { preHandler: authRequired }, async (request) => ({
      user: await users.update(request.userId, request.body),
    }));
  };
}

module.exports = { userRoutes };

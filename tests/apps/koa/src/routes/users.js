'use strict';
/** /users, /users/login and /user. */

function userRoutes(router, { users }, { authRequired }) {
  router.post('/users', async (ctx) => {
    ctx.status = 201;
    ctx.body = { user: await users.register(ctx.request.body) };
  });
  router.post('/users/login', async (ctx) => {
    ctx.body = { user: await users.login(ctx.request.body) };
  });
  router.get('/user', authRequired, async (ctx) => {
    ctx.body = { user: await users.current(ctx.state.userId) };
  });
  router.put('/user', authRequired, async (ctx) => {
    ctx.body = { user: await users.update(ctx.state.userId, ctx.request.body) };
  });
}

module.exports = { userRoutes };

'use strict';
/** /profiles/:username and following. */

function profileRoutes(router, { profiles }, { authRequired, authOptional }) {
  router.get('/profiles/:username', authOptional, async (ctx) => {
    ctx.body = { profile: await profiles.get(ctx.params.username, ctx.state.userId) };
  });
  // Arrives as an empty application/json POST; the bodyparser (see
  // routes/index.js) must let it through as {}.
  router.post('/profiles/:username/follow', authRequired, async (ctx) => {
    ctx.body = { profile: await profiles.follow(ctx.params.username, ctx.state.userId) };
  });
  router.delete('/profiles/:username/follow', authRequired, async (ctx) => {
    ctx.body = { profile: await profiles.unfollow(ctx.params.username, ctx.state.userId) };
  });
}

module.exports = { profileRoutes };

'use strict';
/** /articles/:slug/comments. */

function commentRoutes(router, { comments }, { authRequired, authOptional }) {
  router.get('/articles/:slug/comments', authOptional, async (ctx) => {
    ctx.body = { comments: await comments.list(ctx.params.slug, ctx.state.userId) };
  });
  router.post('/articles/:slug/comments', authRequired, async (ctx) => {
    ctx.body = { comment: await comments.add(ctx.params.slug, ctx.request.body, ctx.state.userId) };
  });
  router.delete('/articles/:slug/comments/:id', authRequired, async (ctx) => {
    await comments.remove(ctx.params.slug, ctx.params.id, ctx.state.userId);
    // Trap (Koa): without a body Koa answers 404 Not Found; send {} with 200.
    ctx.body = {};
  });
}

module.exports = { commentRoutes };

'use strict';
/** /articles, the feed, single articles, favorites and /tags. */

function articleRoutes(router, { articles }, { authRequired, authOptional }) {
  router.get('/articles', authOptional, async (ctx) => {
    ctx.body = await articles.list(ctx.query, ctx.state.userId);
  });
  // Registered before /articles/:slug so "feed" is never read as a slug.
  router.get('/articles/feed', authRequired, async (ctx) => {
    ctx.body = await articles.feed(ctx.query, ctx.state.userId);
  });
  router.post('/articles', authRequired, async (ctx) => {
    ctx.status = 201;
    ctx.body = { article: await articles.create(ctx.request.body, ctx.state.userId) };
  });
  router.get('/articles/:slug', authOptional, async (ctx) => {
    ctx.body = { article: await articles.get(ctx.params.slug, ctx.state.userId) };
  });
  router.put('/articles/:slug', authRequired, async (ctx) => {
    ctx.body = { article: await articles.update(ctx.params.slug, ctx.request.body, ctx.state.userId) };
  });
  router.delete('/articles/:slug', authRequired, async (ctx) => {
    await articles.remove(ctx.params.slug, ctx.state.userId);
    // Trap (Koa): without a body Koa answers 404 Not Found; send {} with 200.
    ctx.body = {};
  });
  // Arrives as an empty application/json POST (see profiles.js).
  router.post('/articles/:slug/favorite', authRequired, async (ctx) => {
    ctx.body = { article: await articles.favorite(ctx.params.slug, ctx.state.userId) };
  });
  router.delete('/articles/:slug/favorite', authRequired, async (ctx) => {
    ctx.body = { article: await articles.unfavorite(ctx.params.slug, ctx.state.userId) };
  });
  router.get('/tags', async (ctx) => {
    ctx.body = { tags: await articles.tags() };
  });
}

module.exports = { articleRoutes };

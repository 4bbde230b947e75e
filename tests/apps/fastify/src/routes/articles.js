'use strict';
/** /articles, the feed, single articles, favorites and /tags. */

function articleRoutes({ articles }, { authRequired, authOptional }) {
  return async (app) => {
    app.get('/articles', { preHandler: authOptional }, async (request) => articles.list(request.query, request.userId));
    // Static segment: Fastify's router prefers /articles/feed over /articles/:slug.
    app.get('/articles/feed', { preHandler: authRequired }, async (request) => articles.feed(request.query, request.userId));
    app.post('/articles', { preHandler: authRequired }, async (request, reply) => {
      reply.code(201);
      return { article: await articles.create(request.body, request.userId) };
    });
    app.get('/articles/:slug', { preHandler: authOptional }, async (request) => ({
      article: await articles.get(request.params.slug, request.userId),
    }));
    app.put('/articles/:slug', { preHandler: authRequired }, async (request) => ({
      article: await articles.update(request.params.slug, request.body, request.userId),
    }));
    app.delete('/articles/:slug', { preHandler: authRequired }, async (request) => {
      await articles.remove(request.params.slug, request.userId);
      return {};
    });
    // Arrives as an empty application/json POST: see tolerateEmptyJson in http.js.
    app.post('/articles/:slug/favorite', { preHandler: authRequired }, async (request) => ({
      article: await articles.favorite(request.params.slug, request.userId),
    }));
    app.delete('/articles/:slug/favorite', { preHandler: authRequired }, async (request) => ({
      article: await articles.unfavorite(request.params.slug, request.userId),
    }));
    app.get('/tags', async () => ({ tags: await articles.tags() }));
  };
}

module.exports = { articleRoutes };

'use strict';
/** /articles, the feed, single articles, favorites and /tags. */
const { readJson } = require('./http');

function articleRoutes(api, { articles }, { authRequired, authOptional }) {
  api.get('/articles', authOptional, async (c) => c.json(await articles.list(c.req.query(), c.get('userId'))));
  // Trap (Hono): routes match in registration order, so /articles/feed must
  // be registered before /articles/:slug or "feed" is taken for a slug.
  api.get('/articles/feed', authRequired, async (c) => c.json(await articles.feed(c.req.query(), c.get('userId'))));
  api.post('/articles', authRequired, async (c) => c.json({
    article: await articles.create(await readJson(c), c.get('userId')),
  }, 201));
  api.get('/articles/:slug', authOptional, async (c) => c.json({
    article: await articles.get(c.req.param('slug'), c.get('userId')),
  }));
  api.put('/articles/:slug', authRequired, async (c) => c.json({
    article: await articles.update(c.req.param('slug'), await readJson(c), c.get('userId')),
  }));
  api.delete('/articles/:slug', authRequired, async (c) => {
    await articles.remove(c.req.param('slug'), c.get('userId'));
    return c.json({});
  });
  // Arrives as an empty application/json POST: never call c.req.json() here.
  api.post('/articles/:slug/favorite', authRequired, async (c) => c.json({
    article: await articles.favorite(c.req.param('slug'), c.get('userId')),
  }));
  api.delete('/articles/:slug/favorite', authRequired, async (c) => c.json({
    article: await articles.unfavorite(c.req.param('slug'), c.get('userId')),
  }));
  api.get('/tags', async (c) => c.json({ tags: await articles.tags() }));
}

module.exports = { articleRoutes };

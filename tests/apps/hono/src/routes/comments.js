'use strict';
/** /articles/:slug/comments. */
const { readJson } = require('./http');

function commentRoutes(api, { comments }, { authRequired, authOptional }) {
  api.get('/articles/:slug/comments', authOptional, async (c) => c.json({
    comments: await comments.list(c.req.param('slug'), c.get('userId')),
  }));
  api.post('/articles/:slug/comments', authRequired, async (c) => c.json({
    comment: await comments.add(c.req.param('slug'), await readJson(c), c.get('userId')),
  }));
  api.delete('/articles/:slug/comments/:id', authRequired, async (c) => {
    await comments.remove(c.req.param('slug'), c.req.param('id'), c.get('userId'));
    return c.json({});
  });
}

module.exports = { commentRoutes };

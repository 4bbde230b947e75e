'use strict';
/** /articles/:slug/comments. */

function commentRoutes({ comments }, { authRequired, authOptional }) {
  return async (app) => {
    app.get('/articles/:slug/comments', { preHandler: authOptional }, async (request) => ({
      comments: await comments.list(request.params.slug, request.userId),
    }));
    app.post('/articles/:slug/comments', { preHandler: authRequired }, async (request) => ({
      comment: await comments.add(request.params.slug, request.body, request.userId),
    }));
    app.delete('/articles/:slug/comments/:id', { preHandler: authRequired }, async (request) => {
      await comments.remove(request.params.slug, request.params.id, request.userId);
      return {};
    });
  };
}

module.exports = { commentRoutes };

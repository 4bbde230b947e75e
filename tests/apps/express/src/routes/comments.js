'use strict';
/** /articles/:slug/comments. */
const express = require('express');
const { asyncHandler } = require('./http');

function commentRoutes({ comments }, { authRequired, authOptional }) {
  const router = express.Router();
  router.get('/articles/:slug/comments', authOptional, asyncHandler(async (req, res) => {
    res.json({ comments: await comments.list(req.params.slug, req.userId) });
  }));
  router.post('/articles/:slug/comments', authRequired, asyncHandler(async (req, res) => {
    res.json({ comment: await comments.add(req.params.slug, req.body, req.userId) });
  }));
  router.delete('/articles/:slug/comments/:id', authRequired, asyncHandler(async (req, res) => {
    await comments.remove(req.params.slug, req.params.id, req.userId);
    res.json({});
  }));
  return router;
}

module.exports = { commentRoutes };

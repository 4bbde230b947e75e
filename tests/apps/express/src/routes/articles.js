'use strict';
/** /articles, the feed, single articles, favorites and /tags. */
const express = require('express');
const { asyncHandler } = require('./http');

function articleRoutes({ articles }, { authRequired, authOptional }) {
  const router = express.Router();
  router.get('/articles', authOptional, asyncHandler(async (req, res) => {
    res.json(await articles.list(req.query, req.userId));
  }));
  // Registered before /articles/:slug so "feed" is never read as a slug.
  router.get('/articles/feed', authRequired, asyncHandler(async (req, res) => {
    res.json(await articles.feed(req.query, req.userId));
  }));
  router.post('/articles', authRequired, asyncHandler(async (req, res) => {
    res.status(201).json({ article: await articles.create(req.body, req.userId) });
  }));
  router.get('/articles/:slug', authOptional, asyncHandler(async (req, res) => {
    res.json({ article: await articles.get(req.params.slug, req.userId) });
  }));
  router.put('/articles/:slug', authRequired, asyncHandler(async (req, res) => {
    res.json({ article: await articles.update(req.params.slug, req.body, req.userId) });
  }));
  router.delete('/articles/:slug', authRequired, asyncHandler(async (req, res) => {
    await articles.remove(req.params.slug, req.userId);
    res.json({});
  }));
  // Favorite is a POST with a JSON content type and an empty body; see profiles.js.
  router.post('/articles/:slug/favorite', authRequired, asyncHandler(async (req, res) => {
    res.json({ article: await articles.favorite(req.params.slug, req.userId) });
  }));
  router.delete('/articles/:slug/favorite', authRequired, asyncHandler(async (req, res) => {
    res.json({ article: await articles.unfavorite(req.params.slug, req.userId) });
  }));
  router.get('/tags', asyncHandler(async (req, res) => {
    res.json({ tags: await articles.tags() });
  }));
  return router;
}

module.exports = { articleRoutes };

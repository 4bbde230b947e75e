'use strict';
/** /profiles/:username and following. */
const express = require('express');
const { asyncHandler } = require('./http');

function profileRoutes({ profiles }, { authRequired, authOptional }) {
  const router = express.Router();
  router.get('/profiles/:username', authOptional, asyncHandler(async (req, res) => {
    res.json({ profile: await profiles.get(req.params.username, req.userId) });
  }));
  // POST follow arrives with `Content-Type: application/json` and no body;
  // express.json() turns that into {} (nothing here reads the body).
  router.post('/profiles/:username/follow', authRequired, asyncHandler(async (req, res) => {
    res.json({ profile: await profiles.follow(req.params.username, req.userId) });
  }));
  router.delete('/profiles/:username/follow', authRequired, asyncHandler(async (req, res) => {
    res.json({ profile: await profiles.unfollow(req.params.username, req.userId) });
  }));
  return router;
}

module.exports = { profileRoutes };

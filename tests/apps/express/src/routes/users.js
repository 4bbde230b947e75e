'use strict';
/** /users, /users/login and /user. */
const express = require('express');
const { asyncHandler } = require('./http');

function userRoutes({ users }, { authRequired }) {
  const router = express.Router();
  router.post('/users', asyncHandler(async (req, res) => {
    res.status(201).json({ user: await users.register(req.body) });
  }));
  router.post('/users/login', asyncHandler(async (req, res) => {
    res.json({ user: await users.login(req.body) });
  }));
  router.get('/user', authRequired, asyncHandler(async (req, res) => {
    res.json({ user: await users.current(req.userId) });
  }));
  router.put('/user', authRequired, asyncHandler(async (req, res) => {
    res.json({ user: await users.update(req.userId, req.body) });
  }));
  return router;
}

module.exports = { userRoutes };

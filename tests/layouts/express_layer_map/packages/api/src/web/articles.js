'use strict';
const express = require('express');
const articles = require('../core/articles');

const router = express.Router();
router.get('/api/articles/:slug', async (req, res) => {
  res.json({ article: await articles.get(req.app.locals.models, req.params.slug) });
});

module.exports = router;

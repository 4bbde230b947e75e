const express = require('express');
const users = require('./controllers/users');
const articles = require('./controllers/articles');

const router = express.Router();
const wrap = (fn) => (req, res, next) => fn(req, res, next).catch(next);

router.post('/users', wrap(users.register));
router.post('/users/login', wrap(users.login));
router.get('/user', wrap(users.me));
router.put('/user', wrap(users.updateMe));
router.post('/profiles/:username/follow', wrap(users.follow));
router.get('/articles', wrap(articles.list));
router.get('/articles/feed', wrap(articles.feed));
router.post('/articles', wrap(articles.create));
router.get('/articles/:slug', wrap(articles.show));
router.delete('/articles/:slug', wrap(articles.remove));
router.post('/articles/:slug/favorite', wrap(articles.favorite));
router.get('/tags', wrap(articles.tags));

module.exports = router;

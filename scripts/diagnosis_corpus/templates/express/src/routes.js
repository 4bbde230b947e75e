const express = require('express');
const users = require('./controllers/users');
const articles = require('./controllers/articles');

const router = express.Router(); //@router
const wrap = (fn) => (req, res, next) => fn(req, res, next).catch(next); //@wrap

router.post('/users', wrap(users.register));
router.post('/users/login', wrap(users.login));
router.get('/user', wrap(users.me));  //@u_user
router.put('/user', wrap(users.updateMe));  //@u_user_put
router.post('/profiles/:username/follow', wrap(users.follow));
router.get('/articles', wrap(articles.list)); //@u_articles
router.get('/articles/feed', wrap(articles.feed)); //@u_feed
router.post('/articles', wrap(articles.create));
router.get('/articles/:slug', wrap(articles.show)); //@u_article
router.delete('/articles/:slug', wrap(articles.remove));
router.post('/articles/:slug/favorite', wrap(articles.favorite)); //@u_favorite
router.get('/tags', wrap(articles.tags)); //@u_tags

module.exports = router;

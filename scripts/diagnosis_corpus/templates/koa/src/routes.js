const Router = require('@koa/router');
const users = require('./controllers/users-controller');
const articles = require('./controllers/articles-controller');

const router = new Router({ prefix: '/api' }); //@router

router.get('/health-check', (ctx) => { ctx.body = { status: 'ok' }; });
router.post('/users', users.register);
router.post('/users/login', users.login);
router.get('/user', users.me);  //@u_user
router.put('/user', users.updateMe);  //@u_user_put
router.post('/profiles/:username/follow', users.follow);
router.get('/articles', articles.list); //@u_articles
router.get('/articles/feed', articles.feed); //@u_feed
router.post('/articles', articles.create);
router.get('/articles/:slug', articles.show); //@u_article
router.post('/articles/:slug/favorite', articles.favorite); //@u_favorite
router.get('/tags', articles.tags); //@u_tags

module.exports = router;

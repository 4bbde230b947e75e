const users = require('./services/users');
const articles = require('./services/articles');
const { issueToken, currentUser } = require('./auth');

async function routes(app) {
  app.post('/users', async (request, reply) => {
    const user = await users.register(request.body.user); //@r_register
    return reply.code(201).send({ user: users.userOut(user, issueToken(user)) });
  });

  app.post('/users/login', async (request) => {
    const user = await users.login(request.body.user); //@r_login
    return { user: users.userOut(user, issueToken(user)) };
  });

  app.get('/user', async (request) => {
    const user = await currentUser(request.headers.authorization); //@r_me
    return { user: users.userOut(user, issueToken(user)) };
  });

  app.put('/user', async (request) => {
    const user = await currentUser(request.headers.authorization); //@r_viewer
    const updated = await users.updateUser(user, request.body.user); //@r_update_user
    return { user: users.userOut(updated, issueToken(updated)) };
  });

  app.post('/profiles/:username/follow', async (request) => {
    const viewer = await currentUser(request.headers.authorization);
    return { profile: await users.follow(viewer, request.params.username) }; //@r_follow
  });

  app.get('/articles', async (request) => {
    const viewer = await currentUser(request.headers.authorization, { required: false }); //@r_list_viewer
    const { tag, author, favorited, limit = 20, offset = 0 } = request.query; //@r_list_limit
    return articles.listArticles(viewer, { tag, author, favorited, limit: Number(limit), offset: Number(offset) }); //@r_list
  });

  app.get('/articles/feed', async (request) => {
    const viewer = await currentUser(request.headers.authorization); //@r_feed_viewer
    return articles.feed(viewer, { limit: Number(request.query.limit || 20), offset: Number(request.query.offset || 0) }); //@r_feed
  });

  app.post('/articles', async (request, reply) => {
    const viewer = await currentUser(request.headers.authorization);
    return reply.code(201).send({ article: await articles.createArticle(viewer, request.body.article) }); //@r_create
  });

  app.get('/articles/:slug', async (request) => {
    const viewer = await currentUser(request.headers.authorization, { required: false });
    return { article: await articles.getArticle(request.params.slug, viewer) }; //@r_get
  });

  app.post('/articles/:slug/favorite', async (request) => { //@u_favorite
    const viewer = await currentUser(request.headers.authorization);
    return { article: await articles.favorite(request.params.slug, viewer) }; //@r_favorite
  });

  app.get('/tags', async () => articles.allTags()); //@r_tags
}

module.exports = routes;

import { Hono } from 'hono';
import * as users from './services/users.js';
import * as articles from './services/articles.js';
import { issueToken, currentUser } from './auth.js';

export const api = new Hono(); //@router

api.post('/users', async (c) => {
  const { user: data } = await c.req.json(); //@r_register_body
  const user = await users.register(data); //@r_register
  return c.json({ user: users.userOut(user, issueToken(user)) }, 201);
});

api.post('/users/login', async (c) => {
  const { user: data } = await c.req.json();
  const user = await users.login(data); //@r_login
  return c.json({ user: users.userOut(user, issueToken(user)) });
});

api.get('/user', async (c) => {
  const user = await currentUser(c.req.header('Authorization')); //@r_me
  return c.json({ user: users.userOut(user, issueToken(user)) });
});

api.put('/user', async (c) => {
  const user = await currentUser(c.req.header('Authorization')); //@r_viewer
  const { user: data } = await c.req.json(); //@r_update_user_body
  const updated = await users.updateUser(user, data); //@r_update_user
  return c.json({ user: users.userOut(updated, issueToken(updated)) });
});

api.post('/profiles/:username/follow', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'));
  return c.json({ profile: await users.follow(viewer, c.req.param('username')) }); //@r_follow
});

api.get('/articles', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'), { required: false }); //@r_list_viewer
  const { tag, author, favorited, limit = '20', offset = '0' } = c.req.query(); //@r_list_limit
  return c.json(await articles.listArticles(viewer, { tag, author, favorited, limit: Number(limit), offset: Number(offset) })); //@r_list
});

api.get('/articles/feed', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization')); //@r_feed_viewer
  const { limit = '20', offset = '0' } = c.req.query();
  return c.json(await articles.feed(viewer, { limit: Number(limit), offset: Number(offset) })); //@r_feed
});

api.post('/articles', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'));
  const { article } = await c.req.json(); //@r_create_body
  return c.json({ article: await articles.createArticle(viewer, article) }, 201); //@r_create
});

api.get('/articles/:slug', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'), { required: false });
  return c.json({ article: await articles.getArticle(c.req.param('slug'), viewer) }); //@r_get
});

api.post('/articles/:slug/favorite', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'));
  return c.json({ article: await articles.favorite(c.req.param('slug'), viewer) }); //@r_favorite
});

api.get('/tags', async (c) => c.json(await articles.allTags())); //@r_tags

import { Hono } from 'hono';
import * as users from './services/users.js';
import * as articles from './services/articles.js';
import { issueToken, currentUser } from './auth.js';

export const api = new Hono();

api.post('/users', async (c) => {
  const { user: data } = await c.req.json();
  const user = await users.register(data);
  return c.json({ user: users.userOut(user, issueToken(user)) }, 201);
});

api.post('/users/login', async (c) => {
  const { user: data } = await c.req.json();
  const user = await users.login(data);
  return c.json({ user: users.userOut(user, issueToken(user)) });
});

api.get('/user', async (c) => {
  const user = await currentUser(c.req.header('Authorization'));
  return c.json({ user: users.userOut(user, issueToken(user)) });
});

api.put('/user', async (c) => {
  const user = await currentUser(c.req.header('Authorization'));
  const { user: data } = await c.req.json();
  const updated = await users.updateUser(user, data);
  return c.json({ user: users.userOut(updated, issueToken(updated)) });
});

api.post('/profiles/:username/follow', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'));
  return c.json({ profile: await users.follow(viewer, c.req.param('username')) });
});

api.get('/articles', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'), { required: false });
  const { tag, author, favorited, limit = '20', offset = '0' } = c.req.query();
  return c.json(await articles.listArticles(viewer, { tag, author, favorited, limit: Number(limit), offset: Number(offset) }));
});

api.get('/articles/feed', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'));
  const { limit = '20', offset = '0' } = c.req.query();
  return c.json(await articles.feed(viewer, { limit: Number(limit), offset: Number(offset) }));
});

api.post('/articles', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'));
  const { article } = await c.req.json();
  return c.json({ article: await articles.createArticle(viewer, article) }, 201);
});

api.get('/articles/:slug', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'), { required: false });
  return c.json({ article: await articles.getArticle(c.req.param('slug'), viewer) });
});

api.post('/articles/:slug/favorite', async (c) => {
  const viewer = await currentUser(c.req.header('Authorization'));
  return c.json({ article: await articles.favorite(c.req.param('slug'), viewer) });
});

api.get('/tags', async (c) => c.json(await articles.allTags()));

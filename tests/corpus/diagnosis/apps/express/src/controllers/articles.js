const articles = require('../services/articles');
const { currentUser } = require('../auth');

async function list(req, res) {
  const viewer = await currentUser(req.headers.authorization, { required: false });
  const { tag, author, favorited } = req.query;
  const limit = Number(req.query.limit) || 20;
  const offset = Number(req.query.offset) || 0;
  res.json(await articles.listArticles(viewer, { tag, author, favorited, limit, offset }));
}

async function feed(req, res) {
  const viewer = await currentUser(req.headers.authorization);
  res.json(await articles.feed(viewer, { limit: Number(req.query.limit) || 20, offset: Number(req.query.offset) || 0 }));
}

async function create(req, res) {
  const viewer = await currentUser(req.headers.authorization);
  res.status(201).json({ article: await articles.createArticle(viewer, req.body.article) });
}

async function show(req, res) {
  const viewer = await currentUser(req.headers.authorization, { required: false });
  res.json({ article: await articles.getArticle(req.params.slug, viewer) });
}

async function favorite(req, res) {
  const viewer = await currentUser(req.headers.authorization);
  res.json({ article: await articles.favorite(req.params.slug, viewer) });
}

async function remove(req, res) {
  const viewer = await currentUser(req.headers.authorization);
  await articles.deleteArticle(req.params.slug, viewer);
  res.status(204).end();
}

async function tags(req, res) {
  res.json(await articles.allTags());
}

module.exports = { list, feed, create, show, favorite, remove, tags };

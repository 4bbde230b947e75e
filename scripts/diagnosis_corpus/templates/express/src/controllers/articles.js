const articles = require('../services/articles');
const { currentUser } = require('../auth');

async function list(req, res) {
  const viewer = await currentUser(req.headers.authorization, { required: false }); //@r_list_viewer
  const { tag, author, favorited } = req.query;
  const limit = Number(req.query.limit) || 20; //@r_list_limit
  const offset = Number(req.query.offset) || 0; //@r_list_offset
  res.json(await articles.listArticles(viewer, { tag, author, favorited, limit, offset })); //@r_list
}

async function feed(req, res) {
  const viewer = await currentUser(req.headers.authorization); //@r_feed_viewer
  res.json(await articles.feed(viewer, { limit: Number(req.query.limit) || 20, offset: Number(req.query.offset) || 0 })); //@r_feed
}

async function create(req, res) {
  const viewer = await currentUser(req.headers.authorization);
  res.status(201).json({ article: await articles.createArticle(viewer, req.body.article) }); //@r_create
}

async function show(req, res) {
  const viewer = await currentUser(req.headers.authorization, { required: false });
  res.json({ article: await articles.getArticle(req.params.slug, viewer) }); //@r_get
}

async function favorite(req, res) {
  const viewer = await currentUser(req.headers.authorization);
  res.json({ article: await articles.favorite(req.params.slug, viewer) }); //@r_favorite
}

async function remove(req, res) {
  const viewer = await currentUser(req.headers.authorization);
  await articles.deleteArticle(req.params.slug, viewer); //@r_delete
  res.status(204).end();
}

async function tags(req, res) {
  res.json(await articles.allTags()); //@r_tags
}

module.exports = { list, feed, create, show, favorite, remove, tags };

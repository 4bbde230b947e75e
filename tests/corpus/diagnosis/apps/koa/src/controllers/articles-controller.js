const articles = require('../services/articles');
const { currentUser } = require('../auth');

async function list(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'), { required: false });
  const { tag, author, favorited, limit = 20, offset = 0 } = ctx.query;
  ctx.body = await articles.listArticles(viewer, { tag, author, favorited, limit: Number(limit), offset: Number(offset) });
}

async function feed(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'));
  ctx.body = await articles.feed(viewer, { limit: Number(ctx.query.limit || 20), offset: Number(ctx.query.offset || 0) });
}

async function create(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'));
  ctx.status = 201;
  ctx.body = { article: await articles.createArticle(viewer, ctx.request.body.article) };
}

async function show(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'), { required: false });
  ctx.body = { article: await articles.getArticle(ctx.params.slug, viewer) };
}

async function favorite(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'));
  ctx.body = { article: await articles.favorite(ctx.params.slug, viewer) };
}

async function tags(ctx) {
  ctx.body = await articles.allTags();
}

module.exports = { list, feed, create, show, favorite, tags };

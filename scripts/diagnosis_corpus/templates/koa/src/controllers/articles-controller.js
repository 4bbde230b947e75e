const articles = require('../services/articles');
const { currentUser } = require('../auth');

async function list(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'), { required: false }); //@r_list_viewer
  const { tag, author, favorited, limit = 20, offset = 0 } = ctx.query; //@r_list_limit
  ctx.body = await articles.listArticles(viewer, { tag, author, favorited, limit: Number(limit), offset: Number(offset) }); //@r_list
}

async function feed(ctx) {
  const viewer = await currentUser(ctx.get('Authorization')); //@r_feed_viewer
  ctx.body = await articles.feed(viewer, { limit: Number(ctx.query.limit || 20), offset: Number(ctx.query.offset || 0) }); //@r_feed
}

async function create(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'));
  ctx.status = 201;
  ctx.body = { article: await articles.createArticle(viewer, ctx.request.body.article) }; //@r_create
}

async function show(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'), { required: false });
  ctx.body = { article: await articles.getArticle(ctx.params.slug, viewer) }; //@r_get
}

async function favorite(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'));
  ctx.body = { article: await articles.favorite(ctx.params.slug, viewer) }; //@r_favorite
}

async function tags(ctx) {
  ctx.body = await articles.allTags(); //@r_tags
}

module.exports = { list, feed, create, show, favorite, tags };

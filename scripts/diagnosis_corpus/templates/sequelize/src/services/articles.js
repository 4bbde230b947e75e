// Articles: listing, the feed, creating, favoriting.
const { Op } = require('sequelize');
const slugify = require('slugify'); //@imp_slugify
const { Article, User } = require('../db');

const INCLUDE = [{ model: User, as: 'author' }, { model: User, as: 'favoritedBy' }]; //@eager

function articleOut(article, viewer) {
  const fans = article.favoritedBy || [];
  return {
    slug: article.slug, //@out_slug
    title: article.title,
    description: article.description, //@out_description
    body: article.body,
    tagList: article.tagList, //@out_tags
    createdAt: article.createdAt, //@out_created
    updatedAt: article.updatedAt, //@out_updated
    favorited: Boolean(viewer) && fans.some((u) => u.id === viewer.id), //@out_favorited
    favoritesCount: fans.length, //@out_count
    author: { username: article.author.username, bio: article.author.bio, image: article.author.image, following: false }, //@out_following
  };
}

async function listArticles(viewer, { tag, author, favorited, limit = 20, offset = 0 }) {
  const where = {}; //@q_base
  if (tag) where.tagList = { [Op.contains]: [tag] }; //@q_tag
  const include = [
    { model: User, as: 'author', where: author ? { username: author } : undefined }, //@q_author
    { model: User, as: 'favoritedBy', where: favorited ? { username: favorited } : undefined, required: Boolean(favorited) }, //@q_favorited
  ];
  const { rows, count } = await Article.findAndCountAll({ where, include, order: [['createdAt', 'DESC']], limit, offset, distinct: true }); //@q_exec
  return { articles: rows.map((a) => articleOut(a, viewer)), articlesCount: count }; //@q_out
}

async function feed(viewer, { limit = 20, offset = 0 }) {
  const followed = (await viewer.getFollowing()).map((u) => u.id); //@feed_followed
  const { rows, count } = await Article.findAndCountAll({ where: { authorId: { [Op.in]: followed } }, include: INCLUDE, order: [['createdAt', 'DESC']], limit, offset, distinct: true }); //@feed_filter
  return { articles: rows.map((a) => articleOut(a, viewer)), articlesCount: count }; //@feed_out
}

async function getArticle(slug, viewer) {
  const article = await Article.findOne({ where: { slug }, include: INCLUDE }); //@get_lookup
  if (!article) throw Object.assign(new Error('article not found'), { status: 404 }); //@get_check
  return articleOut(article, viewer); //@get_out
}

async function createArticle(author, data) {
  const article = await Article.create({ //@create_insert
    slug: slugify(data.title, { lower: true }), //@create_slug
    title: data.title,
    description: data.description, //@create_description
    body: data.body,
    tagList: data.tagList || [], //@create_tags
    authorId: author.id, //@create_author
  });
  await article.reload({ include: INCLUDE });
  return articleOut(article, author); //@create_out
}

async function favorite(slug, viewer) {
  const article = await Article.findOne({ where: { slug }, include: INCLUDE }); //@fav_lookup
  if (!article) throw Object.assign(new Error('article not found'), { status: 404 });
  await article.addFavoritedBy(viewer); //@fav_add
  await article.reload({ include: INCLUDE }); //@fav_refresh
  return articleOut(article, viewer); //@fav_out
}

async function deleteArticle(slug, viewer) {
  const article = await Article.findOne({ where: { slug } }); //@del_lookup
  if (!article) throw Object.assign(new Error('article not found'), { status: 404 });
  if (article.authorId !== viewer.id) throw Object.assign(new Error('forbidden'), { status: 403 }); //@del_owner
  await article.destroy(); //@del_delete
}

async function allTags() {
  const rows = await Article.findAll({ attributes: ['tagList'] }); //@tags_query
  return { tags: [...new Set(rows.flatMap((r) => r.tagList))] };
}

module.exports = { listArticles, feed, getArticle, createArticle, favorite, deleteArticle, allTags };

// Articles: listing, the feed, creating, favoriting.
import { Op } from 'sequelize';
import slugify from 'slugify';
import { Article, User } from '../db.js';

const INCLUDE = [{ model: User, as: 'author' }, { model: User, as: 'favoritedBy' }];

function articleOut(article, viewer) {
  const fans = article.favoritedBy || [];
  return {
    slug: article.slug,
    title: article.title,
    description: article.description,
    body: article.body,
    tagList: article.tagList,
    createdAt: article.createdAt,
    updatedAt: article.updatedAt,
    favorited: Boolean(viewer) && fans.some((u) => u.id === viewer.id),
    favoritesCount: fans.length,
    author: { username: article.author.username, bio: article.author.bio, image: article.author.image, following: false },
  };
}

async function listArticles(viewer, { tag, author, favorited, limit = 20, offset = 0 }) {
  const where = {};
  if (tag) where.tagList = { [Op.contains]: [tag] };
  const include = [
    { model: User, as: 'author', where: author ? { username: author } : undefined },
    { model: User, as: 'favoritedBy', where: favorited ? { username: favorited } : undefined, required: Boolean(favorited) },
  ];
  const { rows, count } = await Article.findAndCountAll({ where, include, order: [['createdAt', 'DESC']], limit, offset, distinct: true });
  return { articles: rows.map((a) => articleOut(a, viewer)), articlesCount: count };
}

async function feed(viewer, { limit = 20, offset = 0 }) {
  const followed = (await viewer.getFollowing()).map((u) => u.id);
  const { rows, count } = await Article.findAndCountAll({ where: { authorId: { [Op.in]: followed } }, include: INCLUDE, order: [['createdAt', 'DESC']], limit, offset, distinct: true });
  return { articles: rows.map((a) => articleOut(a, viewer)), articlesCount: count };
}

async function getArticle(slug, viewer) {
  const article = await Article.findOne({ where: { slug }, include: INCLUDE });
  if (!article) throw Object.assign(new Error('article not found'), { status: 404 });
  return articleOut(article, viewer);
}

async function createArticle(author, data) {
  const article = await Article.create({
    slug: slugify(data.title, { lower: true }),
    title: data.title,
    description: data.description,
    body: data.body,
    tagList: data.tagList || [],
    authorId: author.id,
  });
  await article.reload({ include: INCLUDE });
  return articleOut(article, author);
}

async function favorite(slug, viewer) {
  const article = await Article.findOne({ where: { slug }, include: INCLUDE });
  if (!article) throw Object.assign(new Error('article not found'), { status: 404 });
  await article.addFavoritedBy(viewer);
  await article.reload({ include: INCLUDE });
  return articleOut(article, viewer);
}

async function deleteArticle(slug, viewer) {
  const article = await Article.findOne({ where: { slug } });
  if (!article) throw Object.assign(new Error('article not found'), { status: 404 });
  if (article.authorId !== viewer.id) throw Object.assign(new Error('forbidden'), { status: 403 });
  await article.destroy();
}

async function allTags() {
  const rows = await Article.findAll({ attributes: ['tagList'] });
  return { tags: [...new Set(rows.flatMap((r) => r.tagList))] };
}

export { listArticles, feed, getArticle, createArticle, favorite, deleteArticle, allTags };

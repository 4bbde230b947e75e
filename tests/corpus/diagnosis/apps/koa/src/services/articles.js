// Articles: listing, the feed, creating, favoriting.
const slugify = require('slugify');
const { db } = require('../db');

async function articleOut(row, viewer) {
  const tags = await db('article_tags').join('tags', 'tags.id', 'article_tags.tag_id').where('article_id', row.id).pluck('tags.name');
  const [{ count }] = await db('favorites').where('article_id', row.id).count('* as count');
  const favorited = viewer ? Boolean(await db('favorites').where({ article_id: row.id, user_id: viewer.id }).first()) : false;
  const author = await db('users').where('id', row.author_id).first();
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    body: row.body,
    tagList: tags.sort(),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    favorited,
    favoritesCount: Number(count),
    author: { username: author.username, bio: author.bio, image: author.image, following: false },
  };
}

async function listArticles(viewer, { tag, author, favorited, limit = 20, offset = 0 }) {
  const query = db('articles').select('articles.*');
  if (tag) query.whereIn('articles.id', db('article_tags').join('tags', 'tags.id', 'article_tags.tag_id').where('tags.name', tag).select('article_id'));
  if (author) query.whereIn('author_id', db('users').where('username', author).select('id'));
  if (favorited) query.whereIn('articles.id', db('favorites').join('users', 'users.id', 'favorites.user_id').where('users.username', favorited).select('article_id'));
  const [{ count }] = await query.clone().clearSelect().count('* as count');
  const rows = await query.orderBy('created_at', 'desc').limit(limit).offset(offset);
  return { articles: await Promise.all(rows.map((r) => articleOut(r, viewer))), articlesCount: Number(count) };
}

async function feed(viewer, { limit = 20, offset = 0 }) {
  const followed = db('follows').where('follower_id', viewer.id).select('followed_id');
  const query = db('articles').whereIn('author_id', followed);
  const [{ count }] = await query.clone().count('* as count');
  const rows = await query.orderBy('created_at', 'desc').limit(limit).offset(offset);
  return { articles: await Promise.all(rows.map((r) => articleOut(r, viewer))), articlesCount: Number(count) };
}

async function getArticle(slug, viewer) {
  const row = await db('articles').where({ slug }).first();
  if (!row) throw Object.assign(new Error('article not found'), { status: 404 });
  return articleOut(row, viewer);
}

async function createArticle(author, data) {
  const [row] = await db('articles')
    .insert({
      slug: slugify(data.title, { lower: true }),
      title: data.title,
      description: data.description,
      body: data.body,
      author_id: author.id,
    })
    .returning('*');
  for (const name of data.tagList || []) {
    const [tag] = await db('tags').insert({ name }).onConflict('name').merge().returning('id');
    await db('article_tags').insert({ article_id: row.id, tag_id: tag.id });
  }
  return articleOut(row, author);
}

async function favorite(slug, viewer) {
  const row = await db('articles').where({ slug }).first();
  if (!row) throw Object.assign(new Error('article not found'), { status: 404 });
  await db('favorites').insert({ article_id: row.id, user_id: viewer.id }).onConflict().ignore();
  return articleOut(row, viewer);
}

async function deleteArticle(slug, viewer) {
  const row = await db('articles').where({ slug }).first();
  if (!row) throw Object.assign(new Error('article not found'), { status: 404 });
  if (row.author_id !== viewer.id) throw Object.assign(new Error('forbidden'), { status: 403 });
  await db('articles').where({ id: row.id }).del();
}

async function allTags() {
  return { tags: await db('tags').distinct().pluck('name') };
}

module.exports = { listArticles, feed, getArticle, createArticle, favorite, deleteArticle, allTags };

// Articles: listing, the feed, creating, favoriting.
const slugify = require('slugify'); //@imp_slugify
const { db } = require('../db');

async function articleOut(row, viewer) {
  const tags = await db('article_tags').join('tags', 'tags.id', 'article_tags.tag_id').where('article_id', row.id).pluck('tags.name'); //@out_tags
  const [{ count }] = await db('favorites').where('article_id', row.id).count('* as count'); //@out_count
  const favorited = viewer ? Boolean(await db('favorites').where({ article_id: row.id, user_id: viewer.id }).first()) : false; //@out_favorited
  const author = await db('users').where('id', row.author_id).first(); //@out_author
  return {
    slug: row.slug, //@out_slug
    title: row.title,
    description: row.description, //@out_description
    body: row.body,
    tagList: tags.sort(),
    createdAt: row.created_at, //@out_created
    updatedAt: row.updated_at, //@out_updated
    favorited,
    favoritesCount: Number(count), //@out_count_number
    author: { username: author.username, bio: author.bio, image: author.image, following: false }, //@out_following
  };
}

async function listArticles(viewer, { tag, author, favorited, limit = 20, offset = 0 }) {
  const query = db('articles').select('articles.*'); //@q_base
  if (tag) query.whereIn('articles.id', db('article_tags').join('tags', 'tags.id', 'article_tags.tag_id').where('tags.name', tag).select('article_id')); //@q_tag
  if (author) query.whereIn('author_id', db('users').where('username', author).select('id')); //@q_author
  if (favorited) query.whereIn('articles.id', db('favorites').join('users', 'users.id', 'favorites.user_id').where('users.username', favorited).select('article_id')); //@q_favorited
  const [{ count }] = await query.clone().clearSelect().count('* as count'); //@q_count
  const rows = await query.orderBy('created_at', 'desc').limit(limit).offset(offset); //@q_exec
  return { articles: await Promise.all(rows.map((r) => articleOut(r, viewer))), articlesCount: Number(count) }; //@q_out
}

async function feed(viewer, { limit = 20, offset = 0 }) {
  const followed = db('follows').where('follower_id', viewer.id).select('followed_id'); //@feed_followed
  const query = db('articles').whereIn('author_id', followed); //@feed_filter
  const [{ count }] = await query.clone().count('* as count'); //@feed_count
  const rows = await query.orderBy('created_at', 'desc').limit(limit).offset(offset); //@feed_exec
  return { articles: await Promise.all(rows.map((r) => articleOut(r, viewer))), articlesCount: Number(count) }; //@feed_out
}

async function getArticle(slug, viewer) {
  const row = await db('articles').where({ slug }).first(); //@get_lookup
  if (!row) throw Object.assign(new Error('article not found'), { status: 404 }); //@get_check
  return articleOut(row, viewer); //@get_out
}

async function createArticle(author, data) {
  const [row] = await db('articles') //@create_insert
    .insert({
      slug: slugify(data.title, { lower: true }), //@create_slug
      title: data.title,
      description: data.description, //@create_description
      body: data.body,
      author_id: author.id, //@create_author
    })
    .returning('*');
  for (const name of data.tagList || []) {
    const [tag] = await db('tags').insert({ name }).onConflict('name').merge().returning('id'); //@create_tags
    await db('article_tags').insert({ article_id: row.id, tag_id: tag.id });
  }
  return articleOut(row, author); //@create_out
}

async function favorite(slug, viewer) {
  const row = await db('articles').where({ slug }).first(); //@fav_lookup
  if (!row) throw Object.assign(new Error('article not found'), { status: 404 });
  await db('favorites').insert({ article_id: row.id, user_id: viewer.id }).onConflict().ignore(); //@fav_add
  return articleOut(row, viewer); //@fav_out
}

async function deleteArticle(slug, viewer) {
  const row = await db('articles').where({ slug }).first(); //@del_lookup
  if (!row) throw Object.assign(new Error('article not found'), { status: 404 });
  if (row.author_id !== viewer.id) throw Object.assign(new Error('forbidden'), { status: 403 }); //@del_owner
  await db('articles').where({ id: row.id }).del(); //@del_delete
}

async function allTags() {
  return { tags: await db('tags').distinct().pluck('name') }; //@tags_query
}

module.exports = { listArticles, feed, getArticle, createArticle, favorite, deleteArticle, allTags };

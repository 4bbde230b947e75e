'use strict';
/** Use cases: articles, their listing, the feed, favorites and tags. */
const { forbidden, notFound, unprocessable } = require('./errors');
const { isText, requireFields, envelope } = require('./validation');

const DEFAULT_LIMIT = 20;

function slugify(title) {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'article';
}

/** A non-negative integer from a query string value, or the fallback. */
function count(value, fallback) {
  const number = Number.parseInt(value, 10);
  return Number.isInteger(number) && number >= 0 ? number : fallback;
}

/** Tag names as given: strings only, first occurrence kept, order kept. */
function cleanTags(tagList) {
  if (!Array.isArray(tagList)) return [];
  const names = tagList.filter(isText).map((tag) => tag.trim());
  return [...new Set(names)];
}

function createArticleService({ articles, users, profiles }) {
  async function uniqueSlug(title, exceptId = null) {
    const base = slugify(title);
    let candidate = base;
    for (let n = 2; await articles.slugTaken(candidate, exceptId); n += 1) candidate = `${base}-${n}`;
    return candidate;
  }

  async function present(article, viewerId) {
    const author = await users.findById(article.authorId);
    return {
      slug: article.slug,
      title: article.title,
      description: article.description,
      body: article.body,
      tagList: article.tagList,
      createdAt: new Date(article.createdAt).toISOString(),
      updatedAt: new Date(article.updatedAt).toISOString(),
      favorited: await articles.isFavorited(viewerId, article.id),
      favoritesCount: await articles.favoritesCount(article.id),
      author: await profiles.profileOf(author, viewerId),
    };
  }

  async function existing(slug) {
    const article = await articles.findBySlug(slug);
    if (!article) throw notFound('article not found');
    return article;
  }

  async function owned(slug, userId) {
    const article = await existing(slug);
    if (article.authorId !== userId) throw forbidden('only the author may change this article');
    return article;
  }

  async function page(filters, query, viewerId) {
    const { articles: rows, count: total } = await articles.findPage({
      ...filters,
      limit: count(query.limit, DEFAULT_LIMIT),
      offset: count(query.offset, 0),
    });
    return {
      articles: await Promise.all(rows.map((row) => present(row, viewerId))),
      articlesCount: total,
    };
  }

  const intersect = (current, ids) => (current === undefined ? ids : current.filter((id) => ids.includes(id)));

  return {
    async list(query, viewerId) {
      const filters = {};
      if (query.author !== undefined) {
        const author = await users.findByUsername(String(query.author));
        filters.authorIds = author ? [author.id] : [];
      }
      if (query.tag !== undefined) {
        filters.ids = intersect(filters.ids, await articles.idsWithTag(String(query.tag)));
      }
      if (query.favorited !== undefined) {
        const fan = await users.findByUsername(String(query.favorited));
        filters.ids = intersect(filters.ids, fan ? await articles.idsFavoritedBy(fan.id) : []);
      }
      return page(filters, query, viewerId);
    },
    async feed(query, viewerId) {
      return page({ authorIds: await users.followedIds(viewerId) }, query, viewerId);
    },
    async get(slug, viewerId) {
      return present(await existing(slug), viewerId);
    },
    async create(body, userId) {
      const input = requireFields(envelope(body, 'article'), ['title', 'description', 'body']);
      const article = await articles.create({
        slug: await uniqueSlug(input.title),
        title: input.title,
        description: input.description,
        body: input.body,
        authorId: userId,
        tagList: cleanTags(input.tagList),
      });
      return present(article, userId);
    },
    async update(slug, body, userId) {
      const article = await owned(slug, userId);
      const input = envelope(body, 'article');
      const fields = {};
      for (const key of ['title', 'description', 'body']) {
        if (input[key] === undefined) continue;
        if (!isText(input[key])) throw unprocessable([`${key} can't be blank`]);
        fields[key] = input[key];
      }
      if (fields.title !== undefined && fields.title !== article.title) {
        fields.slug = await uniqueSlug(fields.title, article.id);
      }
      if (input.tagList !== undefined) fields.tagList = cleanTags(input.tagList);
      return present(await articles.update(article.id, fields), userId);
    },
    async remove(slug, userId) {
      const article = await owned(slug, userId);
      await articles.remove(article.id);
    },
    async favorite(slug, userId) {
      const article = await existing(slug);
      await articles.favorite(userId, article.id);
      return present(article, userId);
    },
    async unfavorite(slug, userId) {
      const article = await existing(slug);
      await articles.unfavorite(userId, article.id);
      return present(article, userId);
    },
    async tags() {
      return articles.tagsInUse();
    },
    /** The article behind a slug, for use cases on its comments. */
    existing,
  };
}

module.exports = { createArticleService };

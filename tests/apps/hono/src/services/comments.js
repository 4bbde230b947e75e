'use strict';
/** Use cases: comments on an article. */
const { forbidden, notFound } = require('./errors');
const { requireFields, envelope } = require('./validation');

function createCommentService({ comments, users, profiles, articles }) {
  async function present(comment, viewerId) {
    const author = await users.findById(comment.authorId);
    return {
      id: comment.id,
      createdAt: new Date(comment.createdAt).toISOString(),
      updatedAt: new Date(comment.updatedAt).toISOString(),
      body: comment.body,
      author: await profiles.profileOf(author, viewerId),
    };
  }

  return {
    async list(slug, viewerId) {
      const article = await articles.existing(slug);
      const rows = await comments.findForArticle(article.id);
      return Promise.all(rows.map((row) => present(row, viewerId)));
    },
    async add(slug, body, userId) {
      const article = await articles.existing(slug);
      const input = requireFields(envelope(body, 'comment'), ['body']);
      const comment = await comments.create({ body: input.body, articleId: article.id, authorId: userId });
      return present(comment, userId);
    },
    async remove(slug, rawId, userId) {
      const article = await articles.existing(slug);
      const id = /^\d+$/.test(String(rawId)) ? Number(rawId) : NaN;
      const comment = Number.isSafeInteger(id) ? await comments.findById(id) : null;
      if (!comment || comment.articleId !== article.id) throw notFound('comment not found');
      if (comment.authorId !== userId) throw forbidden('only the author may delete this comment');
      await comments.remove(id);
    },
  };
}

module.exports = { createCommentService };

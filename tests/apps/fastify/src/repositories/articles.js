'use strict';
/** Data access for articles, their tags and favorites. */
const { Op } = require('sequelize');

function createArticleRepository({ sequelize, Article, Tag, ArticleTag, Favorite, Comment }) {
  async function tagNames(articleId, transaction) {
    const rows = await ArticleTag.findAll({
      where: { articleId },
      include: [{ model: Tag, attributes: ['name'] }],
      order: [['position', 'ASC']],
      transaction,
    });
    return rows.map((row) => row.Tag.name);
  }

  async function setTags(articleId, names, transaction) {
    await ArticleTag.destroy({ where: { articleId }, transaction });
    for (const [position, name] of names.entries()) {
      const [tag] = await Tag.findOrCreate({ where: { name }, transaction });
      await ArticleTag.create({ articleId, tagId: tag.id, position }, { transaction });
    }
  }

  async function withTags(article) {
    if (!article) return null;
    return { ...article.get({ plain: true }), tagList: await tagNames(article.id) };
  }

  return {
    async findBySlug(slug) {
      return withTags(await Article.findOne({ where: { slug } }));
    },
    async slugTaken(slug, exceptId = null) {
      const where = { slug };
      if (exceptId !== null) where.id = { [Op.ne]: exceptId };
      return (await Article.count({ where })) > 0;
    },
    async create({ tagList, ...fields }) {
      const id = await sequelize.transaction(async (transaction) => {
        const article = await Article.create(fields, { transaction });
        await setTags(article.id, tagList, transaction);
        return article.id;
      });
      return withTags(await Article.findByPk(id));
    },
    async update(id, { tagList, ...fields }) {
      await sequelize.transaction(async (transaction) => {
        const article = await Article.findByPk(id, { transaction });
        article.set(fields);
        // updatedAt must move on every update, even when no value changed.
        article.changed('updatedAt', true);
        await article.save({ transaction });
        if (tagList !== undefined) await setTags(id, tagList, transaction);
      });
      return withTags(await Article.findByPk(id));
    },
    async remove(id) {
      await sequelize.transaction(async (transaction) => {
        await Comment.destroy({ where: { articleId: id }, transaction });
        await Favorite.destroy({ where: { articleId: id }, transaction });
        await ArticleTag.destroy({ where: { articleId: id }, transaction });
        await Article.destroy({ where: { id }, transaction });
      });
    },
    /** Article ids carrying the tag `name`. */
    async idsWithTag(name) {
      const rows = await ArticleTag.findAll({
        attributes: ['articleId'],
        include: [{ model: Tag, attributes: [], where: { name } }],
      });
      return rows.map((row) => row.articleId);
    },
    async idsFavoritedBy(userId) {
      const rows = await Favorite.findAll({ where: { userId }, attributes: ['articleId'] });
      return rows.map((row) => row.articleId);
    },
    /**
     * One page of articles matching every given filter, newest first, and
     * the number of matches before paging.
     */
    async findPage({ authorIds, ids, limit, offset }) {
      const where = {};
      if (authorIds !== undefined) where.authorId = { [Op.in]: authorIds };
      if (ids !== undefined) where.id = { [Op.in]: ids };
      const { rows, count } = await Article.findAndCountAll({
        where,
        order: [['createdAt', 'DESC'], ['id', 'DESC']],
        limit,
        offset,
      });
      return { articles: await Promise.all(rows.map(withTags)), count };
    },
    async favoritesCount(articleId) {
      return Favorite.count({ where: { articleId } });
    },
    async isFavorited(userId, articleId) {
      if (!userId) return false;
      return (await Favorite.count({ where: { userId, articleId } })) > 0;
    },
    async favorite(userId, articleId) {
      await Favorite.findOrCreate({ where: { userId, articleId } });
    },
    async unfavorite(userId, articleId) {
      await Favorite.destroy({ where: { userId, articleId } });
    },
    /** Every tag used by at least one article, each once. */
    async tagsInUse() {
      const rows = await ArticleTag.findAll({
        include: [{ model: Tag, attributes: ['name'] }],
        order: [['tagId', 'ASC']],
      });
      return [...new Set(rows.map((row) => row.Tag.name))];
    },
  };
}

module.exports = { createArticleRepository };

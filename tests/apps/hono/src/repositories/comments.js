'use strict';
/** Data access for comments on articles. */

function createCommentRepository({ Comment }) {
  const plain = (comment) => (comment ? comment.get({ plain: true }) : null);
  return {
    async create(fields) {
      return plain(await Comment.create(fields));
    },
    async findForArticle(articleId) {
      const rows = await Comment.findAll({ where: { articleId }, order: [['createdAt', 'ASC'], ['id', 'ASC']] });
      return rows.map(plain);
    },
    async findById(id) {
      return plain(await Comment.findByPk(id));
    },
    async remove(id) {
      await Comment.destroy({ where: { id } });
    },
  };
}

module.exports = { createCommentRepository };

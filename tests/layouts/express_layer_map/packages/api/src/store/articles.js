'use strict';

async function bySlug(models, slug) {
  return models.Article.findOne({ where: { slug } });
}

module.exports = { bySlug };

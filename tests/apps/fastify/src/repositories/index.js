'use strict';
/** Builds every repository over one set of models. */
const { createUserRepository } = require('./users');
const { createArticleRepository } = require('./articles');
const { createCommentRepository } = require('./comments');

function createRepositories(sequelize, models) {
  return {
    users: createUserRepository(models),
    articles: createArticleRepository({ sequelize, ...models }),
    comments: createCommentRepository(models),
  };
}

module.exports = { createRepositories };

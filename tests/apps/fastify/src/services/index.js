'use strict';
/** Builds every use case over the repositories; knows no web framework. */
const { createTokens } = require('./security');
const { createUserService } = require('./users');
const { createProfileService } = require('./profiles');
const { createArticleService } = require('./articles');
const { createCommentService } = require('./comments');

function createServices(repositories, { jwtSecret }) {
  const tokens = createTokens(jwtSecret);
  const profiles = createProfileService({ users: repositories.users });
  const articles = createArticleService({ articles: repositories.articles, users: repositories.users, profiles });
  return {
    auth: tokens,
    users: createUserService({ users: repositories.users, tokens }),
    profiles,
    articles,
    comments: createCommentService({ comments: repositories.comments, users: repositories.users, profiles, articles }),
  };
}

module.exports = { createServices };

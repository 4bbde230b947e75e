'use strict';
const store = require('../store/articles');

async function get(models, slug) {
  return store.bySlug(models, slug);
}

module.exports = { get };

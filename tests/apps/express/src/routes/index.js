'use strict';
/** The Express application: every Conduit route under the API prefix. */
const express = require('express');
const http = require('./http');
const { userRoutes } = require('./users');
const { profileRoutes } = require('./profiles');
const { articleRoutes } = require('./articles');
const { commentRoutes } = require('./comments');

function createApp(services, { apiPrefix }) {
  const app = express();
  // Trailing slashes: Express routing is non-strict by default, so
  // /api/user/ matches /api/user without a redirect. Keep it that way.
  app.set('strict routing', false);
  app.disable('x-powered-by');
  app.use(http.serverTiming);
  // express.json() answers an empty body sent as application/json with {}.
  app.use(express.json());
  const guards = { authRequired: http.requireAuth(services.auth), authOptional: http.optionalAuth(services.auth) };
  const api = express.Router();
  api.get('/health-check', (req, res) => res.json({ status: 'ok' }));
  api.use(userRoutes(services, guards));
  api.use(profileRoutes(services, guards));
  api.use(articleRoutes(services, guards));
  api.use(commentRoutes(services, guards));
  app.use(apiPrefix, api);
  app.use(http.notFoundHandler);
  app.use(http.errorHandler);
  return app;
}

module.exports = { createApp };

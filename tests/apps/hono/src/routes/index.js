'use strict';
/** The Hono application: every Conduit route under the API prefix. */
const { Hono } = require('hono');
const http = require('./http');
const { userRoutes } = require('./users');
const { profileRoutes } = require('./profiles');
const { articleRoutes } = require('./articles');
const { commentRoutes } = require('./comments');

function createApp(services, { apiPrefix }) {
  // Trap (Hono): routing is strict about trailing slashes by default
  // (/api/user/ is 404); strict: false makes both forms match.
  const app = new Hono({ strict: false });
  const api = new Hono({ strict: false });
  app.use('*', http.serverTiming);
  const guards = http.authMiddleware(services.auth);
  api.get('/health-check', (c) => c.json({ status: 'ok' }));
  userRoutes(api, services, guards);
  profileRoutes(api, services, guards);
  articleRoutes(api, services, guards);
  commentRoutes(api, services, guards);
  app.route(apiPrefix, api);
  app.onError(http.errorHandler);
  app.notFound(http.notFoundHandler);
  return app;
}

module.exports = { createApp };

'use strict';
/** The Fastify application: every Conduit route under the API prefix. */
const Fastify = require('fastify');
const http = require('./http');
const { userRoutes } = require('./users');
const { profileRoutes } = require('./profiles');
const { articleRoutes } = require('./articles');
const { commentRoutes } = require('./comments');

function createApp(services, { apiPrefix }) {
  // Trap (Fastify): routes are strict about a trailing slash by default
  // (/api/user/ would be 404); ignoreTrailingSlash makes both forms match.
  const app = Fastify({ ignoreTrailingSlash: true, logger: false });
  http.tolerateEmptyJson(app);
  http.serverTiming(app);
  app.setErrorHandler(http.errorHandler);
  app.setNotFoundHandler(http.notFoundHandler);
  const guards = http.authHooks(services.auth);
  app.register(async (api) => {
    api.get('/health-check', async () => ({ status: 'ok' }));
    api.register(userRoutes(services, guards));
    api.register(profileRoutes(services, guards));
    api.register(articleRoutes(services, guards));
    api.register(commentRoutes(services, guards));
  }, { prefix: apiPrefix });
  return app;
}

module.exports = { createApp };

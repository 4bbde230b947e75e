'use strict';
/** The Koa application: every Conduit route under the API prefix. */
const Koa = require('koa');
const Router = require('@koa/router');
const bodyParser = require('koa-bodyparser');
const http = require('./http');
const { userRoutes } = require('./users');
const { profileRoutes } = require('./profiles');
const { articleRoutes } = require('./articles');
const { commentRoutes } = require('./comments');

function createApp(services, { apiPrefix }) {
  const app = new Koa();
  // Trailing slashes: the router is non-strict, so /api/user/ matches /api/user.
  const router = new Router({ prefix: apiPrefix, strict: false });
  const guards = http.authMiddleware(services.auth);
  router.get('/health-check', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  userRoutes(router, services, guards);
  profileRoutes(router, services, guards);
  articleRoutes(router, services, guards);
  commentRoutes(router, services, guards);
  app.use(http.serverTiming);
  app.use(http.errorHandler);
  // Trap (Koa bodyparser): it must run before the router, or
  // ctx.request.body is undefined. It parses only JSON here, and an empty
  // application/json body (POST favorite/follow) becomes {}.
  app.use(bodyParser({ enableTypes: ['json'], strict: true }));
  app.use(async (ctx, next) => {
    if (ctx.request.body === undefined) ctx.request.body = {};
    await next();
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

module.exports = { createApp };

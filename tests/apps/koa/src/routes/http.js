'use strict';
/** Koa plumbing: errors, auth middleware and timing. */
const { AppError } = require('../services/errors');

const errorBody = (messages) => ({ errors: { body: messages } });

/**
 * Errors as the Conduit envelope. Koa has no error route: this middleware
 * runs first and catches what every later one throws, including the
 * bodyparser's 400 on invalid JSON.
 */
async function errorHandler(ctx, next) {
  try {
    await next();
    // Trap (Koa): a handler that sets no ctx.body leaves Koa's default
    // 404 "Not Found" text, and allowedMethods() answers 405 in plain text;
    // both get the JSON envelope instead.
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = errorBody([`no route for ${ctx.method} ${ctx.path}`]);
    } else if (ctx.status >= 400 && (ctx.body === undefined || typeof ctx.body === 'string')) {
      const status = ctx.status;
      ctx.body = errorBody([ctx.body || ctx.message]);
      ctx.status = status;
    }
  } catch (err) {
    if (err instanceof AppError) {
      ctx.status = err.status;
      ctx.body = errorBody(err.messages);
    } else if (err.status && err.status < 500) {
      ctx.status = err.status;
      ctx.body = errorBody([err.type === 'entity.parse.failed' ? 'request body is not valid JSON' : err.message]);
    } else {
      console.error(err);
      ctx.status = 500;
      ctx.body = errorBody(['internal server error']);
    }
  }
}

/**
 * Auth middleware. Trap: the Conduit scheme is `Authorization: Token <jwt>`
 * (checked in services/security.js), not `Bearer`.
 */
function authMiddleware(auth) {
  return {
    authRequired: async (ctx, next) => {
      ctx.state.userId = auth.userIdFromHeader(ctx.get('authorization'));
      await next();
    },
    authOptional: async (ctx, next) => {
      try {
        ctx.state.userId = ctx.get('authorization') ? auth.userIdFromHeader(ctx.get('authorization')) : null;
      } catch (err) {
        ctx.state.userId = null;
      }
      await next();
    },
  };
}

/** `Server-Timing: app;dur=<ms>`; Koa writes the response after the middleware chain returns. */
async function serverTiming(ctx, next) {
  const started = process.hrtime.bigint();
  try {
    await next();
  } finally {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    ctx.set('Server-Timing', `app;dur=${ms.toFixed(2)}`);
  }
}

module.exports = { errorHandler, authMiddleware, serverTiming };

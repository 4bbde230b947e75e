'use strict';
/** Hono plumbing: body reading, auth middleware, errors and timing. */
const { AppError } = require('../services/errors');

const errorBody = (messages) => ({ errors: { body: messages } });

class InvalidJson extends Error {}

/**
 * Trap (Hono): c.req.json() throws on an empty body, and clients POST
 * favorite and follow with `Content-Type: application/json` and no body.
 * Read the text and treat an empty body as {}.
 */
async function readJson(c) {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidJson('request body is not valid JSON');
  }
}

/**
 * Auth middleware. Trap: the Conduit scheme is `Authorization: Token <jwt>`
 * (checked in services/security.js), not `Bearer`.
 */
function authMiddleware(auth) {
  return {
    authRequired: async (c, next) => {
      c.set('userId', auth.userIdFromHeader(c.req.header('authorization')));
      await next();
    },
    authOptional: async (c, next) => {
      let userId = null;
      try {
        userId = c.req.header('authorization') ? auth.userIdFromHeader(c.req.header('authorization')) : null;
      } catch (err) {
        userId = null;
      }
      c.set('userId', userId);
      await next();
    },
  };
}

function errorHandler(err, c) {
  if (err instanceof AppError) return c.json(errorBody(err.messages), err.status);
  if (err instanceof InvalidJson) return c.json(errorBody([err.message]), 400);
  console.error(err);
  return c.json(errorBody(['internal server error']), 500);
}

function notFoundHandler(c) {
  return c.json(errorBody([`no route for ${c.req.method} ${c.req.path}`]), 404);
}

/** `Server-Timing: app;dur=<ms>` on every response. */
async function serverTiming(c, next) {
  const started = process.hrtime.bigint();
  await next();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  c.res.headers.set('Server-Timing', `app;dur=${ms.toFixed(2)}`);
}

module.exports = { readJson, authMiddleware, errorHandler, notFoundHandler, serverTiming };

'use strict';
/** Fastify plumbing: JSON parsing, auth hooks, errors and timing. */
const { AppError } = require('../services/errors');

const errorBody = (messages) => ({ errors: { body: messages } });

/**
 * Trap (Fastify): the built-in JSON parser rejects an empty body sent with
 * `Content-Type: application/json` (FST_ERR_CTP_EMPTY_JSON_BODY, 400), which
 * is how clients POST favorite and follow. Parse an empty body as {}.
 */
function tolerateEmptyJson(app) {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.trim() === '') {
      done(null, {});
      return;
    }
    try {
      done(null, JSON.parse(body));
    } catch (err) {
      err.statusCode = 400;
      err.invalidJson = true;
      done(err, undefined);
    }
  });
}

/**
 * Auth hooks. Trap: the Conduit scheme is `Authorization: Token <jwt>`
 * (checked in services/security.js), not `Bearer`.
 */
function authHooks(auth) {
  return {
    authRequired: async (request) => {
      request.userId = auth.userIdFromHeader(request.headers.authorization);
    },
    authOptional: async (request) => {
      try {
        request.userId = request.headers.authorization ? auth.userIdFromHeader(request.headers.authorization) : null;
      } catch (err) {
        request.userId = null;
      }
    },
  };
}

function errorHandler(err, request, reply) {
  if (err instanceof AppError) {
    reply.code(err.status).send(errorBody(err.messages));
  } else if (err.invalidJson) {
    reply.code(400).send(errorBody(['request body is not valid JSON']));
  } else if (err.statusCode && err.statusCode < 500) {
    reply.code(err.statusCode).send(errorBody([err.message]));
  } else {
    request.log.error(err);
    console.error(err);
    reply.code(500).send(errorBody(['internal server error']));
  }
}

function notFoundHandler(request, reply) {
  reply.code(404).send(errorBody([`no route for ${request.method} ${request.url}`]));
}

/** `Server-Timing: app;dur=<ms>` on every reply. */
function serverTiming(app) {
  app.addHook('onRequest', async (request) => {
    request.startedAt = process.hrtime.bigint();
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const ms = Number(process.hrtime.bigint() - (request.startedAt || process.hrtime.bigint())) / 1e6;
    reply.header('Server-Timing', `app;dur=${ms.toFixed(2)}`);
    return payload;
  });
}

module.exports = { tolerateEmptyJson, authHooks, errorHandler, notFoundHandler, serverTiming };

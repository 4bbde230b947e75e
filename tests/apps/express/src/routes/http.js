'use strict';
/** HTTP helpers shared by the Express routes: async wrapping, auth, errors, timing. */
const { AppError } = require('../services/errors');

/**
 * Trap (Express 4): a rejected promise from an async handler is not passed
 * to the error middleware; the request hangs and the rejection goes
 * unhandled. Every async handler goes through this wrapper.
 */
const asyncHandler = (handler) => (req, res, next) => {
  Promise.resolve(handler(req, res, next)).catch(next);
};

/** Auth: `Authorization: Token <jwt>` required; sets req.userId or answers 401. */
function requireAuth(auth) {
  return (req, res, next) => {
    try {
      req.userId = auth.userIdFromHeader(req.get('authorization'));
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Auth optional: a valid token sets req.userId; no token (or a bad one) means anonymous. */
function optionalAuth(auth) {
  return (req, res, next) => {
    try {
      req.userId = req.get('authorization') ? auth.userIdFromHeader(req.get('authorization')) : null;
    } catch (err) {
      req.userId = null;
    }
    next();
  };
}

const errorBody = (messages) => ({ errors: { body: messages } });

function notFoundHandler(req, res) {
  res.status(404).json(errorBody([`no route for ${req.method} ${req.path}`]));
}

// Express recognises error middleware by its four parameters; keep `next`.
// eslint-disable-next-line no-unused-vars
function errorHandler(err, req, res, next) {
  if (err instanceof AppError) {
    res.status(err.status).json(errorBody(err.messages));
  } else if (err.type === 'entity.parse.failed') {
    res.status(400).json(errorBody(['request body is not valid JSON']));
  } else {
    console.error(err);
    res.status(500).json(errorBody(['internal server error']));
  }
}

/** `Server-Timing: app;dur=<ms>`, set just before the headers go out. */
function serverTiming(req, res, next) {
  const started = process.hrtime.bigint();
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadWithTiming(...args) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (!res.headersSent) res.setHeader('Server-Timing', `app;dur=${ms.toFixed(2)}`);
    return writeHead.apply(this, args);
  };
  next();
}

module.exports = { asyncHandler, requireAuth, optionalAuth, notFoundHandler, errorHandler, serverTiming };

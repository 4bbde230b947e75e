'use strict';
/** Shared checks on request payloads, phrased as Conduit error messages. */
const { unprocessable } = require('./errors');

const isText = (value) => typeof value === 'string' && value.trim() !== '';

/** The named fields of `payload` that are missing or blank, as 422 messages. */
function requireFields(payload, fields) {
  const source = payload && typeof payload === 'object' ? payload : {};
  const missing = fields.filter((field) => !isText(source[field]));
  if (missing.length > 0) throw unprocessable(missing.map((field) => `${field} can't be blank`));
  return source;
}

/** An object nested under `key` in a request body, or `{}`. */
function envelope(body, key) {
  const value = body && typeof body === 'object' ? body[key] : undefined;
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

module.exports = { isText, requireFields, envelope };

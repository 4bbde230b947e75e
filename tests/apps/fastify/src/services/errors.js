'use strict';
/**
 * Failures a use case reports. Each carries the HTTP-neutral kind and the
 * messages; the routes layer turns them into a status and the
 * `{"errors": {"body": [...]}}` envelope.
 */
class AppError extends Error {
  constructor(status, messages) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join('; '));
    this.status = status;
    this.messages = list;
  }
}

const unauthorized = (message = 'missing or invalid authorization token') => new AppError(401, message);
const forbidden = (message) => new AppError(403, message);
const notFound = (message) => new AppError(404, message);
const unprocessable = (messages) => new AppError(422, messages);

module.exports = { AppError, unauthorized, forbidden, notFound, unprocessable };

'use strict';
/**
 * Settings from the environment, read once. The defaults are the study's
 * evaluation contract: PostgreSQL at host `postgres`, port 3000.
 */
module.exports = {
  port: Number.parseInt(process.env.PORT || '3000', 10),
  host: process.env.HOST || '0.0.0.0',
  databaseUrl: process.env.DATABASE_URL || 'postgres://user:password@postgres:5432/conduit',
  jwtSecret: process.env.JWT_SECRET || process.env.SECRET_KEY || 'conduit-development-secret',
  apiPrefix: process.env.API_PREFIX || '/api',
};

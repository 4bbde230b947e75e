'use strict';
/**
 * Composition root: database -> models -> repositories -> services. The
 * routes receive only the services.
 */
const config = require('./config');
const { initDatabase } = require('./models');
const { createRepositories } = require('./repositories');
const { createServices } = require('./services');

async function createContainer() {
  const { sequelize, models } = await initDatabase(config.databaseUrl);
  const services = createServices(createRepositories(sequelize, models), config);
  return { config, sequelize, services };
}

module.exports = { createContainer };

'use strict';
/** Entry point: build the container, then serve on $PORT (default 3000) through @hono/node-server. */
const { serve } = require('@hono/node-server');
const { createContainer } = require('./container');
const { createApp } = require('./routes');

async function main() {
  const { config, services } = await createContainer();
  const app = createApp(services, config);
  serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
    console.log(`conduit (hono) listening on ${config.host}:${config.port}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

'use strict';
/** Entry point: build the container, then listen on $PORT (default 3000). */
const { createContainer } = require('./container');
const { createApp } = require('./routes');

async function main() {
  const { config, services } = await createContainer();
  const app = createApp(services, config);
  app.listen(config.port, config.host, () => {
    console.log(`conduit (koa) listening on ${config.host}:${config.port}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

const Fastify = require('fastify');
const routes = require('./routes');
const { initDatabase } = require('./db');

const app = Fastify({ logger: true }); //@logger

app.get('/api/health-check', async () => ({ status: 'ok' }));
app.register(routes, { prefix: '/api' }); //@mount
app.setErrorHandler((error, request, reply) => { //@error_handler
  request.log.error(error);
  reply.code(error.status || error.statusCode || 500).send({ errors: { body: [error.message] } });
});

initDatabase() //@init_db
  .then(() => app.listen({ port: Number(process.env.PORT || 3000), host: '0.0.0.0' })) //@listen
  .catch((err) => {
    app.log.error(err);
    process.exit(1);
  });

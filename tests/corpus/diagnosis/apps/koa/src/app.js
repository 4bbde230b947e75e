const Koa = require('koa');
const bodyParser = require('koa-bodyparser');
const logger = require('koa-logger');
const router = require('./routes');
const { initDatabase } = require('./db');

const app = new Koa();
app.use(logger());
app.use(async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    ctx.status = err.status || 500;
    ctx.body = { errors: { body: [err.message] } };
    ctx.app.emit('error', err, ctx);
  }
});
app.use(bodyParser());
app.use(router.routes()).use(router.allowedMethods());

initDatabase().then(() => {
  app.listen(process.env.PORT || 3000, () => console.log('listening on 3000'));
});

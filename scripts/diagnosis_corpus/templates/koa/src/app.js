const Koa = require('koa');
const bodyParser = require('koa-bodyparser');
const logger = require('koa-logger');
const router = require('./routes');
const { initDatabase } = require('./db');

const app = new Koa();
app.use(logger()); //@logger
app.use(async (ctx, next) => { //@error_handler
  try {
    await next();
  } catch (err) {
    ctx.status = err.status || 500;
    ctx.body = { errors: { body: [err.message] } };
    ctx.app.emit('error', err, ctx);
  }
});
app.use(bodyParser()); //@body_parser
app.use(router.routes()).use(router.allowedMethods()); //@mount

initDatabase().then(() => { //@init_db
  app.listen(process.env.PORT || 3000, () => console.log('listening on 3000')); //@listen
});

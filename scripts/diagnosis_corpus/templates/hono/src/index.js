import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { logger } from 'hono/logger';
import { api } from './routes.js';
import { initDatabase } from './db.js';

const app = new Hono();
app.use('*', logger()); //@logger
app.get('/api/health-check', (c) => c.json({ status: 'ok' }));
app.route('/api', api); //@mount
app.onError((err, c) => { //@error_handler
  console.error(err);
  return c.json({ errors: { body: [err.message] } }, err.status || 500);
});

await initDatabase(); //@init_db
serve({ fetch: app.fetch, port: Number(process.env.PORT || 3000) } //@listen
, , (info) => console.log(`Server is running on http://localhost:${info.port}`));

import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { logger } from 'hono/logger';
import { api } from './routes.js';
import { initDatabase } from './db.js';

const app = new Hono();
app.use('*', logger());
app.get('/api/health-check', (c) => c.json({ status: 'ok' }));
app.route('/api', api);
app.onError((err, c) => {
  console.error(err);
  return c.json({ errors: { body: [err.message] } }, err.status || 500);
});

await initDatabase();
serve({ fetch: app.fetch, port: Number(process.env.PORT || 3000) }
, , (info) => console.log(`Server is running on http://localhost:${info.port}`));

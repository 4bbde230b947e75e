import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { articleRoutes } from './handlers/articles.js';

const app = new Hono();
app.route('/api', articleRoutes);
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });

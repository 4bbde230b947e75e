import { Hono } from 'hono';
import { listArticles } from '../application/articles.js';

export const articleRoutes = new Hono();
articleRoutes.get('/articles', async (c) => c.json({ articles: await listArticles() }));

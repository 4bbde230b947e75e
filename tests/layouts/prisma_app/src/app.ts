import express from 'express';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
export const app = express();

app.get('/api/tags', async (_req, res) => {
  const tags = await prisma.tag.findMany({ orderBy: { name: 'asc' } });
  const counts = await prisma.$queryRaw`SELECT name, count(*) FROM "Tag" GROUP BY name`;
  res.json({ tags: tags.map((t) => t.name), counts });
});

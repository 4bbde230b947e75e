import Koa from 'koa';
import Router from '@koa/router';
import { DataSource, Entity, PrimaryGeneratedColumn, Column } from 'typeorm';

@Entity()
export class Tag {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
}

const source = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, entities: [Tag] });
const router = new Router();

router.get('/api/tags', async (ctx) => {
  const tags = await source.getRepository(Tag).find({ order: { name: 'ASC' } });
  const total = await source.query('SELECT count(*) FROM tag');
  ctx.body = { tags: tags.map((t) => t.name), total };
});

export const app = new Koa().use(router.routes());

import { Sequelize } from 'sequelize';
import { defineArticle } from '../domain';

const url: string = process.env.DATABASE_URL ?? 'postgres://user:password@postgres:5432/conduit';
const sequelize = new Sequelize(url, { dialect: 'postgres', logging: false });
const Article = defineArticle(sequelize);

export async function findArticles(): Promise<unknown[]> {
  return Article.findAll({ order: [['createdAt', 'DESC']] });
}

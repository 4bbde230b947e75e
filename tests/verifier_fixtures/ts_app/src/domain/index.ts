import { DataTypes, Sequelize } from 'sequelize';

export function defineArticle(sequelize: Sequelize) {
  return sequelize.define('Article', { title: DataTypes.STRING }, { tableName: 'articles' });
}

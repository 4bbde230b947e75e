// Sequelize models and the connection; the schema is synced on startup.
import { Sequelize, DataTypes } from 'sequelize';

const sequelize = new Sequelize(process.env.DATABASE_URL || 'postgres://user:password@postgres:5432/conduit', {
  dialect: 'postgres',
  pool: { max: 10, acquire: 10000 },
});

const User = sequelize.define('User', {
  username: { type: DataTypes.STRING, unique: true, allowNull: false },
  email: { type: DataTypes.STRING, unique: true, allowNull: false },
  password: { type: DataTypes.STRING, allowNull: false },
  bio: { type: DataTypes.TEXT, defaultValue: '' },
  image: { type: DataTypes.STRING, validate: { isUrl: true } },
});

const Article = sequelize.define('Article', {
  slug: { type: DataTypes.STRING, unique: true, allowNull: false },
  title: { type: DataTypes.STRING, allowNull: false },
  description: { type: DataTypes.TEXT, allowNull: false },
  body: { type: DataTypes.TEXT, allowNull: false },
  tagList: { type: DataTypes.ARRAY(DataTypes.STRING), defaultValue: [] },
});

const Comment = sequelize.define('Comment', { body: { type: DataTypes.TEXT, allowNull: false } });

Article.belongsTo(User, { as: 'author', foreignKey: 'authorId' });
User.belongsToMany(Article, { through: 'Favorites', as: 'favorites' });
Article.belongsToMany(User, { through: 'Favorites', as: 'favoritedBy' });
User.belongsToMany(User, { through: 'Follows', as: 'followers', foreignKey: 'followedId', otherKey: 'followerId' });
Comment.belongsTo(Article);
Comment.belongsTo(User, { as: 'author' });

async function initDatabase() {
  await sequelize.sync();
}

export { sequelize, User, Article, Comment, initDatabase };

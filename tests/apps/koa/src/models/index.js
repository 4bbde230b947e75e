'use strict';
/**
 * Sequelize models and the connection they share. `DATABASE_URL` picks the
 * dialect: `postgres://...` uses `pg`, `sqlite:PATH` (or `sqlite:///PATH`)
 * uses the optional `sqlite3` driver.
 */
const { Sequelize, DataTypes } = require('sequelize');

function connect(databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) {
    // sqlite:PATH, or as in Python: sqlite:///relative/path, sqlite:////absolute/path.
    const storage = databaseUrl.slice('sqlite:'.length).replace(/^\/\/\/?/, '') || ':memory:';
    return new Sequelize({ dialect: 'sqlite', storage, logging: false });
  }
  return new Sequelize(databaseUrl, { dialect: 'postgres', logging: false });
}

function defineModels(sequelize) {
  const User = sequelize.define('User', {
    username: { type: DataTypes.STRING, allowNull: false, unique: true },
    email: { type: DataTypes.STRING, allowNull: false, unique: true },
    passwordHash: { type: DataTypes.STRING, allowNull: false },
    bio: { type: DataTypes.TEXT, allowNull: true },
    image: { type: DataTypes.STRING, allowNull: true },
  }, { tableName: 'users' });

  const Follow = sequelize.define('Follow', {}, {
    tableName: 'follows',
    indexes: [{ unique: true, fields: ['followerId', 'followingId'] }],
  });

  const Article = sequelize.define('Article', {
    slug: { type: DataTypes.STRING, allowNull: false, unique: true },
    title: { type: DataTypes.STRING, allowNull: false },
    description: { type: DataTypes.TEXT, allowNull: false },
    body: { type: DataTypes.TEXT, allowNull: false },
  }, { tableName: 'articles' });

  const Tag = sequelize.define('Tag', {
    name: { type: DataTypes.STRING, allowNull: false, unique: true },
  }, { tableName: 'tags', timestamps: false });

  const ArticleTag = sequelize.define('ArticleTag', {
    position: { type: DataTypes.INTEGER, allowNull: false },
  }, {
    tableName: 'article_tags',
    timestamps: false,
    indexes: [{ unique: true, fields: ['articleId', 'tagId'] }],
  });

  const Favorite = sequelize.define('Favorite', {}, {
    tableName: 'favorites',
    indexes: [{ unique: true, fields: ['userId', 'articleId'] }],
  });

  const Comment = sequelize.define('Comment', {
    body: { type: DataTypes.TEXT, allowNull: false },
  }, { tableName: 'comments' });

  const cascade = { onDelete: 'CASCADE', foreignKey: { allowNull: false } };
  User.hasMany(Article, { ...cascade, foreignKey: { name: 'authorId', allowNull: false }, as: 'articles' });
  Article.belongsTo(User, { foreignKey: { name: 'authorId', allowNull: false }, as: 'author' });

  Follow.belongsTo(User, { foreignKey: { name: 'followerId', allowNull: false }, onDelete: 'CASCADE', as: 'follower' });
  Follow.belongsTo(User, { foreignKey: { name: 'followingId', allowNull: false }, onDelete: 'CASCADE', as: 'following' });

  ArticleTag.belongsTo(Article, { ...cascade, foreignKey: { name: 'articleId', allowNull: false } });
  ArticleTag.belongsTo(Tag, { ...cascade, foreignKey: { name: 'tagId', allowNull: false } });
  Article.hasMany(ArticleTag, { foreignKey: 'articleId', as: 'articleTags' });

  Favorite.belongsTo(User, { foreignKey: { name: 'userId', allowNull: false }, onDelete: 'CASCADE' });
  Favorite.belongsTo(Article, { foreignKey: { name: 'articleId', allowNull: false }, onDelete: 'CASCADE' });

  Comment.belongsTo(Article, { foreignKey: { name: 'articleId', allowNull: false }, onDelete: 'CASCADE' });
  Comment.belongsTo(User, { foreignKey: { name: 'authorId', allowNull: false }, onDelete: 'CASCADE', as: 'author' });

  return { User, Follow, Article, Tag, ArticleTag, Favorite, Comment };
}

/** Connect, define the models and create the schema, retrying while the database starts. */
async function initDatabase(databaseUrl, { attempts = 30, delayMs = 1000 } = {}) {
  const sequelize = connect(databaseUrl);
  const models = defineModels(sequelize);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await sequelize.authenticate();
      await sequelize.sync();
      return { sequelize, models };
    } catch (err) {
      if (attempt >= attempts) throw err;
      console.error(`database not ready (${err.message}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

module.exports = { initDatabase };

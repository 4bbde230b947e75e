// Sequelize models and the connection; the schema is synced on startup.
const { Sequelize, DataTypes } = require('sequelize');

const sequelize = new Sequelize(process.env.DATABASE_URL || 'postgres://user:password@postgres:5432/conduit', { //@db_url
  dialect: 'postgres', //@db_client
  pool: { max: 10, acquire: 10000 }, //@pool
});

const User = sequelize.define('User', {
  username: { type: DataTypes.STRING, unique: true, allowNull: false }, //@m_username
  email: { type: DataTypes.STRING, unique: true, allowNull: false },
  password: { type: DataTypes.STRING, allowNull: false },
  bio: { type: DataTypes.TEXT, defaultValue: '' },
  image: { type: DataTypes.STRING, validate: { isUrl: true } }, //@m_image
});

const Article = sequelize.define('Article', {
  slug: { type: DataTypes.STRING, unique: true, allowNull: false }, //@m_slug
  title: { type: DataTypes.STRING, allowNull: false },
  description: { type: DataTypes.TEXT, allowNull: false }, //@m_description
  body: { type: DataTypes.TEXT, allowNull: false },
  tagList: { type: DataTypes.ARRAY(DataTypes.STRING), defaultValue: [] }, //@m_tags
});

const Comment = sequelize.define('Comment', { body: { type: DataTypes.TEXT, allowNull: false } });

Article.belongsTo(User, { as: 'author', foreignKey: 'authorId' }); //@m_author
User.belongsToMany(Article, { through: 'Favorites', as: 'favorites' }); //@m_favorites
Article.belongsToMany(User, { through: 'Favorites', as: 'favoritedBy' }); //@m_favorited_by
User.belongsToMany(User, { through: 'Follows', as: 'followers', foreignKey: 'followedId', otherKey: 'followerId' }); //@m_followers
Comment.belongsTo(Article);
Comment.belongsTo(User, { as: 'author' });

async function initDatabase() {
  await sequelize.sync(); //@create_all
}

module.exports = { sequelize, User, Article, Comment, initDatabase };

'use strict';

async function tagCounts(sequelize) {
  const [rows] = await sequelize.query('SELECT name, count(*) FROM tags GROUP BY name');
  return rows;
}

module.exports = { tagCounts };

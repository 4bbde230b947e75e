// The knex instance shared by every service; the schema is created on startup.
const knex = require('knex');

const db = knex({
  client: 'pg',
  connection: process.env.DATABASE_URL || 'postgres://user:password@postgres:5432/conduit',
  pool: { min: 0, max: 10 },
});

async function initDatabase() {
  if (!(await db.schema.hasTable('users'))) {
    await db.schema.createTable('users', (t) => {
      t.increments('id');
      t.string('username').unique().notNullable();
      t.string('email').unique().notNullable();
      t.string('password').notNullable();
      t.text('bio').defaultTo('');
      t.string('image');
    });
  }
}

module.exports = { db, initDatabase };

'use strict';
const express = require('express');
const { Pool } = require('pg');
const db = require('./db');

const app = express();
const pool = new Pool();

app.get('/api/tags', async (req, res) => {
  const tags = await db('tags').select('name').orderBy('name');
  const counted = await db.raw('SELECT name, count(*) FROM tags GROUP BY name');
  res.json({ tags: tags.map((t) => t.name), counted: counted.rows });
});

app.get('/api/stats', async (req, res) => {
  const { rows } = await pool.query('SELECT count(*) FROM articles');
  res.json(rows[0]);
});

module.exports = app;

'use strict';
// The inventory API on Express: JSON bodies, the routes under /api, the schema created at start.
const express = require('express');
const { sequelize } = require('./db');
const items = require('./routes/items');

const app = express();
app.use(express.json());
app.get('/api/health-check', (req, res) => res.json({ status: 'ok' }));
app.use('/api', items);
app.use((req, res) => res.status(404).json({ errors: { path: ['not found'] } }));
// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  if (err.type === 'entity.parse.failed') return res.status(422).json({ errors: { body: ['is not JSON'] } });
  console.error(err);
  return res.status(500).json({ errors: { server: ['internal error'] } });
});

sequelize.sync().then(() => {
  const port = Number(process.env.PORT || 3000);
  app.listen(port, '0.0.0.0', () => console.log(`inventory listening on ${port}`));
}).catch((err) => {
  console.error(err);
  process.exit(1);
});

const express = require('express');
const morgan = require('morgan');
const routes = require('./routes');
const { initDatabase } = require('./db');

const app = express();
app.use(morgan('dev'));
app.use(express.json());
app.get('/api/health-check', (req, res) => res.json({ status: 'ok' }));
app.use('/api', routes);
app.use((err, req, res, next) => {
  console.error(err);
  res.status(err.status || 500).json({ errors: { body: [err.message] } });
});

initDatabase().then(() => {
  app.listen(process.env.PORT || 3000, () =>
    console.log(`Server listening on port ${process.env.PORT || 3000}`));
});

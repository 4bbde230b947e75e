const express = require('express');
const morgan = require('morgan');
const routes = require('./routes');
const { initDatabase } = require('./db');

const app = express();
app.use(morgan('dev')); //@logger
app.use(express.json()); //@body_parser
app.get('/api/health-check', (req, res) => res.json({ status: 'ok' }));
app.use('/api', routes); //@mount
app.use((err, req, res, next) => { //@error_handler
  console.error(err);
  res.status(err.status || 500).json({ errors: { body: [err.message] } });
});

initDatabase().then(() => { //@init_db
  app.listen(process.env.PORT || 3000, () => //@listen
    console.log(`Server listening on port ${process.env.PORT || 3000}`));
});

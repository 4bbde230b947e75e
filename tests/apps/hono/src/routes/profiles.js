'use strict';
/** /profiles/:username and following. */

function profileRoutes(api, { profiles }, { authRequired, authOptional }) {
  api.get('/profiles/:username', authOptional, async (c) => c.json({
    profile: await profiles.get(c.req.param('username'), c.get('userId')),
  }));
  // Arrives as an empty application/json POST: the handler never calls
  // c.req.json(), which would throw on it (see readJson in http.js).
  api.post('/profiles/:username/follow', authRequired, async (c) => c.json({
    profile: await profiles.follow(c.req.param('username'), c.get('userId')),
  }));
  api.delete('/profiles/:username/follow', authRequired, async (c) => c.json({
    profile: await profiles.unfollow(c.req.param('username'), c.get('userId')),
  }));
}

module.exports = { profileRoutes };

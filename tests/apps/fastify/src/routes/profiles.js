'use strict';
/** /profiles/:username and following. */

function profileRoutes({ profiles }, { authRequired, authOptional }) {
  return async (app) => {
    app.get('/profiles/:username', { preHandler: authOptional }, async (request) => ({
      profile: await profiles.get(request.params.username, request.userId),
    }));
    // Arrives as an empty application/json POST: see tolerateEmptyJson in http.js.
    app.post('/profiles/:username/follow', { preHandler: authRequired }, async (request) => ({
      profile: await profiles.follow(request.params.username, request.userId),
    }));
    app.delete('/profiles/:username/follow', { preHandler: authRequired }, async (request) => ({
      profile: await profiles.unfollow(request.params.username, request.userId),
    }));
  };
}

module.exports = { profileRoutes };

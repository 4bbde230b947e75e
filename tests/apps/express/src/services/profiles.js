'use strict';
/** Use cases: read a profile, follow and unfollow its user. */
const { notFound } = require('./errors');

function createProfileService({ users }) {
  async function profileOf(user, viewerId) {
    return {
      username: user.username,
      bio: user.bio ?? null,
      image: user.image ?? null,
      following: await users.isFollowing(viewerId, user.id),
    };
  }

  async function target(username) {
    const user = await users.findByUsername(username);
    if (!user) throw notFound('profile not found');
    return user;
  }

  return {
    profileOf,
    async get(username, viewerId) {
      return profileOf(await target(username), viewerId);
    },
    async follow(username, viewerId) {
      const user = await target(username);
      await users.follow(viewerId, user.id);
      return profileOf(user, viewerId);
    },
    async unfollow(username, viewerId) {
      const user = await target(username);
      await users.unfollow(viewerId, user.id);
      return profileOf(user, viewerId);
    },
  };
}

module.exports = { createProfileService };

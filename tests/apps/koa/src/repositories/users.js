'use strict';
/** Data access for users and the follow relation between them. */
const { Op } = require('sequelize');

function plain(user) {
  return user ? user.get({ plain: true }) : null;
}

function createUserRepository({ User, Follow }) {
  return {
    async findById(id) {
      return plain(await User.findByPk(id));
    },
    async findByEmail(email) {
      return plain(await User.findOne({ where: { email } }));
    },
    async findByUsername(username) {
      return plain(await User.findOne({ where: { username } }));
    },
    /** Another user than `exceptId` already holding this email or username, if any. */
    async findConflict({ email, username }, exceptId = null) {
      const or = [];
      if (email !== undefined) or.push({ email });
      if (username !== undefined) or.push({ username });
      if (or.length === 0) return null;
      const where = { [Op.or]: or };
      if (exceptId !== null) where.id = { [Op.ne]: exceptId };
      return plain(await User.findOne({ where }));
    },
    async create(fields) {
      return plain(await User.create(fields));
    },
    async update(id, fields) {
      const user = await User.findByPk(id);
      if (!user) return null;
      await user.update(fields);
      return plain(user);
    },
    async isFollowing(followerId, followingId) {
      if (!followerId) return false;
      return (await Follow.count({ where: { followerId, followingId } })) > 0;
    },
    async follow(followerId, followingId) {
      await Follow.findOrCreate({ where: { followerId, followingId } });
    },
    async unfollow(followerId, followingId) {
      await Follow.destroy({ where: { followerId, followingId } });
    },
    async followedIds(followerId) {
      const rows = await Follow.findAll({ where: { followerId }, attributes: ['followingId'] });
      return rows.map((row) => row.followingId);
    },
  };
}

module.exports = { createUserRepository };

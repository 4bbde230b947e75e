// Users and profiles: registration, login, updates, follows.
const { User } = require('../db');
const { hashPassword, checkPassword } = require('../utils/bcrypt');

function userOut(user, token) {
  return { email: user.email, username: user.username, bio: user.bio, image: user.image, token }; //@user_out_token
}

async function findById(id) {
  return User.findByPk(id); //@find_by_id
}

async function register(data) {
  const taken = await User.findOne({ where: { email: data.email } }); //@reg_taken
  if (taken) throw Object.assign(new Error('email has already been taken'), { status: 422 }); //@reg_reject
  return User.create({ username: data.username, email: data.email, password: await hashPassword(data.password) }); //@reg_user
}

async function login(data) {
  const user = await User.findOne({ where: { email: data.email } }); //@login_lookup
  if (!user || !(await checkPassword(data.password, user.password))) { //@login_verify
    throw Object.assign(new Error('email or password is invalid'), { status: 401 });
  }
  return user;
}

async function updateUser(user, data) {
  const changes = { ...data };
  if (data.password) changes.password = await hashPassword(data.password); //@upd_user_password
  await user.update(changes); //@upd_user_commit
  return user;
}

async function follow(viewer, username) {
  const target = await User.findOne({ where: { username } }); //@follow_lookup
  if (!target) throw Object.assign(new Error('profile not found'), { status: 404 });
  await target.addFollower(viewer); //@follow_add
  return { username: target.username, bio: target.bio, image: target.image, following: true }; //@follow_out
}

module.exports = { userOut, findById, register, login, updateUser, follow };

// Users and profiles: registration, login, updates, follows.
const { db } = require('../db');
const { hashPassword, checkPassword } = require('../utils/bcrypt');

function userOut(user, token) {
  return { email: user.email, username: user.username, bio: user.bio, image: user.image, token };
}

async function findById(id) {
  return db('users').where({ id }).first();
}

async function register(data) {
  const taken = await db('users').where({ email: data.email }).first();
  if (taken) throw Object.assign(new Error('email has already been taken'), { status: 422 });
  const [user] = await db('users')
    .insert({ username: data.username, email: data.email, password: await hashPassword(data.password) })
    .returning('*');
  return user;
}

async function login(data) {
  const user = await db('users').where({ email: data.email }).first();
  if (!user || !(await checkPassword(data.password, user.password))) {
    throw Object.assign(new Error('email or password is invalid'), { status: 401 });
  }
  return user;
}

async function updateUser(user, data) {
  const changes = { ...data };
  if (data.password) changes.password = await hashPassword(data.password);
  const [updated] = await db('users').where({ id: user.id }).update(changes).returning('*');
  return updated;
}

async function follow(viewer, username) {
  const target = await db('users').where({ username }).first();
  if (!target) throw Object.assign(new Error('profile not found'), { status: 404 });
  await db('follows').insert({ follower_id: viewer.id, followed_id: target.id }).onConflict().ignore();
  return { username: target.username, bio: target.bio, image: target.image, following: true };
}

module.exports = { userOut, findById, register, login, updateUser, follow };

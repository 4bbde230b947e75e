// Users and profiles: registration, login, updates, follows.
import { User } from '../db.js';
import { hashPassword, checkPassword } from '../utils/bcrypt.js';

function userOut(user, token) {
  return { email: user.email, username: user.username, bio: user.bio, image: user.image, token };
}

async function findById(id) {
  return User.findByPk(id);
}

async function register(data) {
  const taken = await User.findOne({ where: { email: data.email } });
  if (taken) throw Object.assign(new Error('email has already been taken'), { status: 422 });
  return User.create({ username: data.username, email: data.email, password: await hashPassword(data.password) });
}

async function login(data) {
  const user = await User.findOne({ where: { email: data.email } });
  if (!user || !(await checkPassword(data.password, user.password))) {
    throw Object.assign(new Error('email or password is invalid'), { status: 401 });
  }
  return user;
}

async function updateUser(user, data) {
  const changes = { ...data };
  if (data.password) changes.password = await hashPassword(data.password);
  await user.update(changes);
  return user;
}

async function follow(viewer, username) {
  const target = await User.findOne({ where: { username } });
  if (!target) throw Object.assign(new Error('profile not found'), { status: 404 });
  await target.addFollower(viewer);
  return { username: target.username, bio: target.bio, image: target.image, following: true };
}

export { userOut, findById, register, login, updateUser, follow };

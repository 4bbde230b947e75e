const users = require('../services/users');
const { issueToken, currentUser } = require('../auth');

async function register(req, res) {
  const user = await users.register(req.body.user); //@r_register
  res.status(201).json({ user: users.userOut(user, issueToken(user)) });
}

async function login(req, res) {
  const user = await users.login(req.body.user); //@r_login
  res.json({ user: users.userOut(user, issueToken(user)) });
}

async function me(req, res) {
  const user = await currentUser(req.headers.authorization); //@r_me
  res.json({ user: users.userOut(user, issueToken(user)) });
}

async function updateMe(req, res) {
  const user = await currentUser(req.headers.authorization); //@r_viewer
  const updated = await users.updateUser(user, req.body.user); //@r_update_user
  res.json({ user: users.userOut(updated, issueToken(updated)) });
}

async function follow(req, res) {
  const viewer = await currentUser(req.headers.authorization);
  res.json({ profile: await users.follow(viewer, req.params.username) }); //@r_follow
}

module.exports = { register, login, me, updateMe, follow };

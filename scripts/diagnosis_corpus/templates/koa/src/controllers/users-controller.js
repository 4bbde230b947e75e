const users = require('../services/users');
const { issueToken, currentUser } = require('../auth');

async function register(ctx) {
  const user = await users.register(ctx.request.body.user); //@r_register
  ctx.status = 201;
  ctx.body = { user: users.userOut(user, issueToken(user)) };
}

async function login(ctx) {
  const user = await users.login(ctx.request.body.user); //@r_login
  ctx.body = { user: users.userOut(user, issueToken(user)) };
}

async function me(ctx) {
  const user = await currentUser(ctx.get('Authorization')); //@r_me
  ctx.body = { user: users.userOut(user, issueToken(user)) };
}

async function updateMe(ctx) {
  const user = await currentUser(ctx.get('Authorization')); //@r_viewer
  const updated = await users.updateUser(user, ctx.request.body.user); //@r_update_user
  ctx.body = { user: users.userOut(updated, issueToken(updated)) };
}

async function follow(ctx) {
  const viewer = await currentUser(ctx.get('Authorization'));
  ctx.body = { profile: await users.follow(viewer, ctx.params.username) }; //@r_follow
}

module.exports = { register, login, me, updateMe, follow };

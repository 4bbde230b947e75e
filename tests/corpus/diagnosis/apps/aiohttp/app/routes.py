"""The Conduit API's routes, on one aiohttp RouteTableDef."""

from aiohttp import web

from app.auth import current_user
from app.services import articles, users

routes = web.RouteTableDef()


async def viewer(request, required=True):
    return await current_user(request.headers.get("Authorization"), required=required)


@routes.post("/api/users")
async def register(request):
    data = (await request.json())["user"]
    return web.json_response({"user": await users.register(data)}, status=201)


@routes.post("/api/users/login")
async def login(request):
    data = (await request.json())["user"]
    return web.json_response({"user": await users.login(data)})


@routes.get("/api/user")
async def me(request):
    return web.json_response({"user": users.user_out(await viewer(request))})


@routes.put("/api/user")
async def update_me(request):
    data = (await request.json())["user"]
    return web.json_response({"user": await users.update_user(await viewer(request), data)})


@routes.get("/api/profiles/{username}")
async def profile(request):
    username = request.match_info["username"]
    return web.json_response({"profile": await users.get_profile(username, await viewer(request, False))})


@routes.post("/api/profiles/{username}/follow")
async def follow(request):
    user = await viewer(request)
    return web.json_response({"profile": await users.follow(user, request.match_info["username"])})


@routes.get("/api/articles")
async def list_articles(request):
    q = request.query
    result = await articles.list_articles(
        await viewer(request, False),
        tag=q.get("tag"),
        author=q.get("author"),
        favorited=q.get("favorited"),
        limit=int(q.get("limit", 20)),
        offset=int(q.get("offset", 0)),
    )
    return web.json_response(result)


@routes.get("/api/articles/feed")
async def feed(request):
    q = request.query
    result = await articles.feed(await viewer(request), limit=int(q.get("limit", 20)), offset=int(q.get("offset", 0)))
    return web.json_response(result)


@routes.post("/api/articles")
async def create_article(request):
    data = (await request.json())["article"]
    return web.json_response({"article": await articles.create_article(await viewer(request), data)}, status=201)


@routes.get("/api/articles/{slug}")
async def get_article(request):
    slug = request.match_info["slug"]
    return web.json_response({"article": await articles.get_article(slug, await viewer(request, False))})


@routes.put("/api/articles/{slug}")
async def update_article(request):
    data = (await request.json())["article"]
    user = await viewer(request)
    return web.json_response({"article": await articles.update_article(request.match_info["slug"], user, data)})


@routes.delete("/api/articles/{slug}")
async def delete_article(request):
    await articles.delete_article(request.match_info["slug"], await viewer(request))
    return web.Response(status=204)


@routes.post("/api/articles/{slug}/favorite")
async def favorite(request):
    await request.read()
    user = await viewer(request)
    return web.json_response({"article": await articles.favorite(request.match_info["slug"], user)})


@routes.get("/api/tags")
async def tags(request):
    return web.json_response(await articles.all_tags())

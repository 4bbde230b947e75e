"""The Conduit API's routes."""

from fastapi import APIRouter, Body, Depends, Header, Query

from app.auth import current_user
from app.services import articles, users

router = APIRouter(prefix="/api")


async def viewer(authorization: str | None = Header(default=None)):
    return await current_user(authorization)


async def maybe_viewer(authorization: str | None = Header(default=None)):
    return await current_user(authorization, required=False)


@router.post("/users", status_code=201)
async def register(payload: dict = Body(...)):
    return {"user": await users.register(payload["user"])}


@router.post("/users/login")
async def login(payload: dict = Body(...)):
    return {"user": await users.login(payload["user"])}


@router.get("/user")
async def me(user=Depends(viewer)):
    return {"user": users.user_out(user)}


@router.put("/user")
async def update_me(payload: dict = Body(...), user=Depends(viewer)):
    return {"user": await users.update_user(user, payload["user"])}


@router.get("/profiles/{username}")
async def profile(username: str, user=Depends(maybe_viewer)):
    return {"profile": await users.get_profile(username, user)}


@router.post("/profiles/{username}/follow")
async def follow(username: str, user=Depends(viewer)):
    return {"profile": await users.follow(user, username)}


@router.get("/articles")
async def list_articles(
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
    limit: int = Query(20),
    offset: int = Query(0),
    user=Depends(maybe_viewer),
):
    return await articles.list_articles(user, tag=tag, author=author, favorited=favorited, limit=limit, offset=offset)


@router.get("/articles/feed")
async def feed(limit: int = 20, offset: int = 0, user=Depends(viewer)):
    return await articles.feed(user, limit=limit, offset=offset)


@router.post("/articles", status_code=201)
async def create_article(payload: dict = Body(...), user=Depends(viewer)):
    return {"article": await articles.create_article(user, payload["article"])}


@router.get("/articles/{slug}")
async def get_article(slug: str, user=Depends(maybe_viewer)):
    return {"article": await articles.get_article(slug, user)}


@router.put("/articles/{slug}")
async def update_article(slug: str, payload: dict = Body(...), user=Depends(viewer)):
    return {"article": await articles.update_article(slug, user, payload["article"])}


@router.delete("/articles/{slug}", status_code=204)
async def delete_article(slug: str, user=Depends(viewer)):
    await articles.delete_article(slug, user)


@router.post("/articles/{slug}/favorite")
async def favorite(slug: str, user=Depends(viewer)):
    return {"article": await articles.favorite(slug, user)}


@router.delete("/articles/{slug}/favorite")
async def unfavorite(slug: str, user=Depends(viewer)):
    return {"article": await articles.unfavorite(slug, user)}


@router.get("/tags")
async def tags():
    return await articles.all_tags()

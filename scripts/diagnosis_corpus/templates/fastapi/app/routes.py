"""The Conduit API's routes."""

from fastapi import APIRouter, Body, Depends, Header, Query

from app.auth import current_user
from app.services import articles, users

router = APIRouter(prefix="/api")  #@router


async def viewer(authorization: str | None = Header(default=None)):
    return await current_user(authorization)  #@r_viewer


async def maybe_viewer(authorization: str | None = Header(default=None)):
    return await current_user(authorization, required=False)  #@r_maybe_viewer


@router.post("/users", status_code=201)
async def register(payload: dict = Body(...)):
    return {"user": await users.register(payload["user"])}  #@r_register


@router.post("/users/login")
async def login(payload: dict = Body(...)):
    return {"user": await users.login(payload["user"])}  #@r_login


@router.get("/user")
async def me(user=Depends(viewer)):
    return {"user": users.user_out(user)}  #@r_me


@router.put("/user")
async def update_me(payload: dict = Body(...), user=Depends(viewer)):
    return {"user": await users.update_user(user, payload["user"])}  #@r_update_user


@router.get("/profiles/{username}")
async def profile(username: str, user=Depends(maybe_viewer)):
    return {"profile": await users.get_profile(username, user)}  #@r_profile


@router.post("/profiles/{username}/follow")
async def follow(username: str, user=Depends(viewer)):
    return {"profile": await users.follow(user, username)}  #@r_follow


@router.get("/articles")  #@d_list
async def list_articles(
    tag: str | None = None,
    author: str | None = None,
    favorited: str | None = None,
    limit: int = Query(20),  #@r_list_limit
    offset: int = Query(0),  #@r_list_offset
    user=Depends(maybe_viewer),  #@r_list_viewer
):
    return await articles.list_articles(user, tag=tag, author=author, favorited=favorited, limit=limit, offset=offset)  #@r_list


@router.get("/articles/feed")
async def feed(limit: int = 20, offset: int = 0, user=Depends(viewer)):
    return await articles.feed(user, limit=limit, offset=offset)  #@r_feed


@router.post("/articles", status_code=201)
async def create_article(payload: dict = Body(...), user=Depends(viewer)):
    return {"article": await articles.create_article(user, payload["article"])}  #@r_create


@router.get("/articles/{slug}")
async def get_article(slug: str, user=Depends(maybe_viewer)):
    return {"article": await articles.get_article(slug, user)}  #@r_get


@router.put("/articles/{slug}")
async def update_article(slug: str, payload: dict = Body(...), user=Depends(viewer)):
    return {"article": await articles.update_article(slug, user, payload["article"])}  #@r_update


@router.delete("/articles/{slug}", status_code=204)
async def delete_article(slug: str, user=Depends(viewer)):
    await articles.delete_article(slug, user)  #@r_delete


@router.post("/articles/{slug}/favorite")
async def favorite(slug: str, user=Depends(viewer)):  #@r_favorite_sig
    return {"article": await articles.favorite(slug, user)}  #@r_favorite


@router.delete("/articles/{slug}/favorite")
async def unfavorite(slug: str, user=Depends(viewer)):
    return {"article": await articles.unfavorite(slug, user)}  #@r_unfavorite


@router.get("/tags")
async def tags():
    return await articles.all_tags()  #@r_tags

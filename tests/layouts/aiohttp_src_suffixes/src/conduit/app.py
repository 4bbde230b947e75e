import os

import asyncpg
from aiohttp import web

from conduit.impl.article_service import ArticleService
from conduit.impl.articles_repository import ArticlesRepository
from conduit.web.articles_handler import routes


async def create_app() -> web.Application:
    app = web.Application()
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"])
    app["articles"] = ArticleService(ArticlesRepository(pool))
    app.add_routes(routes)
    return app

from aiohttp import web

from conduit.impl.article_service import ArticleService

routes = web.RouteTableDef()


@routes.get("/api/articles/{slug}")
async def get_article(request: web.Request) -> web.Response:
    service: ArticleService = request.app["articles"]
    article = await service.get(request.match_info["slug"])
    if article is None:
        raise web.HTTPNotFound()
    return web.json_response({"article": {"slug": article.slug, "title": article.title}})

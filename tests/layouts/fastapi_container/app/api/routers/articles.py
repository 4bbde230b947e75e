from dependency_injector.wiring import Provide, inject
from fastapi import APIRouter, Depends, HTTPException

from app.containers import Container
from app.services.articles import ArticleService

router = APIRouter()


@router.get("/articles/{slug}")
@inject
def get_article(slug: str, service: ArticleService = Depends(Provide[Container.article_service])) -> dict:
    article = service.get(slug)
    if article is None:
        raise HTTPException(404)
    return {"article": {"slug": article.slug}}

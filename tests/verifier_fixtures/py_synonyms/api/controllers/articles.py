"""Article routes."""
from fastapi import APIRouter

from ..usecases import articles as use

router = APIRouter()


@router.get("/articles")
def list_articles():
    return use.list_articles()

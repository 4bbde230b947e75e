from fastapi import APIRouter

from app.api.routers import articles, tags

router = APIRouter(prefix="/api")
router.include_router(articles.router)
router.include_router(tags.router)

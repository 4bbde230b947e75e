"""HTTP layer: FastAPI routers that parse requests and call the services."""
from fastapi import APIRouter

from app.routes import articles, comments, health, profiles, tags, users

api_router = APIRouter(prefix="/api")
for module in (health, users, profiles, articles, comments, tags):
    api_router.include_router(module.router)

__all__ = ["api_router"]

from fastapi import APIRouter

from app.containers import Container
from app.repositories.tags import TagRepository

router = APIRouter()


@router.get("/tags")
def tags() -> dict:
    repository: TagRepository = Container.session()
    return {"tags": [], "repository": type(repository).__name__}

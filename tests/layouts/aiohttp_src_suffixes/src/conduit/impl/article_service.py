from conduit.entities import Article
from conduit.impl.articles_repository import ArticlesRepository


class ArticleService:
    def __init__(self, repository: ArticlesRepository) -> None:
        self.repository = repository

    async def get(self, slug: str) -> Article | None:
        return await self.repository.by_slug(slug)

import asyncpg

from conduit.entities import Article


class ArticlesRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def by_slug(self, slug: str) -> Article | None:
        row = await self.pool.fetchrow("SELECT slug, title FROM articles WHERE slug = $1", slug)
        return Article(row["slug"], row["title"]) if row else None

from app.repositories.articles import ArticleRepository


class ArticleService:
    def __init__(self, repository: ArticleRepository) -> None:
        self.repository = repository

    def get(self, slug: str):
        return self.repository.by_slug(slug)

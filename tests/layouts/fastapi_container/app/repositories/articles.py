from sqlalchemy.orm import Session

from app.models.article import Article


class ArticleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_slug(self, slug: str) -> Article | None:
        return self.session.query(Article).filter_by(slug=slug).first()

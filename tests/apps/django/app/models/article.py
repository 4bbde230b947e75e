"""Articles, their ordered tags and the favorites relation."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utc_now
from app.models.user import User

if TYPE_CHECKING:
    from app.models.comment import Comment

favorites = Table(
    "favorites",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Base):
    """A tag name, shared by every article that uses it."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)


class ArticleTag(Base):
    """Link of an article to a tag; `position` keeps tagList in the order given."""

    __tablename__ = "article_tags"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    tag: Mapped[Tag] = relationship(lazy="joined")


class Article(Base):
    """An article; deleting it removes its tag links, favorites and comments."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    author: Mapped[User] = relationship(lazy="joined")
    tag_links: Mapped[list[ArticleTag]] = relationship(
        order_by=ArticleTag.position, cascade="all, delete-orphan", lazy="selectin"
    )
    favorited_by: Mapped[list[User]] = relationship(secondary=favorites, lazy="selectin")
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )

    @property
    def tag_names(self) -> list[str]:
        """Tag names in the order the author gave them."""
        return [link.tag.name for link in self.tag_links]


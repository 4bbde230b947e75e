"""Tables of the Conduit API."""

import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, relationship


class Base(DeclarativeBase):
    pass


article_tags = Table(
    "article_tags",
    Base.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(80), unique=True, nullable=False)  #@m_username
    email = Column(String(255), unique=True, nullable=False)
    password = Column(String(255), nullable=False)
    bio = Column(Text, default="")
    image = Column(String(500), nullable=True)
    followers = relationship("Follow", foreign_keys="Follow.followed_id", lazy="selectin")  #@m_followers


class Follow(Base):
    __tablename__ = "follows"
    follower_id = Column(ForeignKey("users.id"), primary_key=True)
    followed_id = Column(ForeignKey("users.id"), primary_key=True)


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), unique=True, nullable=False)


class Article(Base):
    __tablename__ = "articles"
    id = Column(Integer, primary_key=True)
    slug = Column(String(255), unique=True, nullable=False)  #@m_slug
    title = Column(String(255), nullable=False)
    description = Column(Text, nullable=False)  #@m_description
    body = Column(Text, nullable=False)
    author_id = Column(ForeignKey("users.id"), nullable=False)  #@m_author_id
    created_at = Column(DateTime, default=datetime.datetime.utcnow)
    updated_at = Column(DateTime, default=datetime.datetime.utcnow, onupdate=datetime.datetime.utcnow)  #@m_updated
    author = relationship("User")  #@m_author
    tags = relationship("Tag", secondary=article_tags)  #@m_tags
    favorites = relationship("Favorite", cascade="all, delete-orphan")  #@m_favorites


class Favorite(Base):
    __tablename__ = "favorites"
    __table_args__ = (UniqueConstraint("user_id", "article_id"),)
    user_id = Column(ForeignKey("users.id"), primary_key=True)
    article_id = Column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    user = relationship("User")

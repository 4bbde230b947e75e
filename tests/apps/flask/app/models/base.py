"""The declarative base every entity derives from."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Holds the metadata from which the schema is created on startup."""

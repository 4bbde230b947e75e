"""The database: one SQLAlchemy engine from DATABASE_URL (PostgreSQL in the pod, SQLite elsewhere)."""

from __future__ import annotations

import os

from sqlalchemy import CheckConstraint, Integer, Numeric, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker


def _url() -> str:
    url = os.environ.get("DATABASE_URL", "postgresql://user:password@postgres:5432/inventory")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


engine = create_engine(_url(), pool_pre_ping=True)
Session = sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    price: Mapped[float] = mapped_column(Numeric(12, 2))

    def as_json(self) -> dict:
        return {"sku": self.sku, "name": self.name, "quantity": self.quantity, "price": float(self.price)}


def create_schema() -> None:
    Base.metadata.create_all(engine)

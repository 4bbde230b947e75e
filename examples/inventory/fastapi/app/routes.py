"""The inventory routes: items, their stock adjustments, and the low-stock filter."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from app.db import Item, Session

router = APIRouter(prefix="/api")


class NewItem(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    quantity: int = Field(default=0, ge=0)
    price: float = Field(ge=0)


class ItemChanges(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    price: float | None = Field(default=None, ge=0)


class NewItemBody(BaseModel):
    item: NewItem


class ItemChangesBody(BaseModel):
    item: ItemChanges


class Adjustment(BaseModel):
    delta: int


def error(status: int, field: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": {field: [message]}}, status_code=status)


@router.get("/health-check")
def health() -> dict:
    return {"status": "ok"}


@router.get("/items")
def list_items(low_stock: int | None = None) -> dict:
    with Session() as session:
        query = select(Item).order_by(Item.sku)
        if low_stock is not None:
            query = query.where(Item.quantity <= low_stock)
        items = [item.as_json() for item in session.scalars(query)]
    return {"items": items, "count": len(items)}


@router.post("/items", status_code=201)
def create_item(body: NewItemBody) -> object:
    with Session() as session:
        if session.scalar(select(Item).where(Item.sku == body.item.sku)) is not None:
            return error(409, "sku", "is already taken")
        item = Item(**body.item.model_dump())
        session.add(item)
        session.commit()
        return {"item": item.as_json()}


@router.get("/items/{sku}")
def get_item(sku: str) -> object:
    with Session() as session:
        item = session.scalar(select(Item).where(Item.sku == sku))
        if item is None:
            return error(404, "item", "not found")
        return {"item": item.as_json()}


@router.put("/items/{sku}")
def update_item(sku: str, body: ItemChangesBody) -> object:
    with Session() as session:
        item = session.scalar(select(Item).where(Item.sku == sku))
        if item is None:
            return error(404, "item", "not found")
        for key, value in body.item.model_dump(exclude_none=True).items():
            setattr(item, key, value)
        session.commit()
        return {"item": item.as_json()}


@router.post("/items/{sku}/adjust")
def adjust_stock(sku: str, body: Adjustment) -> object:
    with Session() as session:
        item = session.scalar(select(Item).where(Item.sku == sku))
        if item is None:
            return error(404, "item", "not found")
        if item.quantity + body.delta < 0:
            return error(409, "quantity", "would go below zero")
        item.quantity += body.delta
        session.commit()
        return {"item": item.as_json()}


@router.delete("/items/{sku}", status_code=204)
def delete_item(sku: str) -> Response:
    with Session() as session:
        item = session.scalar(select(Item).where(Item.sku == sku))
        if item is None:
            return error(404, "item", "not found")
        session.delete(item)
        session.commit()
    return Response(status_code=204)

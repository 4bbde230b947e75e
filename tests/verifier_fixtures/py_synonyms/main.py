"""Composition root."""
from fastapi import FastAPI

from api.controllers import articles

app = FastAPI()
app.include_router(articles.router, prefix="/api")

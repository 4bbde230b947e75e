"""The inventory API on FastAPI: the routes, the schema created at start, validation errors as 422."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.db import create_schema
from app.routes import router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    create_schema()
    yield


app = FastAPI(title="Inventory", lifespan=lifespan)
app.include_router(router)


@app.exception_handler(RequestValidationError)
async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors: dict[str, list[str]] = {}
    for problem in exc.errors():
        field = str(problem["loc"][-1]) if problem["loc"] else "body"
        errors.setdefault(field, []).append(problem["msg"])
    return JSONResponse({"errors": errors}, status_code=422)

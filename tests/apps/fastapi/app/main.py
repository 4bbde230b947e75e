"""FastAPI application: wires the routers, error envelope and middleware."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app.routes import api_router
from app.routes.errors import install_error_handlers
from app.routes.middleware import ServerTiming, StripTrailingSlash
from app.services.setup import initialise


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    await run_in_threadpool(initialise)
    yield


def create_app() -> FastAPI:
    app = FastAPI(title="Conduit", lifespan=lifespan, redirect_slashes=False)
    app.include_router(api_router)
    install_error_handlers(app)
    app.add_middleware(StripTrailingSlash)
    app.add_middleware(ServerTiming)
    return app


app = create_app()

from fastapi import FastAPI

from app.api.routers import router
from app.containers import Container


def create_app() -> FastAPI:
    container = Container()
    container.wire(packages=["app.api.routers"])
    app = FastAPI()
    app.include_router(router)
    return app

"""The FastAPI application."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from app.db import init_db
from app.errors import ApiError
from app.routes import router

app = FastAPI(title="Conduit")  #@app
app.include_router(router)


@app.on_event("startup")
async def startup():
    await init_db()  #@init_db


@app.exception_handler(ApiError)
async def api_error(request: Request, error: ApiError):
    return JSONResponse(error.body(), status_code=error.status)  #@error_handler


@app.get("/api/health-check")
async def health():
    return {"status": "ok"}

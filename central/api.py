"""The sync service's HTTP API (FastAPI). Every endpoint but /health needs a bearer token; a till token
reaches only its own shop's rows, an admin token only its shop's head-office tables.

The app is assembled here: the tills' router (central/api_till.py), the head office's (central/api_admin.py),
their dependencies (central/api_deps.py: the database, the caller), the error answers, and the sign-up pages.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import psycopg
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from central import api_admin, api_till, limits, store
from central.database import Central, CentralUnavailable
from central.protocol import PROTOCOL
from central.signup import SignupPages
from central.tables import InvalidRow

log = logging.getLogger(__name__)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(CentralUnavailable)
    async def unavailable(request, exc):
        return JSONResponse({"detail": f"The central store is unavailable: {exc}"}, status_code=503,
                            headers={"Retry-After": "5"})

    @app.exception_handler(store.StoreError)
    async def store_error(request, exc):
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(InvalidRow)
    async def invalid_row(request, exc):
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(psycopg.DataError)
    async def data_error(request, exc):
        return JSONResponse({"detail": f"A value does not fit: {exc.diag.message_primary or exc}"}, status_code=422)


class NoStore:
    """Answers not to be cached (``Cache-Control: no-store`` unless an endpoint says otherwise): a plain ASGI
    middleware, since starlette's BaseHTTPMiddleware runs each request in a task of its own and passes
    the request body through a stream (a push's body is ~1 MB)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def marked(message):
            if message["type"] == "http.response.start" and not any(
                    name.lower() == b"cache-control" for name, _ in message.get("headers", ())):
                message = {**message, "headers": [*message.get("headers", ()), (b"cache-control", b"no-store")]}
            await send(message)

        await self.app(scope, receive, marked)


def create_app(central: Central, *, manage_pool: bool = True) -> FastAPI:
    pages = SignupPages(central)  # the customers' public sign-up page (central/signup.py)

    @asynccontextmanager
    async def lifespan(app):
        if manage_pool:
            central.open(wait=False)
        yield
        pages.close()
        if manage_pool:
            central.close()

    app = FastAPI(title="The Till central store", version=str(PROTOCOL), lifespan=lifespan,
                  description="Sync service: tills push their changes and pull the shop's; the head office "
                              "edits catalogue, profiles, categories, price lists, loyalty rules and settings.")
    app.state.central = central  # what api_deps.database hands every endpoint
    limits.install(app)  # 413 for oversized bodies, 422 for JSON nested too deep or text not Unicode
    _errors(app)
    app.include_router(api_till.router)
    app.include_router(api_admin.router)

    app.add_middleware(NoStore)

    pages.install(app)  # last: its guard against floods is the outermost layer
    return app

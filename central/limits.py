"""Request limits of the central store: a body larger than ``MAX_BODY`` gets 413 before it is read into
memory (a declared Content-Length at once, a streamed body as soon as it passes the cap), JSON nested too
deep or text that is not valid Unicode gets 422 (never a 500)."""

from __future__ import annotations

import json
import os

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

MAX_BODY = int(os.environ.get("POS_CENTRAL_MAX_BODY_MB", "32")) * 1024 * 1024
# Head-office edits are single rows: a much smaller cap.
MAX_ADMIN_BODY = 2 * 1024 * 1024


class _TooLarge(HTTPException):
    def __init__(self, cap: int):
        super().__init__(413, f"The request body is larger than {cap // (1024 * 1024)} MB.")


def _cap(path: str) -> int:
    return MAX_ADMIN_BODY if path.startswith("/v1/admin") else MAX_BODY


async def _send_413(send, cap: int) -> None:
    await _send(send, 413, f"The request body is larger than {cap // (1024 * 1024)} MB.")


class BodyLimit:
    """ASGI middleware: refuses oversized request bodies with 413."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cap = _cap(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > cap:
                    return await _send_413(send, cap)
        seen = 0
        started = False

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise _TooLarge(cap)
            return message

        async def tracked(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        if cap == MAX_ADMIN_BODY and scope.get("method") in ("POST", "PUT", "PATCH"):
            return await self._admin(scope, counted, send)
        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await _send_413(send, cap)


    async def _admin(self, scope, receive, send):
        """A head-office edit: read whole (it is small), refused with 422 when nested too deep to parse."""
        chunks = []
        try:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
        except _TooLarge:
            return await _send_413(send, MAX_ADMIN_BODY)
        body = b"".join(chunks)
        try:
            json.loads(body)
        except RecursionError:
            return await _send(send, 422, "The JSON is nested too deeply.")
        except ValueError:
            pass  # FastAPI answers malformed JSON itself
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _send(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def install(app: FastAPI) -> None:
    app.add_middleware(BodyLimit)

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, exc):
        return JSONResponse({"detail": "The JSON is nested too deeply."}, status_code=422)

    @app.exception_handler(UnicodeError)
    async def not_unicode(request: Request, exc):
        return JSONResponse({"detail": "The request holds text that is not valid Unicode (a lone surrogate)."},
                            status_code=422)

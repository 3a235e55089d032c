"""The customers' sign-up page: a public, per-shop HTML form served by ``pos-central serve``.

    GET  /signup/{slug}          the form (a CSRF token in the page, its pair in a cookie)
    POST /signup/{slug}          a sign-up: "Thank you" (the same whether the phone was new or not)
    GET  /signup/{slug}/privacy  the shop's privacy notice

Server-rendered (Jinja2), no JavaScript. Kept off the sync endpoints' path: its own small database
pool, token buckets per address and per shop checked before any work, a gate of a few sign-ups at a
time, and size caps on the body and each field. Not in the OpenAPI document (it is not the sync API).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from central import signup_store, store
from central.database import Central, CentralUnavailable
from central.signup_limits import Buckets, Gate, Limits
from central.signup_rules import clean
from central.tables import InvalidRow

log = logging.getLogger(__name__)

MAX_BODY = 8 * 1024  # the form is well under 2 KiB filled in
MAX_FIELDS = 20
TOKEN_AGE_S = 2 * 3600  # a form left open longer than this is sent again with a fresh token
COOKIE = "signup_csrf"
SLUG = re.compile(r"[A-Za-z0-9_-]{38}")
PAGE_CACHE_S = 10  # a changed shop setting (name, notice, wording) shows within this many seconds
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_templates = Environment(loader=PackageLoader("central", "templates"), autoescape=select_autoescape(["html"]),
                         auto_reload=False)


class _Refused(Exception):
    def __init__(self, status: int, title: str, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.status, self.title, self.message, self.retry_after = status, title, message, retry_after


class SignupPages:
    """The router and what it keeps between requests (the limits, the secret, a cache of shop pages)."""

    def __init__(self, central: Central, limits: Limits | None = None):
        self.limits = limits or Limits.from_env()
        # Its own connections: sign-ups never take one the tills' sync needs.
        self.db = Central(central.conninfo, min_size=1, max_size=self.limits.concurrent + 1, timeout=5)
        self._opened = False
        self._lock = threading.Lock()
        self.by_address = Buckets(self.limits.per_address)
        self.by_shop = Buckets(self.limits.per_shop)
        self.views = Buckets(self.limits.views_per_address)
        self.gate = Gate(self.limits.concurrent, self.limits.waiting)
        self._key: bytes | None = None
        self._pages: dict[str, tuple[float, signup_store.Page]] = {}
        self.router = APIRouter(include_in_schema=False)
        self.router.add_api_route("/signup/{slug}", self.show, methods=["GET"])
        self.router.add_api_route("/signup/{slug}", self.submit, methods=["POST"])
        self.router.add_api_route("/signup/{slug}/privacy", self.privacy, methods=["GET"])

    def install(self, app) -> None:
        app.state.signup_pages = self
        app.include_router(self.router)
        app.add_middleware(Guard, pages=self)

    # --- database, behind caches ------------------------------------------------------------------------

    def _run(self, fn, **kwargs):
        with self._lock:
            if not self._opened:
                self.db.open(wait=False)
                self._opened = True
        return self.db.run(fn, **kwargs)

    def close(self) -> None:
        with self._lock:
            if self._opened:
                self.db.close()
                self._opened = False

    def key(self) -> bytes:
        if self._key is None:
            self._key = self._run(signup_store.secret)
        return self._key

    def _lookup(self, shop_id: str) -> signup_store.Page | None:
        page = self._run(lambda conn: signup_store.page(conn, shop_id), read_only=True)
        if page is not None:
            self._pages[shop_id] = (time.monotonic(), page)
        return page

    async def _page(self, slug: str) -> signup_store.Page:
        """The page a slug names. A made-up slug fails its MAC check here, before any database work."""
        key = self._key or await run_in_threadpool(self.key)  # read once, in a worker thread
        shop_id = signup_store.shop_for(key, slug) if SLUG.fullmatch(slug) else None
        page = None
        if shop_id is not None:
            cached = self._pages.get(shop_id)
            fresh = cached and time.monotonic() - cached[0] < PAGE_CACHE_S
            page = cached[1] if fresh else await run_in_threadpool(self._lookup, shop_id)
        if page is None:
            raise _Refused(404, "Page not found", "There is no sign-up page at this address. Please check the "
                                                  "link the shop gave you.")
        return page

    # --- CSRF: a token in the form, bound to a random value in a same-site cookie ------------------------

    def _mac(self, shop_id: str, nonce: str, stamp: str) -> str:
        message = f"csrf\x00{shop_id}\x00{nonce}\x00{stamp}".encode()
        return hmac.new(self.key(), message, hashlib.sha256).hexdigest()[:32]

    def _token(self, shop_id: str, nonce: str) -> str:
        stamp = str(int(time.time()))
        return f"{stamp}.{self._mac(shop_id, nonce, stamp)}"

    def _token_ok(self, shop_id: str, nonce: str | None, token: str) -> bool:
        stamp, _, mac = token.partition(".")
        if not nonce or not stamp.isdigit() or not 0 <= time.time() - int(stamp) <= TOKEN_AGE_S:
            return False
        return hmac.compare_digest(mac, self._mac(shop_id, nonce, stamp))

    # --- responses -----------------------------------------------------------------------------------------

    def _html(self, template: str, status: int = 200, headers: dict | None = None, **values) -> HTMLResponse:
        body = _templates.get_template(template).render(**values)
        return HTMLResponse(body, status_code=status, headers={**HEADERS, **(headers or {})})

    def _refusal(self, exc: _Refused, page: signup_store.Page | None, slug: str) -> HTMLResponse:
        headers = {}
        if exc.retry_after is not None:
            headers["Retry-After"] = str(max(1, round(exc.retry_after)))
        link = signup_store.page_path(slug) if page is not None and exc.status != 404 else None
        return self._html("signup_message.html", exc.status, headers, shop=page.shop_name if page else "Sign up",
                          title=exc.title, message=exc.message, link=link, link_text="Back to the sign-up form")

    def _form(self, request: Request, page: signup_store.Page, slug: str, form=None, errors=None,
              status: int = 200) -> HTMLResponse:
        nonce = request.cookies.get(COOKIE, "")
        if not re.fullmatch(r"[A-Za-z0-9_-]{22}", nonce):
            nonce = secrets.token_urlsafe(16)
        path = signup_store.page_path(slug)
        response = self._html("signup_form.html", status, shop=page.shop_name, action=path,
                              privacy_url=f"{path}/privacy", consent_wording=page.consent_wording,
                              csrf_token=self._token(page.shop_id, nonce), form=form or {}, errors=errors or {})
        response.set_cookie(COOKIE, nonce, max_age=TOKEN_AGE_S, path=path, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    def _check(self, buckets: Buckets, key: str, message: str) -> None:
        wait = buckets.take(key)
        if wait:
            minutes = max(1, round(wait / 60))
            raise _Refused(429, "Please wait a moment", f"{message} Please try again in "
                                                        f"{minutes} minute{'s' if minutes != 1 else ''}.", wait)

    # --- endpoints ---------------------------------------------------------------------------------------------

    async def show(self, slug: str, request: Request):
        page = None
        try:
            page = await self._page(slug)
            return self._form(request, page, slug)
        except _Refused as exc:
            return self._refusal(exc, page, slug)
        except CentralUnavailable:
            return self._refusal(_unavailable(), page, slug)

    async def privacy(self, slug: str, request: Request):
        page = None
        try:
            page = await self._page(slug)
        except _Refused as exc:
            return self._refusal(exc, page, slug)
        except CentralUnavailable:
            return self._refusal(_unavailable(), page, slug)
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", page.notice) if p.strip()]
        return self._html("signup_privacy.html", shop=page.shop_name, paragraphs=paragraphs,
                          form_url=signup_store.page_path(slug))

    async def submit(self, slug: str, request: Request):
        page = None
        try:
            page = await self._page(slug)
            form = await _read_form(request)
            if not self._token_ok(page.shop_id, request.cookies.get(COOKIE), form.get("csrf_token", "")):
                # Kept nothing; the form again with a fresh token (a page left open too long lands here).
                errors = {"form": "This form was open too long or did not come from this page. Please check "
                                  "it and send it again."}
                return self._form(request, page, slug, _echo(form), errors, status=403)
            if form.get("website"):  # the hidden field only robots fill in: thank them, keep nothing
                log.info("sign-up for shop %s refused: honeypot filled from %s", page.shop_id,
                         request.client.host if request.client else "?")
                return self._thanks(page, slug)
            signup, errors = clean(form, page.region)
            if errors:
                return self._form(request, page, slug, form, errors, status=422)
            self._check(self.by_shop, page.shop_id, "This shop has had many sign-ups just now.")
            if not await self.gate.enter():
                raise _Refused(429, "Please wait a moment", "Many people are signing up right now. Please try "
                                                            "again in a minute.", 5)
            try:
                outcome = await run_in_threadpool(
                    self._run, lambda conn: signup_store.record(conn, page, signup))
            finally:
                self.gate.leave()
            log.info("sign-up for shop %s: %s", page.shop_id, outcome)
            return self._thanks(page, slug)
        except _Refused as exc:
            return self._refusal(exc, page, slug)
        except CentralUnavailable:
            return self._refusal(_unavailable(), page, slug)
        except (store.StoreError, InvalidRow):  # the store refused the row: a bug to log, a page to show
            log.exception("sign-up for shop %s could not be stored", page.shop_id if page else "?")
            return self._refusal(_unavailable(), page, slug)

    def _thanks(self, page: signup_store.Page, slug: str) -> HTMLResponse:
        return self._html("signup_thanks.html", shop=page.shop_name,
                          privacy_url=f"{signup_store.page_path(slug)}/privacy")


class Guard:
    """Pure ASGI middleware, the outermost layer: the per-address limits are applied here, before routing
    and the other middleware, so a refused flood costs the server as little as a request can."""

    def __init__(self, app, pages: SignupPages):
        self.app, self.pages = app, pages

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/signup/"):
            client = scope.get("client")
            address = client[0] if client else "unknown"
            posting = scope["method"] == "POST"
            wait = (self.pages.by_address if posting else self.pages.views).take(address)
            if wait:
                body = _too_many(posting, max(1, round(wait / 60)))
                headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"%d" % len(body)),
                           (b"cache-control", b"no-store"), (b"retry-after", b"%d" % max(1, round(wait))),
                           *_RAW_HEADERS]
                await send({"type": "http.response.start", "status": 429, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


_RAW_HEADERS = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]


@functools.lru_cache(maxsize=64)
def _too_many(posting: bool, minutes: int) -> bytes:
    """The 429 page, rendered once per wording (a flood is answered from this cache)."""
    message = ("There have been many sign-ups from here just now." if posting
               else "This page has been opened very often from here.")
    return _templates.get_template("signup_message.html").render(
        shop="Sign up", title="Please wait a moment",
        message=f"{message} Please try again in {minutes} minute{'s' if minutes != 1 else ''}.").encode()


def _echo(form: dict[str, str]) -> dict[str, str]:
    """The visible fields of a refused form, to show them again."""
    return {k: form[k] for k in ("name", "phone", "email", "date_of_birth", "marketing_consent") if k in form}


def _unavailable() -> _Refused:
    return _Refused(503, "Please try again soon", "Sign-up is not available just now. Please try again in a "
                                                  "few minutes.", 30)


async def _read_form(request: Request) -> dict[str, str]:
    """The urlencoded body, read only up to MAX_BODY; the first value of each field."""
    too_big = _Refused(413, "Too much text", "The form sent more text than a sign-up needs.")
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > MAX_BODY):
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise too_big
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    bad = _Refused(400, "Please try again", "The form could not be read. Please fill it in again.")
    if kind != "application/x-www-form-urlencoded":
        raise bad
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise bad from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if "\x00" in value or any(ord(ch) < 32 and ch not in "\t\r\n" for ch in value):
            raise bad
        form.setdefault(name, value)
    return form

"""The till's HTTP client for the central store (httpx): bearer token, protocol and schema headers,
retries with exponential backoff and full jitter, and checksum-verified pages."""

from __future__ import annotations

import functools
import hashlib
import json
import ssl
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.errors import TillError
from db.migrations import LATEST as TILL_SCHEMA

if TYPE_CHECKING:
    import httpx

PROTOCOL = 1  # must match central/protocol.py; the server answers 426 with a clear message otherwise


class SyncError(TillError):
    """Sync could not finish; ``message`` says why in words a manager can act on."""


class Offline(SyncError):
    """The central store cannot be reached (network down, server or database restarting): try later."""


class Refused(SyncError):
    """The central store answered but refused (token revoked, versions do not match, bad request)."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class _Stopped(Offline):
    """The worker was asked to stop: not tried again."""


class CorruptPage(Offline):
    """A page whose body does not match its checksum: nothing of it is applied; it is fetched again."""


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~0.2 s: once per process, not per sync round."""
    import os

    import certifi

    # POS_TILL_CA_FILE: the shop's own CA or a central store's self-signed certificate (PEM)
    return ssl.create_default_context(cafile=os.environ.get("POS_TILL_CA_FILE") or certifi.where())


@dataclass
class Enrollment:
    shop_id: str
    shop_name: str
    till_id: str
    till_code: str
    shop_version: int
    office: bool = False


def normalise_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SyncError(f"'{url}' is not a central store address (it starts with http:// or https://).")
    return url


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):  # FastAPI validation errors
        detail = "; ".join(str(d.get("msg", d)) for d in detail)
    return str(detail or response.reason_phrase or f"HTTP {response.status_code}")


class CentralClient:
    def __init__(self, url: str, token: str, *, retries: int = 3, base_delay: float = 0.5,
                 timeout: float = 60.0, stop: threading.Event | None = None, transport=None):
        self.url = normalise_url(url)
        self.retries = retries
        self.base_delay = base_delay
        self.stop = stop or threading.Event()
        import httpx  # here, not at the top: 0.1 s the till's start-up does not need to spend

        self.http = httpx.Client(
            base_url=self.url, timeout=httpx.Timeout(timeout, connect=5.0), transport=transport,
            verify=_tls_context() if self.url.startswith("https://") else False,
            headers={"Authorization": f"Bearer {token}", "X-Till-Protocol": str(PROTOCOL),
                     "X-Till-Schema": str(TILL_SCHEMA), "User-Agent": "the-till-sync"})

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _request(self, method: str, path: str, *, verify: bool = False, **kwargs) -> httpx.Response:
        """One request, tried again (``retries`` times, exponential backoff with full jitter) while the store
        cannot be reached or a page fails its checksum; a refusal is final. Stopping ends the wait at once."""
        import tenacity

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Offline) & tenacity.retry_if_not_exception_type(_Stopped),
            stop=tenacity.stop_after_attempt(self.retries + 1),
            wait=tenacity.wait_random_exponential(multiplier=self.base_delay, max=30.0), sleep=self._pause,
            reraise=True)
        return retrying(self._attempt, method, path, verify, kwargs)

    def _pause(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise _Stopped("Sync stopped.")

    def _attempt(self, method: str, path: str, verify: bool, kwargs: dict) -> httpx.Response:
        import httpx

        if self.stop.is_set():
            raise _Stopped("Sync stopped.")
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise Offline(f"The central store at {self.url} cannot be reached ({type(exc).__name__}).") from None
        status = response.status_code
        if status in (429, 502, 503, 504):
            detail = _detail(response)
            raise Offline(detail if detail.startswith("The central store")
                          else f"The central store is unavailable: {detail}")
        if status == 401:
            raise Refused(f"The central store refused this till's token: {_detail(response)} "
                          "Enroll the till again with a new token.", status)
        if status >= 400:
            raise Refused(f"The central store refused the request: {_detail(response)}", status)
        if verify and hashlib.sha256(response.content).hexdigest() != response.headers.get("x-content-sha256"):
            raise CorruptPage("A page from the central store failed its checksum; it was not applied.")
        return response

    def health(self) -> dict:
        return self._request("GET", "/health").json()

    def enroll(self) -> Enrollment:
        data = self._request("POST", "/v1/enroll").json()
        return Enrollment(data["shop_id"], data["shop_name"], data["till_id"], data["till_code"],
                          data["shop_version"], bool(data.get("office")))

    def push(self, ops_json: list[str], order: tuple[str, str | None] | None = None) -> dict:
        """``ops_json``: each operation already encoded as a JSON object (payloads are stored as text).
        ``order``: (this batch's name, the name of the batch it follows), for the store to apply the
        batches in flight in the order they were sent (central/push_order.py)."""
        body = ('{"ops":[' + ",".join(ops_json) + "]}").encode()
        headers = {"Content-Type": "application/json"}
        if order is not None:
            headers["X-Push-Id"] = order[0]
            if order[1] is not None:
                headers["X-Push-After"] = order[1]
        return self._request("POST", "/v1/push", content=body, headers=headers).json()

    def pull(self, cursor: int, limit: int) -> dict:
        return json.loads(self._request("GET", "/v1/pull", params={"cursor": cursor, "limit": limit},
                                        verify=True).content)

    def own_rows(self, after: int, limit: int) -> dict:
        """This till's own documents the store holds (app/sync/recovery.py)."""
        return json.loads(self._request("GET", "/v1/own", params={"after": after, "limit": limit},
                                        verify=True).content)

    def snapshot(self, at: int | None, table: str | None, after: str, limit: int) -> dict:
        return json.loads(self.snapshot_body(at, table, after, limit))

    def snapshot_body(self, at: int | None, table: str | None, after: str, limit: int) -> bytes:
        """One snapshot page, checked against its checksum, not yet parsed (a download thread fetches the
        next page while the till writes this one; parsing holds the GIL, so it stays with the writer)."""
        params = {"after": after, "limit": limit}
        if at is not None:
            params["at"] = at
        if table:
            params["table"] = table
        return self._request("GET", "/v1/snapshot", params=params, verify=True).content

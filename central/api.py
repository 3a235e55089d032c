"""The sync service's HTTP API (FastAPI). Every endpoint but /health needs a bearer token; a till token
reaches only its own shop's rows, an admin token only its shop's head-office tables."""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

import psycopg
from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from central import ha, limits, refill, roles, store, tokens
from central.database import SCHEMA_VERSION, Central, CentralUnavailable
from central.protocol import PROTOCOL, TILL_SCHEMA
from central.signup import SignupPages
from central.tables import TABLES, InvalidRow

log = logging.getLogger(__name__)

Id = Annotated[str, Field(min_length=1, max_length=64)]
Table = Annotated[str, Path(max_length=64)]
RowId = Annotated[str, Path(min_length=1, max_length=64)]


class OpIn(BaseModel):
    op_id: Id
    table: Annotated[str, Field(min_length=1, max_length=64)]
    row_id: Id
    hlc: Annotated[str, Field(min_length=1, max_length=128)]
    fields: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=200)
    payload: dict[str, Any]


class PushIn(BaseModel):
    ops: list[OpIn] = Field(max_length=store.MAX_OPS)


class OpAnswer(BaseModel):
    op_id: str
    result: Literal["ok", "duplicate", "rejected", "retry"]
    reason: str | None = None


class PushOut(BaseModel):
    results: list[OpAnswer]
    shop_version: int


class TableRows(BaseModel):
    table: str
    columns: list[str]
    rows: list[dict[str, Any]]  # column -> value, as the till stores it


class PullOut(BaseModel):
    cursor: int
    has_more: bool
    shop_version: int
    count: int
    tables: list[TableRows]
    receipt_high: int = 0  # the highest receipt number the store holds for this till's code
    restored: bool = False  # the till's cursor is past what this store sent it: see central/refill.py
    served: int | None = None


class OwnOut(BaseModel):
    cursor: int
    has_more: bool
    count: int
    tables: list[TableRows]


class SnapshotNext(BaseModel):
    table: str
    after: str


class SnapshotOut(BaseModel):
    version: int
    next: SnapshotNext | None
    tables: list[TableRows]


class EnrollOut(BaseModel):
    shop_id: str
    shop_name: str
    till_id: str
    till_code: str
    shop_version: int
    protocol: int
    till_schema: int
    office: bool = False


class Health(BaseModel):
    status: str
    protocol: int
    till_schema: int
    central_schema: int
    database: str


class Problem(BaseModel):
    detail: str


def _inline_schema(model) -> dict:
    """The model's JSON schema with its $defs inlined (an OpenAPI requestBody cannot point into $defs)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(defs[ref.split("/")[-1]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


_COLUMNS = frozenset(c for spec in TABLES.values() for c in spec.columns)  # all text of at most 64 characters


def _known_columns(fields: list) -> bool:
    """Every field names a column of some table (the usual case, checked in C; the rest is checked slowly)."""
    try:
        return _COLUMNS.issuperset(fields)
    except TypeError:  # an unhashable field (a list, an object): not a column name
        return False


def _parse_push(body: bytes) -> list[dict]:
    """The checks PushIn states, on plain JSON (each payload is checked column by column by the store)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRow(f"the body is not JSON: {exc}") from None
    ops = data.get("ops") if isinstance(data, dict) else None
    if not isinstance(ops, list):
        raise InvalidRow("the body needs 'ops', a list of operations")
    if len(ops) > store.MAX_OPS:
        raise InvalidRow(f"at most {store.MAX_OPS} operations per batch")
    for n, op in enumerate(ops):
        if not isinstance(op, dict):
            raise InvalidRow(f"operation {n} is not an object")
        for key, limit in (("op_id", 64), ("table", 64), ("row_id", 64), ("hlc", 128)):
            value = op.get(key)
            if not isinstance(value, str) or not 1 <= len(value) <= limit:
                raise InvalidRow(f"operation {n}: '{key}' must be text of 1 to {limit} characters")
        fields = op.setdefault("fields", [])
        if not isinstance(fields, list) or len(fields) > 200 or not (_known_columns(fields) or all(
                isinstance(f, str) and len(f) <= 64 for f in fields)):
            raise InvalidRow(f"operation {n}: 'fields' must be a list of column names")
        if not isinstance(op.get("payload"), dict):
            raise InvalidRow(f"operation {n}: 'payload' must be an object")
    return ops


ERRORS = {401: {"model": Problem}, 403: {"model": Problem}, 426: {"model": Problem}, 503: {"model": Problem}}
MAX_VERSION = 2**62
bearer = HTTPBearer(auto_error=False, description="a till token (tt_...) or a head-office token (ta_...)")


def create_app(central: Central, *, manage_pool: bool = True) -> FastAPI:
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

    limits.install(app)  # 413 for oversized bodies, 422 for JSON nested too deep or text not Unicode

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

    def caller(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> tokens.Caller:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(401, "A bearer token is required.", headers={"WWW-Authenticate": "Bearer"})
        found = central.run(lambda conn: tokens.lookup(conn, credentials.credentials), read_only=True)
        if found is None:
            raise HTTPException(401, "This token is unknown or has been revoked.",
                                headers={"WWW-Authenticate": "Bearer"})
        return found

    def versions(x_till_protocol: Annotated[int | None, Header()] = None,
                 x_till_schema: Annotated[int | None, Header()] = None) -> None:
        if x_till_protocol is not None and x_till_protocol != PROTOCOL:
            raise HTTPException(426, f"This till speaks sync protocol {x_till_protocol}; the central store speaks "
                                     f"{PROTOCOL}. Install matching versions of the Till and pos-central.")
        if x_till_schema is not None and x_till_schema > TILL_SCHEMA:
            raise HTTPException(426, f"This till's database is schema {x_till_schema}, newer than the central "
                                     f"store knows ({TILL_SCHEMA}). Upgrade pos-central first.")

    def till(who: tokens.Caller = Depends(caller), _=Depends(versions)) -> tokens.Caller:
        if who.kind != tokens.TILL:
            raise HTTPException(403, "This endpoint needs a till token.")
        return who

    def admin(who: tokens.Caller = Depends(caller)) -> tokens.Caller:
        if who.kind != tokens.ADMIN:
            raise HTTPException(403, "This endpoint needs a head-office (admin) token.")
        return who

    @app.get("/health", response_model=Health, responses={503: {"model": Health}}, tags=["service"])
    def health():
        body = {"status": "ok", "protocol": PROTOCOL, "till_schema": TILL_SCHEMA,
                "central_schema": SCHEMA_VERSION, "database": "ok"}
        try:
            central.run(lambda conn: conn.execute("SELECT 1").fetchone(), read_only=True, attempts=1)
        except CentralUnavailable:
            body.update(status="unavailable", database="unreachable")
            return JSONResponse(body, status_code=503)
        return body

    @app.post("/v1/enroll", response_model=EnrollOut, responses=ERRORS, tags=["till"])
    def enroll(who: tokens.Caller = Depends(till)):
        def tx(conn):
            conn.execute("UPDATE till SET enrolled_at = COALESCE(enrolled_at, now()), last_seen_at = now() "
                         "WHERE shop_id = %s AND id = %s", (who.shop_id, who.till_id))
            return store.shop_version(conn, who.shop_id)

        version = central.run(tx)
        return EnrollOut(shop_id=who.shop_id, shop_name=who.shop_name, till_id=who.till_id,
                         till_code=who.till_code, shop_version=version, protocol=PROTOCOL, till_schema=TILL_SCHEMA,
                         office=who.office)

    @app.post("/v1/push", response_model=PushOut, responses={**ERRORS, 422: {"model": Problem}}, tags=["till"],
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                  "schema": _inline_schema(PushIn)}}}},
              description="A batch of operations, applied in one transaction; one answer per operation.")
    async def push(request: Request, who: tokens.Caller = Depends(till)):
        # The hot path parses the body itself (json, then the envelope checks of PushIn): pydantic's
        # validation and dump of every payload cost more than the store's own work.
        body = await request.body()

        def work():
            ops = _parse_push(body)
            results, version = central.run(lambda conn: store.push(conn, who.shop_id, who.till_id, ops))
            return json.dumps({"results": results, "shop_version": version}, ensure_ascii=False)

        return Response(await run_in_threadpool(work), media_type="application/json")

    @app.get("/v1/pull", response_model=PullOut, responses={**ERRORS, 409: {"model": Problem}}, tags=["till"])
    def pull(cursor: Annotated[int, Query(ge=0, le=MAX_VERSION)] = 0,
             limit: Annotated[int, Query(ge=1, le=10000)] = 2000,
             who: tokens.Caller = Depends(till)):
        body = central.run(ha.confirmed(lambda conn: store.pull(conn, who.shop_id, who.till_id, cursor, limit),
                                        cursor), isolation="repeatable read")
        sent = int(body[len(b'{"cursor":'):body.index(b",")])

        def pulled(conn):
            roles.pulled(conn, who.shop_id, who.till_id, body)
            refill.note_served(conn, who.shop_id, who.till_id, sent)

        central.run(pulled)
        return Response(body, media_type="application/json", headers={"X-Content-SHA256": store.checksum(body)})

    @app.get("/v1/snapshot", response_model=SnapshotOut, tags=["till"],
             responses={**ERRORS, 400: {"model": Problem}, 409: {"model": Problem}},
             description="One page of the shop's rows at version `at` (the first page fixes it). The "
                         "`X-Content-SHA256` header is the SHA-256 of the body: a till rejects a page that "
                         "does not match. Follow `next` to resume.")
    def snapshot(at: Annotated[int | None, Query(ge=0, le=MAX_VERSION)] = None,
                 table: Annotated[str | None, Query(max_length=64)] = None,
                 after: Annotated[str, Query(max_length=64)] = "",
                 limit: Annotated[int, Query(ge=1, le=20000)] = 5000,
                 who: tokens.Caller = Depends(till)):
        body = central.run(ha.confirmed(lambda conn: store.snapshot(conn, who.shop_id, at, table, after, limit)),
                           isolation="repeatable read")
        sent = int(body[len(b'{"version":'):body.index(b",")])
        central.run(lambda conn: refill.note_served(conn, who.shop_id, who.till_id, sent))
        return Response(body, media_type="application/json", headers={"X-Content-SHA256": store.checksum(body)})

    @app.get("/v1/own", response_model=OwnOut, responses=ERRORS, tags=["till"],
             description="This till's own bills, lines, payments, ledger and audit entries after version "
                         "`after`, for a till that lost some of them (restored from a backup, damaged -wal).")
    def own(after: Annotated[int, Query(ge=0, le=MAX_VERSION)] = 0,
            limit: Annotated[int, Query(ge=1, le=10000)] = 2000,
            who: tokens.Caller = Depends(till)):
        body = central.run(lambda conn: refill.own_rows(conn, who.shop_id, who.till_id, after, limit),
                           isolation="repeatable read", read_only=True)
        return Response(body, media_type="application/json", headers={"X-Content-SHA256": store.checksum(body)})

    # --- head office ------------------------------------------------------------------------------------

    admin_errors = {**ERRORS, 404: {"model": Problem}, 409: {"model": Problem}, 422: {"model": Problem}}

    @app.get("/v1/admin/{table}", response_model=list[dict[str, Any]], responses=admin_errors, tags=["head office"])
    def admin_list(table: Table, after: Annotated[str, Query(max_length=64)] = "",
                   limit: Annotated[int, Query(ge=1, le=5000)] = 500, include_deleted: bool = False,
                   who: tokens.Caller = Depends(admin)):
        return central.run(lambda conn: store.admin_rows(conn, who.shop_id, table, after, limit, include_deleted),
                           read_only=True)

    @app.get("/v1/admin/{table}/{row_id}", response_model=dict[str, Any], responses=admin_errors,
             tags=["head office"])
    def admin_get(table: Table, row_id: RowId, who: tokens.Caller = Depends(admin)):
        return central.run(lambda conn: store.admin_row(conn, who.shop_id, table, row_id), read_only=True)

    @app.post("/v1/admin/{table}", response_model=dict[str, Any], responses=admin_errors, tags=["head office"])
    def admin_create(table: Table, values: dict[str, Any], who: tokens.Caller = Depends(admin)):
        return central.run(lambda conn: store.admin_write(conn, who.shop_id, table, None, values))

    @app.put("/v1/admin/{table}/{row_id}", response_model=dict[str, Any], responses=admin_errors,
             tags=["head office"])
    def admin_put(table: Table, row_id: RowId, values: dict[str, Any], who: tokens.Caller = Depends(admin)):
        return central.run(lambda conn: store.admin_write(conn, who.shop_id, table, row_id, values))

    @app.delete("/v1/admin/{table}/{row_id}", response_model=dict[str, Any], responses=admin_errors,
                tags=["head office"])
    def admin_delete(table: Table, row_id: RowId, who: tokens.Caller = Depends(admin)):
        return central.run(lambda conn: store.admin_write(conn, who.shop_id, table, row_id, {}, delete=True))

    @app.middleware("http")
    async def no_store(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    pages = SignupPages(central)  # the customers' public sign-up page (central/signup.py)
    pages.install(app)  # last: its guard against floods is the outermost layer
    return app

"""The shapes of the sync service's requests and answers (its OpenAPI schema), and the error answers every
endpoint may give."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, Field

from central.push_body import MAX_OPS

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
    ops: list[OpIn] = Field(max_length=MAX_OPS)


class OpAnswer(BaseModel):
    op_id: str
    result: Literal["ok", "duplicate", "rejected", "retry"]
    reason: str | None = None


class PushOut(BaseModel):
    results: list[OpAnswer]
    shop_version: int
    in_order: bool = False  # the store applies a till's batches in the order they name (X-Push-After)


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


def inline_schema(model) -> dict:
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


ERRORS = {401: {"model": Problem}, 403: {"model": Problem}, 426: {"model": Problem}, 503: {"model": Problem}}
ADMIN_ERRORS = {**ERRORS, 404: {"model": Problem}, 409: {"model": Problem}, 422: {"model": Problem}}
MAX_VERSION = 2**62

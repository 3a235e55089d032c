"""The push body decoded in C (msgspec): the envelope, then each payload straight into its table's typed
struct, built from the sync protocol's schema (central/wire_schema.py through central/tables.py).

The structs state the checks a C decoder can make: the column names (every one, no unknown one), each
value's type, text length caps, the range of every money, basis-point and quantity column. What they cannot
state (JSON columns, times, clock stamps, the id) is checked here in Python as central/rowcheck.py does.

This is only a fast path. Whatever it does not accept (a decoder error, a failed check, a ``\\u0000``
anywhere in the body, a blob, a row with a column missing) goes through the checks as they were
(central/push_body.py, then central/push.py ``parse_op``), so a refusal's message and status are exactly
theirs; what it accepts, they would accept with the same row (tests/unit/test_push_fast.py holds the two
together).

Each accepted payload also keeps its text: central/batch.py ``flush`` stores that text as it came (with
the server's version added) when the row it writes is exactly the row the text decodes to, instead of
serialising the row again.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Annotated

import msgspec

from central import validate
from central.merge import Op
from central.push_body import MAX_OPS, parse_push
from central.rowcheck import _JSON_CACHED, _json_verdict
from central.tables import NEVER_DELETED, TABLES, TILL_WRITABLE, InvalidRow, TableSpec

_Text64 = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class _OpIn(msgspec.Struct, gc=False):
    op_id: _Text64
    table: _Text64
    row_id: _Text64
    hlc: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    payload: msgspec.Raw
    fields: Annotated[list[Annotated[str, msgspec.Meta(max_length=64)]], msgspec.Meta(max_length=200)] = []


class _Body(msgspec.Struct, gc=False):
    ops: Annotated[list[_OpIn], msgspec.Meta(max_length=MAX_OPS)]


_BODY = msgspec.json.Decoder(_Body)


@dataclass(slots=True)
class Pushed:
    """One pushed operation as the store takes it: parsed (``op``), or refused at parse (``error``)."""

    op_id: str
    op: Op | None = None
    error: str | None = None
    text: str | None = None  # the payload as sent, when it took the fast path (central/batch.py flush)
    sent: dict | None = None  # the row that text decodes to, kept unchanged


class Parsed(list):
    """A push body's operations, in order (a list of ``Pushed``)."""


def _int_bounds(spec: TableSpec, column: str) -> tuple[int, int]:
    """The values central/validate.py ``_check_int`` (and the int64 shape check) let through."""
    if column == "server_version":
        return -(2**63), 2**63 - 1
    if (spec.name, column) in validate.NOT_NEGATIVE:
        return 0, validate.MONEY_MAX
    if column in validate.BASIS_POINTS or column.endswith("_bp"):
        return 0, 10000
    if column == "quantity":
        return -validate.QUANTITY_MAX, validate.QUANTITY_MAX
    return -validate.MONEY_MAX, validate.MONEY_MAX


def _field_type(spec: TableSpec, column: str, kind: str):
    if kind == "int":
        low, high = _int_bounds(spec, column)
        return Annotated[int, msgspec.Meta(ge=low, le=high)] | None
    if kind == "bool":
        return bool | None
    if kind in ("text", "fk"):
        cap = 64 if kind == "fk" else validate.LONG_TEXT.get(column, validate.TEXT_CAP)
        return Annotated[str, msgspec.Meta(max_length=cap)] | None
    if kind == "json":
        return Annotated[str, msgspec.Meta(max_length=validate.JSON_CAP)] | None
    if kind == "time":
        return str | None
    return None  # a blob: only null here; a value goes the slow way (its checks are rare and long)


def _python_check(spec: TableSpec, column: str, kind: str):
    """The checks of one column the struct cannot state (raise validate.Refused); None: nothing left."""
    table, where = spec.name, f"{spec.name}.{column}"
    if column == "updated_at":
        def check(v):
            if v != "" and not validate.STAMP.fullmatch(v):
                raise validate.Refused(where)
        return check
    if kind == "json":
        def check(v):
            if len(v) > _JSON_CACHED:
                validate._check_json(spec, column, where, v)
            elif _json_verdict(table, column, v) is not None:
                raise validate.Refused(where)
        return check
    if kind == "time":
        def check(v):
            validate._check_time(where, v)
        return check
    return None


@functools.cache
def _decoder(table: str) -> tuple:
    """(decoder of the table's payloads, its columns, the defaults, the Python checks left)."""
    spec = TABLES[table]
    # every column required: a till sends whole rows; a row with a column missing (its default to fill in)
    # goes the slow way
    fields = [(name, _field_type(spec, name, col.kind)) for name, col in spec.columns.items()]
    struct = msgspec.defstruct(f"{table}_row", fields, forbid_unknown_fields=True, gc=False)
    checks = tuple((name, check) for name, col in spec.columns.items()
                   if (check := _python_check(spec, name, col.kind)) is not None)
    return msgspec.json.Decoder(struct), checks


class _Slow(Exception):
    """The fast path does not decide this one: the checks as they were do."""


def _row(spec: TableSpec, raw: msgspec.Raw) -> dict:
    """The payload (every column) as ``rowcheck.parse_row`` normalises it."""
    decoder, checks = _decoder(spec.name)
    try:
        row = msgspec.structs.asdict(decoder.decode(raw))
    except msgspec.MsgspecError:
        raise _Slow from None
    row_id = row["id"]
    if type(row_id) is not str or not row_id or len(row_id) > 64:
        raise _Slow
    if spec.name in NEVER_DELETED and row.get("deleted_at") is not None:
        raise _Slow
    if spec.name == "user" and row.get("role") not in validate.ROLES:
        raise _Slow
    try:
        for name, check in checks:
            value = row[name]
            if value is not None:
                check(value)
    except validate.Refused:
        raise _Slow from None
    return row


def parse(body: bytes) -> Parsed:
    """The operations of a push body. Raises InvalidRow (the body is refused whole) as
    central/push_body.py ``parse_push`` would, with its message."""
    from central.push import op_of, parse_op

    if b"\\u0000" in body:  # PostgreSQL text holds no NUL: the checks as they were say where
        return _slow_body(body)
    try:
        envelope = _BODY.decode(body)
    except msgspec.MsgspecError:
        return _slow_body(body)
    if not all(memoryview(op.payload)[:1] == b"{" for op in envelope.ops):
        return _slow_body(body)
    out = Parsed()
    for raw in envelope.ops:
        table = raw.table
        spec = TABLES.get(table)
        item = Pushed(raw.op_id)
        try:
            if spec is None or table not in TILL_WRITABLE:
                raise _Slow
            row = _row(spec, raw.payload)
            item.op = op_of(raw.op_id, spec, table, row, raw.row_id, raw.hlc, raw.fields, None)
            text = bytes(raw.payload).decode()
            if text.endswith("}"):
                item.text, item.sent = text, dict(row)
        except _Slow:
            item = _slow_op(raw, parse_op)
        except InvalidRow as exc:
            item.error = str(exc)
        out.append(item)
    return out


def _slow_op(raw: _OpIn, parse_op) -> Pushed:
    item = Pushed(raw.op_id)
    try:
        item.op = parse_op({"op_id": raw.op_id, "table": raw.table, "row_id": raw.row_id, "hlc": raw.hlc,
                            "fields": raw.fields, "payload": json.loads(bytes(raw.payload))})
    except InvalidRow as exc:
        item.error = str(exc)
    return item


def _slow_body(body: bytes) -> Parsed:
    return prepare(parse_push(body))


def prepare(raw_ops: list[dict]) -> Parsed:
    """Operations given as plain JSON objects (as central/push_body.py passes them), parsed."""
    from central.push import parse_op

    out = Parsed()
    for raw in raw_ops:
        item = Pushed(raw["op_id"])
        try:
            item.op = parse_op(raw)
        except InvalidRow as exc:
            item.error = str(exc)
        out.append(item)
    return out

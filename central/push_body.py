"""A push body's envelope, checked on plain JSON (the checks ``PushIn`` states in the OpenAPI schema): the
hot path parses the body itself, because pydantic's validation and dump of every payload cost more than the
store's own work. Each payload is then checked column by column by the store (central/rowcheck.py)."""

from __future__ import annotations

import json

from central.tables import TABLES, InvalidRow

MAX_OPS = 5000

_COLUMNS = frozenset(c for spec in TABLES.values() for c in spec.columns)  # all text of at most 64 characters


def _known_columns(fields: list) -> bool:
    """Every field names a column of some table (the usual case, checked in C; the rest is checked slowly)."""
    try:
        return _COLUMNS.issuperset(fields)
    except TypeError:  # an unhashable field (a list, an object): not a column name
        return False


def parse_push(body: bytes) -> list[dict]:
    """The checks PushIn states, on plain JSON (each payload is checked column by column by the store)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRow(f"the body is not JSON: {exc}") from None
    ops = data.get("ops") if isinstance(data, dict) else None
    if not isinstance(ops, list):
        raise InvalidRow("the body needs 'ops', a list of operations")
    if len(ops) > MAX_OPS:
        raise InvalidRow(f"at most {MAX_OPS} operations per batch")
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

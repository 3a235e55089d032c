"""One pass over a pushed row: its shape (central/tables.py ``normalise_row``) and its meaning
(central/validate.py ``check_row``) checked together, column by column, with the per-column checks worked
out once per table. The answer is exactly theirs (tests/unit/test_rowcheck.py holds the two together):
a shape error raises ``InvalidRow``; the first meaning problem is returned, not raised, because a push
decides a till's right to change the table (roles) before it looks at meaning.
"""

from __future__ import annotations

import functools

from central import validate
from central.tables import (
    _TEXTUAL,
    NEVER_DELETED,
    NOW,
    TABLES,
    InvalidRow,
    TableSpec,
    check_value,
    normalise_row,
)
from central.validate import STAMP, Refused
from central.wire import now_text

_INT_MIN, _INT_MAX = -(2**63), 2**63
_JSON_CACHED = 256  # JSON values up to this length are judged once (the same "[]" on every bill line)


@functools.lru_cache(maxsize=8192)
def _json_verdict(table: str, column: str, value: str) -> str | None:
    try:
        validate._check_json(TABLES[table], column, f"{table}.{column}", value)
    except Refused as exc:
        return str(exc)
    return None


def _meaning(spec: TableSpec, column: str, kind: str):
    """The meaning check of one column (raises Refused), as check_row makes it; None: nothing to check."""
    table, where = spec.name, f"{spec.name}.{column}"
    if column == "updated_at":
        def check(v):
            if v != "" and not STAMP.fullmatch(v):
                raise Refused(f"{where} {v[:40]!r} is not a hybrid clock stamp")
    elif kind == "json":
        def check(v):
            if len(v) > _JSON_CACHED:
                validate._check_json(spec, column, where, v)
            elif (verdict := _json_verdict(table, column, v)) is not None:
                raise Refused(verdict)
    elif kind == "time":
        def check(v):
            validate._check_time(where, v)
    elif kind in ("text", "fk"):
        cap = 64 if kind == "fk" else validate.LONG_TEXT.get(column, validate.TEXT_CAP)

        def check(v):
            if len(v) > cap or not v.isascii():
                validate._check_text(where, v, cap)
    elif kind == "blob":
        def check(v):
            validate._check_blob(table, column, where, v)
    elif kind == "int":
        if column == "server_version":
            return None
        plain_money = ((table, column) not in validate.NOT_NEGATIVE and column not in validate.BASIS_POINTS
                       and not column.endswith("_bp") and column != "quantity")
        limit = validate.MONEY_MAX

        def check(v):
            if type(v) is int and not (plain_money and -limit <= v <= limit):
                validate._check_int(table, column, where, v)
    else:
        return None
    return check


@functools.cache
def _plan(table: str) -> tuple:
    spec = TABLES[table]
    return tuple((name, col.kind, col.default, _meaning(spec, name, col.kind)) for name, col in spec.columns.items())


def parse_row(spec: TableSpec, payload: dict) -> tuple[dict, str | None]:
    """(the row normalised as ``normalise_row`` makes it, the reason ``check_row`` would refuse it or None)."""
    columns = spec.columns
    if not columns.keys() >= payload.keys():
        unknown = set(payload) - set(columns)
        raise InvalidRow(f"{spec.name} has no column(s) {', '.join(sorted(unknown))}")
    plan = _plan(spec.name) if TABLES.get(spec.name) is spec else None
    if plan is None:  # a spec made elsewhere (a test's): the two checks as they are
        row = normalise_row(spec, payload)
        try:
            validate.check_row(spec, row)
        except Refused as exc:
            return row, str(exc)
        return row, None
    row = {}
    refused = None
    for name, kind, default, meaning in plan:
        if name in payload:
            value = payload[name]
            if value is not None:
                kind_of_value = type(value)
                if kind_of_value is str and kind in _TEXTUAL:
                    if "\x00" in value:
                        check_value(spec, name, value)
                elif not ((kind_of_value is int and kind == "int" and _INT_MIN <= value < _INT_MAX)
                          or (kind_of_value is bool and kind == "bool")):
                    check_value(spec, name, value)
        elif default is NOW:
            value = now_text()
        else:
            value = default
        row[name] = value
        if refused is None and value is not None and meaning is not None:
            try:
                meaning(value)
            except Refused as exc:
                refused = str(exc)
    if not isinstance(row.get("id"), str) or not row["id"] or len(row["id"]) > 64:
        raise InvalidRow(f"{spec.name} row needs a text id of at most 64 characters")
    if spec.name in NEVER_DELETED and row.get("deleted_at") is not None:
        raise InvalidRow(f"a {spec.name} is never deleted: cancel it instead")
    if refused is None and spec.name == "user" and row.get("role") not in validate.ROLES:
        refused = f"user.role must be one of {', '.join(sorted(validate.ROLES))}"
    return row, refused

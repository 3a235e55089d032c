"""Value formats of the sync protocol: how a JSON column and a time travel (as the till's columns store
them, db/fields.py; tests/unit/test_wire_schema.py checks both sides agree). The tables themselves are in
central/wire_schema.py, generated from the till's models.

Shared with the till as they are: ``db.hlc`` (the hybrid clock stamp format) and ``db.ids`` (UUIDv7 ids),
two small pure modules with no database or model in them; the central imports nothing else from ``db``.
"""

from __future__ import annotations

import datetime as dt
import json


def json_text(value) -> str | None:
    """A JSON column's value as the till stores it: sorted keys, no spaces."""
    return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def parse_utc(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def time_text(value: dt.datetime | str | None) -> str | None:
    """A time column's value: ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC (sorts as text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_utc(value)
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_text() -> str:
    return time_text(dt.datetime.now(dt.UTC))

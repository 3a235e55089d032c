"""Value formats of the sync protocol: how a JSON column and a time travel (as the till's columns store
them, db/fields.py; tests/unit/test_wire_schema.py checks both sides agree). The tables themselves are in
central/wire_schema.py, generated from the till's models.

Shared with the till as they are: ``db.hlc`` (the hybrid clock stamp format), ``db.ids`` (UUIDv7 ids),
``db.utc`` (the time format), ``db.text`` (the name key) and ``db.pins`` (the PIN rule): small pure modules
with no database or model in them; the central imports nothing else from ``db``.
"""

from __future__ import annotations

import datetime as dt
import json

from db.utc import parse_utc, time_text

__all__ = ["json_text", "now_text", "parse_utc", "time_text"]


def json_text(value) -> str | None:
    """A JSON column's value as the till stores it: sorted keys, no spaces."""
    return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def now_text() -> str:
    return time_text(dt.datetime.now(dt.UTC))

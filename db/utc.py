"""How a time is stored and travels: ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC, so it sorts as text.

Pure (no peewee): the till's time columns (db/fields.py) and the central store (central/wire.py) share it."""

from __future__ import annotations

import datetime as dt


def parse_utc(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def time_text(value: dt.datetime | str | None) -> str | None:
    """A time column's value; a naive datetime is refused (a till's times are always aware)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_utc(value)
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

"""Column types with the conventions of ARCHITECTURE.md: UTC times as sortable ISO text, JSON as text."""

from __future__ import annotations

import datetime as dt
import json

from peewee import TextField


class UTCDateTimeField(TextField):
    """Stores an aware datetime as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (sorts as text); returns it aware in UTC."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            value = parse_utc(value)
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def python_value(self, value):
        return None if value is None else parse_utc(value)


def parse_utc(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class JSONField(TextField):
    def db_value(self, value):
        return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))

    def python_value(self, value):
        return None if value is None else json.loads(value)

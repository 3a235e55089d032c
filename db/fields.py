"""Column types with the conventions of ARCHITECTURE.md: UTC times as sortable ISO text, JSON as text."""

from __future__ import annotations

import json

from peewee import TextField

from db.utc import parse_utc, time_text


class UTCDateTimeField(TextField):
    """Stores an aware datetime as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (sorts as text); returns it aware in UTC."""

    def db_value(self, value):
        return time_text(value)

    def python_value(self, value):
        return None if value is None else parse_utc(value)


class JSONField(TextField):
    def db_value(self, value):
        return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))

    def python_value(self, value):
        return None if value is None else json.loads(value)

"""The outbox's wire format: every change to a synced row is queued in the same transaction as the change
(by db/synced_writer.py, the one writer of synced rows)."""

from __future__ import annotations

import base64

from db.models import Outbox, SyncedModel


def row_to_wire(row: SyncedModel) -> dict:
    """The row as JSON-safe column values (foreign keys as ids, times as UTC text, blobs as base64)."""
    data = {}
    for name, field in row._meta.fields.items():
        value = field.db_value(row.__data__.get(name))
        if isinstance(value, bytes | bytearray | memoryview):
            value = {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
        data[field.column_name] = value
    return data


def wire_to_columns(model: type[SyncedModel], data: dict) -> dict:
    """Inverse of row_to_wire: column values ready for ``model.insert(**...)`` (unknown columns dropped)."""
    columns = {f.column_name: f for f in model._meta.fields.values()}
    out = {}
    for column, value in data.items():
        field = columns.get(column)
        if field is None:
            continue
        if isinstance(value, dict) and "$b64" in value:
            value = base64.b64decode(value["$b64"])
        out[field.name] = field.python_value(value) if value is not None else None
    return out


def pending_count() -> int:
    return Outbox.select().where(Outbox.state == "pending").count()

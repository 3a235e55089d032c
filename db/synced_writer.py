"""The one writer of synced rows: the row, its hybrid-clock stamp and its outbox entry, all in the caller's
transaction. Nothing else inserts into the outbox (tests/unit/test_layering.py checks it).

Two forms of the same thing:
- ``save(row)`` is ``SyncedModel.save``: one ORM row, the changed fields queued.
- ``Batch`` writes many rows of several tables with prepared INSERT / UPDATE statements and executemany
  (a sale, a void, a return, the customer and item imports): peewee's query building costs about a
  millisecond a statement, which a sale's dozen rows or a 100,000-row import cannot pay. Rows handed to a
  Batch map column name -> database value (what SQLite stores: ids, UTC text, JSON text, 0/1).

Either way the outbox payload is the whole row in the wire format of db/outbox.row_to_wire (booleans as
JSON booleans, blobs as base64) and ``fields`` the sorted column names the change set.
"""

from __future__ import annotations

import base64
import json
import operator
from collections.abc import Iterable

from peewee import BlobField, BooleanField, Model

from db import hlc
from db.fields import UTCDateTimeField
from db.ids import new_id, new_ids, utcnow
from db.models import Outbox, SyncedModel, database
from db.outbox import row_to_wire

_OUTBOX_SQL = ('INSERT INTO "outbox" ("op_id", "table_name", "row_id", "hlc", "fields", "payload", '
               '"created_at", "attempts", "state", "error") VALUES (?, ?, ?, ?, ?, ?, ?, 0, \'pending\', NULL)')
dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode  # as db.fields.JSONField writes
_time_text = UTCDateTimeField().db_value


def time_text(when=None) -> str:
    """``when`` (default now) as the UTC text every time column holds."""
    return _time_text(when or utcnow())


# --- one ORM row (SyncedModel.save) ---------------------------------------------------------------------------


def save(row: SyncedModel, force_insert: bool = False, only=None, sync: bool = True) -> int:
    """Insert or update ``row``; unless ``sync=False`` (rows pulled from the central store), stamp it with the
    hybrid clock and queue the changed fields in the outbox, in one transaction."""
    insert = force_insert or row._is_new_row
    if not insert and row.append_only and sync:
        raise ValueError(f"{type(row).__name__} rows are append-only; write a new document instead")
    with row._meta.database.atomic():
        changed = set(row._dirty) if not insert else set(row._meta.fields)
        if sync:
            row.updated_at = hlc.clock.now()
            changed.add("updated_at")
        count = Model.save(row, force_insert=insert, only=only)
        row._is_new_row = False
        if sync:
            fields = row._meta.fields
            _queue(row, sorted(fields[name].column_name for name in changed if name in fields))
    return count


def _queue(row: SyncedModel, columns: list[str], stamp: str | None = None) -> None:
    database.execute_sql(_OUTBOX_SQL, (new_id(), row._meta.table_name, row.id, stamp or row.updated_at,
                                       dumps(columns), dumps(row_to_wire(row)), time_text()))


def queue_again(row: SyncedModel) -> None:
    """Queue a row already written (the whole row, as a new operation): a restored central store lost it."""
    _queue(row, sorted(f.column_name for f in row._meta.sorted_fields), row.updated_at or hlc.clock.now())


def rewrite_queued(row: SyncedModel) -> None:
    """Queued changes of ``row`` carry the row as it is now (an erased customer's old values never leave)."""
    Outbox.update(payload=row_to_wire(row)).where(
        (Outbox.table_name == row._meta.table_name) & (Outbox.row_id == row.id)).execute()


# --- many rows by executemany -----------------------------------------------------------------------------------


class _Table:
    """Column order, INSERT statement and wire conversions of one synced model, computed once."""

    def __init__(self, model: type[SyncedModel]):
        fields = model._meta.sorted_fields
        self.name = model._meta.table_name
        self.columns = [f.column_name for f in fields]
        self.defaults = {f.column_name: f for f in fields if f.default is not None}
        self.take = operator.itemgetter(*self.columns)
        marks = ", ".join("?" * len(self.columns))
        names = ", ".join(f'"{c}"' for c in self.columns)
        self.insert_sql = f'INSERT INTO "{self.name}" ({names}) VALUES ({marks})'
        self.all_columns = dumps(sorted(self.columns))
        self.bools = [f.column_name for f in fields if isinstance(f, BooleanField)]
        self.blobs = [f.column_name for f in fields if isinstance(f, BlobField)]

    def values(self, row: dict) -> tuple:
        """The row's values in column order; a missing column takes its default (None if it has none)."""
        try:
            return self.take(row)
        except KeyError:
            for column in self.columns:
                if column not in row:
                    field = self.defaults.get(column)
                    value = None if field is None else field.default() if callable(field.default) else field.default
                    row[column] = None if value is None else field.db_value(value)
            return self.take(row)

    def payload(self, row: dict) -> str:
        """The whole row as row_to_wire gives it, as JSON text."""
        wire = row if len(row) == len(self.columns) else dict(zip(self.columns, self.take(row), strict=True))
        for column in self.bools:
            value = wire[column]
            if value is not None and value is not True and value is not False:
                wire = wire if wire is not row else dict(row)
                wire[column] = bool(value)
        for column in self.blobs:
            value = wire[column]
            if value is not None:
                wire = wire if wire is not row else dict(row)
                wire[column] = {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
        return dumps(wire)


_TABLES: dict[type, _Table] = {}


def _table(model: type[SyncedModel]) -> _Table:
    table = _TABLES.get(model)
    if table is None:
        table = _TABLES[model] = _Table(model)
    return table


class Batch:
    """Rows of several synced tables and their outbox entries, written by ``write()`` in the caller's
    transaction, statements in the order they were added (parents before children)."""

    def __init__(self, created_at: str | None = None):
        self.created_at = created_at or time_text()  # the outbox entries' time (a seeded past sale's own)
        self._steps: list[tuple[str, list[tuple]]] = []
        self._queued: list[tuple] = []  # (table, row id, stamp, fields, payload) in outbox order

    def insert(self, model: type[SyncedModel], rows: Iterable[dict]) -> None:
        """New rows (column -> db value; ``updated_at`` is stamped here, the dicts are updated in place)."""
        table, stamp, queued, values = _table(model), hlc.clock.now, self._queued, []
        for row in rows:
            row["updated_at"] = now = stamp()
            values.append(table.values(row))
            queued.append((table.name, row["id"], now, table.all_columns, table.payload(row)))
        if values:
            self._steps.append((table.insert_sql, values))

    def update(self, model: type[SyncedModel], changes: Iterable[tuple[dict, Iterable[str]]]) -> None:
        """``(row, changed)`` pairs: the whole row after the change (every column) and the columns that
        changed. Each row is stamped; rows that changed the same columns share one statement."""
        table, stamp, queued = _table(model), hlc.clock.now, self._queued
        groups: dict[tuple, list[tuple]] = {}
        for row, changed in changes:
            table.take(row)  # KeyError unless the row is whole: the payload carries every column
            row["updated_at"] = now = stamp()
            columns = tuple(sorted({*changed, "updated_at"}))
            groups.setdefault(columns, []).append((*(row[c] for c in columns), row["id"]))
            queued.append((table.name, row["id"], now, dumps(list(columns)), table.payload(row)))
        for columns, values in groups.items():
            sets = ", ".join(f'"{c}" = ?' for c in columns)
            self._steps.append((f'UPDATE "{table.name}" SET {sets} WHERE "id" = ?', values))

    def __len__(self) -> int:
        return len(self._queued)

    def write(self) -> None:
        cursor = database.cursor()
        for sql, values in self._steps:
            if len(values) == 1:
                cursor.execute(sql, values[0])
            else:
                cursor.executemany(sql, values)
        created = self.created_at
        cursor.executemany(_OUTBOX_SQL, [(op_id, *entry, created)
                                         for op_id, entry in zip(new_ids(len(self._queued)), self._queued, strict=True)])
        self._steps, self._queued = [], []

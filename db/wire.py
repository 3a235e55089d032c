"""The till's synced tables as the sync protocol describes them, written out for the central store.

The central store validates pushed rows against ``central/wire_schema.py``, a plain description of every
synced table (columns, their wire types, nullability, defaults, unique groups, references) generated from
db/models.py by this module, so the central never imports the till's models. After a model change:

    python -m db.wire          # rewrites central/wire_schema.py

tests/unit/test_wire_schema.py fails while the two differ.
"""

from __future__ import annotations

import pprint
from pathlib import Path

from peewee import BigIntegerField, BlobField, BooleanField, ForeignKeyField, IntegerField

from db import models
from db.fields import JSONField, UTCDateTimeField
from db.ids import new_id, utcnow
from db.migrations import LATEST

TARGET = Path(__file__).resolve().parents[1] / "central" / "wire_schema.py"
NOW = "$now"  # the default of a time column such as created_at: the moment the row arrives


def _kind(f) -> str:
    if isinstance(f, ForeignKeyField):
        return "fk"
    if isinstance(f, BooleanField):
        return "bool"
    if isinstance(f, IntegerField | BigIntegerField):
        return "int"
    if isinstance(f, JSONField):
        return "json"
    if isinstance(f, UTCDateTimeField):
        return "time"
    if isinstance(f, BlobField):
        return "blob"
    return "text"


def _default(f):
    if f.default is None or f.default is new_id:  # an id is made by whoever creates the row, never defaulted
        return None
    if f.default is utcnow:
        return NOW
    value = f.default() if callable(f.default) else f.default
    return f.db_value(value)


def _table(model, with_defaults: bool = True) -> dict:
    meta = model._meta
    unique = [(f.column_name,) for f in meta.sorted_fields if f.unique and not f.primary_key]
    unique += [tuple(meta.fields[n].column_name for n in fields) for fields, is_unique in meta.indexes if is_unique]
    return {
        "append_only": bool(getattr(model, "append_only", False)),
        "columns": [(f.column_name, _kind(f), bool(f.null), _default(f) if with_defaults else None)
                    for f in meta.sorted_fields],
        "unique": unique,
        "references": {f.column_name: f.rel_model._meta.table_name
                       for f in meta.sorted_fields if isinstance(f, ForeignKeyField)},
    }


def describe() -> dict:
    """TILL_SCHEMA, TABLES (synced tables, parents first) and CONFLICT_LOG, as central/wire_schema.py holds them."""
    return {
        "TILL_SCHEMA": LATEST,
        "TABLES": {m._meta.table_name: _table(m) for m in models.SYNCED_MODELS},
        # conflicts are decided on the server and flow down to every till like an append-only table's rows
        "CONFLICT_LOG": {**_table(models.ConflictLog, with_defaults=False), "append_only": True},
    }


def render() -> str:
    parts = ['"""The sync protocol\'s tables: generated from the till\'s db/models.py by `python -m db.wire`; do not',
             'edit by hand. tests/unit/test_wire_schema.py checks it agrees with the models.',
             "",
             "Per table: append_only, columns as (name, wire type, nullable, default), unique column groups,",
             'references (column -> table). Wire types: int, bool, text, fk, json (text), time (ISO UTC text), blob',
             '({"$b64": ...}). A default of "$now" is the moment the row arrives."""',
             ""]
    for name, value in describe().items():
        parts.append(f"{name} = {pprint.pformat(value, width=110, sort_dicts=False)}")
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")

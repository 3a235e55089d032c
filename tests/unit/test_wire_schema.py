"""The central store validates against the sync protocol's schema (central/wire_schema.py), never the till's
models; this test holds the two together, so a model change without `python -m db.wire` fails here."""

import datetime as dt

import pytest

from central import tables, wire, wire_schema
from db import wire as till_side
from db.fields import JSONField, UTCDateTimeField, parse_utc
from db.migrations import LATEST


def test_wire_schema_is_generated_from_the_tills_models():
    assert till_side.TARGET.read_text(encoding="utf-8") == till_side.render(), (
        "central/wire_schema.py differs from db/models.py: run `python -m db.wire` and review the diff")
    assert wire_schema.TILL_SCHEMA == LATEST
    assert till_side.describe()["TABLES"] == wire_schema.TABLES


def test_every_synced_model_is_a_central_table_with_its_columns():
    from db import models

    for model in models.SYNCED_MODELS:
        spec = tables.TABLES[model._meta.table_name]
        assert spec.column_names == [f.column_name for f in model._meta.sorted_fields]
        for f in model._meta.sorted_fields:
            assert spec.columns[f.column_name].nullable == bool(f.null)
    assert tables.TABLE_ORDER[:-1] == [m._meta.table_name for m in models.SYNCED_MODELS]
    assert tables.TABLES["bill"].policy == tables.APPEND and tables.TABLES["customer"].policy == tables.MERGE
    assert tables.TABLES["customer"].columns["created_at"].default is tables.NOW
    assert tables.TABLES["customer"].columns["id"].default is None  # an id is never made up by the store
    assert tables.TABLES["customer"].unique == [("phone",)]
    assert tables.TABLES["price_list_entry"].references == {"price_list_id": "price_list", "item_id": "item"}


@pytest.mark.parametrize("value", [None, [], {"b": 1, "a": [1, "é", None]}, "text", 12, True])
def test_json_values_travel_as_the_till_stores_them(value):
    assert wire.json_text(value) == JSONField().db_value(value)


@pytest.mark.parametrize("value", [
    None, "2026-03-01T10:00:00Z", "2026-03-01T12:00:00.123456+02:00", "2026-03-01T10:00:00",
    dt.datetime(2026, 3, 1, 10, 0, 0, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
])
def test_times_travel_as_the_till_stores_them(value):
    assert wire.time_text(value) == UTCDateTimeField().db_value(value)
    if isinstance(value, str):
        assert wire.parse_utc(value) == parse_utc(value)


def test_a_naive_time_is_refused_on_both_sides():
    naive = dt.datetime(2026, 3, 1, 10, 0)
    with pytest.raises(ValueError):
        wire.time_text(naive)
    with pytest.raises(ValueError):
        UTCDateTimeField().db_value(naive)

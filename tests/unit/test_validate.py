"""The central store's meaning checks (central/validate.py) without a database: each rule refuses with a
reason, a good row passes, and no generated value makes them fail any other way."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central import validate
from central.tables import NOW, TABLES, InvalidRow, normalise_row

STAMP = "1700000000000-00000-till"


def _row(table, **values):
    base = {"id": "r1", "updated_at": STAMP}
    base.update(values)
    return normalise_row(TABLES[table], base)


def _refused(table, **values) -> str:
    with pytest.raises(validate.Refused) as info:
        validate.check_row(TABLES[table], _row(table, **values))
    return str(info.value)


def test_good_rows_pass():
    validate.check_row(TABLES["item"], _row("item", code="1", name="Tea", name_norm="tea", price=180,
                                            tags='["vegan"]'))
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 16).decode()
    validate.check_row(TABLES["customer"], _row("customer", name="A", name_norm="a", photo={"$b64": jpeg},
                                                created_at="2026-01-01T00:00:00.000000Z"))
    validate.check_row(TABLES["bill_line"], _row("bill_line", bill_id="b", line_no=1, code="1", name="x",
                                                 quantity=-2, unit_price=100, total=-200))  # a void's line


@pytest.mark.parametrize("table, values, words", [
    ("setting", {"value": "not json {"}, "not JSON"),
    ("item", {"code": "1", "name": "x", "name_norm": "x", "price": 1, "tags": "no"}, "not JSON"),
    ("item", {"code": "1", "name": "x", "name_norm": "x", "price": 1, "tags": '{"a": 1}'}, "list of text"),
    ("item", {"code": "1", "name": "x", "name_norm": "x", "price": -1}, "negative"),
    ("item", {"code": "1", "name": "x", "name_norm": "x", "price": 1, "tax_rate_bp": 10001}, "basis points"),
    ("customer", {"name": "x", "name_norm": "x", "updated_at": "garbage"}, "hybrid clock"),
    ("customer", {"name": "x", "name_norm": "x", "photo": {"$b64": "!!"}}, "base64"),
    ("customer", {"name": "x", "name_norm": "x", "photo": {"$b64": "TVpNWk1a"}}, "image"),
    ("customer", {"name": "x", "name_norm": "x", "notes": "n" * 20001}, "characters long"),
    ("customer", {"name": "x\ud800", "name_norm": "x"}, "Unicode"),
    ("customer", {"name": "x", "name_norm": "x", "created_at": "2026-01-01T00:00:00+02:00"}, "UTC"),
    ("bill", {"receipt_no": "1", "till_code": "T", "cashier_id": "u", "completed_at": "garbage"}, "ISO 8601"),
    ("bill", {"receipt_no": "1", "till_code": "T", "cashier_id": "u",
              "completed_at": "2999-01-01T00:00:00.000000Z"}, "out of range"),
    ("bill", {"receipt_no": "1", "till_code": "T", "cashier_id": "u",
              "preferences_applied": "[" * 40 + "]" * 40}, "nested deeper"),
    ("bill_line", {"bill_id": "b", "line_no": 1, "code": "1", "name": "x", "quantity": 10**7, "unit_price": 1,
                   "total": 1}, "quantity"),
    ("user", {"name": "x", "role": "owner", "pin_hash": "h"}, "role"),
])
def test_each_rule_refuses_with_a_reason(table, values, words):
    assert words in _refused(table, **values)


def test_a_far_future_stamp_is_brought_back_to_the_servers_clock():
    limit = validate.stamp_limit_ms()
    assert validate.clamp_stamp(STAMP, limit) == STAMP
    clamped = validate.clamp_stamp("9999999999999-99999-evil", limit)
    assert clamped.endswith("-00000-evil") and int(clamped[:13]) <= limit


_values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=50),
                    st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=2))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(table=st.sampled_from(sorted(TABLES)), data=st.data())
def test_no_value_breaks_the_checks(table, data):
    spec = TABLES[table]
    payload = {"id": "r1"}
    for column in data.draw(st.lists(st.sampled_from(spec.column_names), max_size=6)):
        payload[column] = data.draw(_values)
    try:
        row = normalise_row(spec, payload)
    except InvalidRow:
        return
    try:
        validate.check_row(spec, row)
    except validate.Refused:
        pass


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(table=st.sampled_from(sorted(TABLES)), data=st.data())
def test_the_one_pass_check_answers_as_the_two_checks(table, data):
    """central/rowcheck.parse_row (push's one pass) == normalise_row then check_row, error for error."""
    from central import rowcheck

    spec = TABLES[table]
    payload = {"id": data.draw(st.one_of(st.just("r1"), _values))}
    hostile = st.one_of(st.sampled_from([
        "[]", "{}", "not json", '["a"]', '{"a": 1}', "2026-01-01T00:00:00.000000Z", "2026-01-01T00:00:00+02:00",
        "1700000000000-00000-till", "x\x00", "é" * 3, "x\ud800", "n" * 2500,
        10**13 + 1, -5, 10**19, 20000, -1, 10001, 10**6 + 1, -(10**13) - 1,
        {"$b64": "!!"}, "cashier", "owner"]), _values)
    for column in data.draw(st.lists(st.sampled_from([*spec.column_names, "nope"]), max_size=8)):
        payload[column] = data.draw(hostile)
    try:
        row = normalise_row(spec, dict(payload))
    except InvalidRow as exc:
        with pytest.raises(InvalidRow) as info:
            rowcheck.parse_row(spec, dict(payload))
        assert str(info.value) == str(exc)
        return
    try:
        validate.check_row(spec, row)
        expected = None
    except validate.Refused as exc:
        expected = str(exc)
    fast, refused = rowcheck.parse_row(spec, dict(payload))
    assert refused == expected
    stamped_now = {c for c, col in spec.columns.items() if col.default is NOW and c not in payload}
    assert {k: v for k, v in fast.items() if k not in stamped_now} == {
        k: v for k, v in row.items() if k not in stamped_now}

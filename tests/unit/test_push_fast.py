"""The push body's fast path (central/push_fast.py: msgspec structs from the wire schema) answers exactly as
the checks it stands in front of (central/push_body.py parse_push, then central/push.py parse_op): the
same refusal, with the same message, for the whole body or for one operation; the same row for each
operation it accepts. And the payload text it keeps for storing as sent decodes to that row."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central import push_fast
from central.push_body import parse_push
from central.tables import NOW, TABLES, InvalidRow

STAMP = "1700000000000-00000-till"


def _slow(body: bytes):
    return push_fast.prepare(parse_push(body))


def _answer(items) -> list:
    """What the store takes from a parsed body; columns stamped with the current time left out."""
    out = []
    for item in items:
        if item.op is None:
            out.append((item.op_id, item.error))
            continue
        op = item.op
        now = {c for c, col in TABLES[op.table].columns.items() if col.default is NOW}
        payload = {k: v for k, v in op.payload.items() if k not in now}
        out.append((item.op_id, op.table, op.row_id, op.hlc, op.fields, payload, op.refused))
    return out


def _same(body: bytes) -> list:
    try:
        expected = _slow(body)
    except InvalidRow as exc:
        with pytest.raises(InvalidRow) as info:
            push_fast.parse(body)
        assert str(info.value) == str(exc)
        return []
    fast = push_fast.parse(body)
    assert _answer(fast) == _answer(expected)
    for item in fast:
        if item.text is not None:  # stored as sent: the text is the row (PostgreSQL's jsonb keeps the last key)
            assert json.loads(item.text) == item.sent
            assert item.sent == {k: v for k, v in item.op.payload.items()}
    return fast


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _object(pairs) -> str:
    """A JSON object written from (key, value text) pairs: keys may repeat, as a hostile till may send."""
    return "{" + ",".join(f"{_json(k)}:{v}" for k, v in pairs) + "}"


_hostile = st.one_of(st.sampled_from([
    '"[]"', '"{}"', '"not json"', '"[\\"a\\"]"', '"{\\"a\\": 1}"', '"2026-01-01T00:00:00.000000Z"',
    '"2026-01-01T00:00:00+02:00"', '"2999-01-01T00:00:00.000000Z"', f'"{STAMP}"', '"x\\u0000"', '"\\u00e9\\u00e9"',
    '"x\\ud800"', '"\\ud83d\\ude00"', '"' + "n" * 2500 + '"', '"' + "k" * 65 + '"',
    "10000000000001", "-5", "10000000000000000000", "20000", "-1", "10001", "1000001", "-10000000000001",
    "9223372036854775807", "9223372036854775808", "1.0", "1e2", "NaN", "true", "false", "0", "1", "2", "null",
    '{"$b64": "!!"}', '{"$b64": "TVpNWk1a"}', '"cashier"', '"owner"', '""', "[]", "{}"]),
    st.integers().map(str), st.text(max_size=30).map(_json))


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_fast_path_answers_as_the_checks_it_stands_in_front_of(data):
    ops = []
    for n in range(data.draw(st.integers(1, 3))):
        table = data.draw(st.sampled_from([*sorted(TABLES), "nope"]))
        names = TABLES[table].column_names if table in TABLES else ["id"]
        row_id = data.draw(st.sampled_from(["r1", "r2", "r1", "r2", "", "k" * 65]))
        pairs = [("id", _json(row_id))] if data.draw(st.integers(0, 4)) else []
        whole = data.draw(st.booleans())
        # mostly one hostile value in an otherwise good row: what tells a missing check from a present one
        bad = data.draw(st.sets(st.sampled_from(names), max_size=data.draw(st.sampled_from([1, 1, 1, 3]))))
        for column in (names if whole else data.draw(st.lists(st.sampled_from([*names, "nope"]), max_size=8))):
            pairs.append((column, data.draw(_hostile) if column in bad else _good(column, table)))
        payload = _object(pairs) if data.draw(st.integers(0, 19)) else data.draw(st.sampled_from(["[]", "1", "null"]))
        rare = data.draw(st.integers(0, 9)) == 0  # a hostile envelope now and then (the whole body goes slow)
        envelope = [("op_id", _json(data.draw(st.sampled_from([f"op{n}", "op0", "", "o" * 65]) if rare
                                              else st.sampled_from([f"op{n}", "op0"])))),
                    ("table", _json(table)), ("row_id", _json(data.draw(st.sampled_from([row_id, "r1"])))),
                    ("hlc", _json(data.draw(st.sampled_from([STAMP, "garbage", "", STAMP + "\x00"]) if rare
                                            else st.sampled_from([STAMP, STAMP, "garbage"])))),
                    ("payload", payload)]
        fields = data.draw(st.sampled_from([None, [], names[:3], ["nope"], ["k" * 65], "x", [1]]) if rare
                           else st.sampled_from([None, [], names[:3], ["nope"]]))
        if fields is not None:
            envelope.append(("fields", _json(fields)))
        ops.append(_object(data.draw(st.permutations(envelope))))
    body = '{"ops":[' + ",".join(ops) + "]}"
    _same(body.encode())


def _good(column: str, table: str) -> str:
    spec = TABLES.get(table)
    kind = spec.columns[column].kind if spec and column in spec.columns else "text"
    return {"int": "5", "bool": "true", "json": '"[]"', "time": '"2026-01-01T00:00:00.000000Z"',
            "blob": "null", "fk": '"f1"'}.get(kind, '"cashier"' if column == "role" else
                                             (f'"{STAMP}"' if column == "updated_at" else '"t"'))


@pytest.mark.parametrize("body", [
    b"", b"[]", b"{}", b'{"ops": 1}', b'{"ops": [1]}', b'{"ops": [{}]}', b"not json", b'{"ops": []}',
    b'\xff{"ops": []}', b'{"ops": [], "ops": [1]}', b'{"ops": [{"op_id": "a", "table": "bill", "row_id": "b", '
    b'"hlc": "' + STAMP.encode() + b'", "payload": []}]}',
    ('{"ops": [' + ",".join(['{"op_id":"a","table":"x","row_id":"r","hlc":"h","payload":{}}'] * 5001) + "]}").encode(),
])
def test_bodies_refused_whole_say_what_they_said(body):
    _same(body)


def test_a_whole_row_keeps_its_text_and_a_row_with_defaults_does_not():
    line = {c: None for c in TABLES["payment"].column_names}
    line.update(id="p1", bill_id="b1", method="cash", amount=250, updated_at=STAMP)
    whole = {"op_id": "o1", "table": "payment", "row_id": "p1", "hlc": STAMP, "payload": line}
    part = {"op_id": "o2", "table": "payment", "row_id": "p2", "hlc": STAMP,
            "payload": {"id": "p2", "bill_id": "b1", "method": "cash", "amount": 1}}
    a, b = _same(json.dumps({"ops": [whole, part]}).encode())
    assert a.op.refused is None and a.text is not None and json.loads(a.text) == line
    assert b.op.refused is None and b.text is None


def test_a_key_sent_twice_counts_as_its_last_value_as_in_postgresql():
    text = ('{"ops":[{"op_id":"o","table":"payment","row_id":"p","hlc":"' + STAMP + '","payload":{"id":"p",'
            '"amount":"drop table","amount":5}}]}')
    for body in (text, text.replace('"drop table"', "7")):
        (item,) = _same(body.encode())
        assert item.error is None and item.op.payload["amount"] == 5


_EACH_KIND = ['"x\\u0000"', '"x\\ud800"', '"' + "n" * 2001 + '"', '"' + "n" * 20001 + '"', '"' + "k" * 65 + '"',
              '"not json"', '"{\\"a\\": 1}"', '"[1]"', '"' + "[" * 40 + "]" * 40 + '"', "-1", "10001", "1000001",
              "-1000001", "10000000000001", "-10000000000001", "9223372036854775808", "1", "2", "true", "1.5",
              '"2026-01-01T00:00:00+02:00"', '"2999-01-01T00:00:00.000000Z"', '"1800-01-01T00:00:00.000000Z"',
              '"garbage"', '"owner"', '{"$b64": "!!"}', '{"$b64": "TVpNWk1a"}', '{"$b64": "iVBORw0KGgo="}', '""']


def test_one_hostile_value_in_a_whole_good_row_is_judged_as_the_checks_judge_it():
    """Every column of every table, each hostile value: the discriminating case for each check the
    structs state (a dropped bound, cap or check makes this fail; tried)."""
    checked = 0
    for table, spec in sorted(TABLES.items()):
        if table == "conflict_log":
            continue
        for column in spec.column_names:
            for value in _EACH_KIND:
                pairs = [(c, value if c == column else ('"r1"' if c == "id" else _good(c, table)))
                         for c in spec.column_names]
                op = _object([("op_id", '"o"'), ("table", _json(table)), ("row_id", '"r1"'), ("hlc", _json(STAMP)),
                              ("payload", _object(pairs))])
                _same(('{"ops":[' + op + "]}").encode())
                checked += 1
    assert checked > 3000

"""The till's push batch as it goes on the wire: the quicker encoding is byte for byte the one it replaced,
and the size cap cuts a batch where the row-by-row count did."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from app.sync import transport
from app.sync.push import encode


def _reference(rows) -> list[str]:
    """The encoding before (json.dumps of each text)."""
    return ['{"op_id":%s,"table":%s,"row_id":%s,"hlc":%s,"fields":%s,"payload":%s}'  # noqa: UP031
            % (json.dumps(op_id), json.dumps(table), json.dumps(row_id), json.dumps(stamp), fields, payload)
            for _, op_id, table, row_id, stamp, fields, payload in rows]


# any text: quotes, backslashes, control characters, NUL, non-ASCII, lone surrogates
_text = st.text(st.characters(codec=None), max_size=12)
_row = st.tuples(st.integers(1, 10**6), _text, _text, _text, _text, st.just('["name"]'), st.just('{"id":"x"}'))


@settings(max_examples=300, deadline=None)
@given(st.lists(_row, max_size=6))
def test_encoding_is_the_one_it_replaced_byte_for_byte(rows):
    encoded = encode(rows)
    assert encoded == _reference(rows)
    for text, row in zip(encoded, rows, strict=True):
        op = json.loads(text)
        assert (op["op_id"], op["table"], op["row_id"], op["hlc"]) == row[1:5]


def test_a_value_that_is_not_text_is_encoded_as_before():
    rows = [(1, "op", "bill", 42, "0001-00000-t", "[]", '{"id":42}')]
    assert encode(rows) == _reference(rows)


def _cut_row_by_row(rows, limit):
    total = 0
    for n, row in enumerate(rows):
        total += len(row[-1] or "") + 200
        if total > limit and n > 0:
            return rows[:n]
    return rows


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=50)), max_size=30), st.integers(0, 2500))
def test_size_cap_cuts_where_the_row_by_row_count_did(payloads, limit):
    rows = [(n, p) for n, p in enumerate(payloads)]
    assert transport.within_bytes(rows, limit=limit) == _cut_row_by_row(rows, limit)

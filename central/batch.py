"""What one writing transaction of the store (a push, a head-office edit) reads and is about to write.

Every writing transaction first locks the shop's row (``SELECT ... FOR UPDATE``) and takes its versions
from the shop's counter, so versions become visible strictly in order. Rows and unique keys are read in
one statement per kind for the whole batch, decided in memory, and written back together (``flush``).
"""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass, field

from central import wire
from central.merge import Conflict, Current
from central.tables import TableSpec, unique_values
from db.hlc import HybridClock
from db.ids import new_id

HQ = "hq"
SERVER = "server"
HQ_CLOCK = HybridClock(node=HQ)  # stamps head-office edits; observes every stamp pushed by a till


class StoreError(Exception):
    status = 400


class NotFoundError(StoreError):
    status = 404


class ConflictError(StoreError):
    status = 409


_VERSION = operator.itemgetter(3)  # of a sync_row tuple written by flush
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode  # one encoder, not one per row


def text_array(values) -> str | list:
    """``values`` (texts) as one PostgreSQL array literal, for ``= ANY(%s::text[])``: written by the C JSON
    encoder instead of psycopg's array dumper, which works element by element in Python. A JSON list of
    strings with no backslash in it (no quote, backslash or control character to escape) is, between
    braces, the array literal of the same texts; any other list is passed as a list."""
    text = _dumps(values if isinstance(values, list) else list(values))
    return "{" + text[1:-1] + "}" if "\\" not in text else list(values)


@dataclass
class Batch:
    """What one push transaction has read and is about to write."""

    shop_id: str
    version: int
    rows: dict = field(default_factory=dict)  # (tbl, id) -> Current
    stored: set = field(default_factory=set)  # (tbl, id) of rows that exist in the database
    dirty: dict = field(default_factory=dict)  # (tbl, id) of rows to write, in the order first written
    keys: dict = field(default_factory=dict)  # (tbl, key, val) -> row_id
    keys_stored: set = field(default_factory=set)  # (tbl, key, val) found in the database
    keys_added: set = field(default_factory=set)
    keys_removed: set = field(default_factory=set)
    sent: dict = field(default_factory=dict)  # (tbl, id) -> (payload text as pushed, the row it decodes to)

    def next_version(self) -> int:
        self.version += 1
        return self.version

    def write(self, tbl: str, row_id: str, data: dict, stamps, origin: str) -> int:
        version = self.next_version()
        data = dict(data)
        data["server_version"] = version
        self.rows[(tbl, row_id)] = Current(data, stamps, version, origin)
        self.dirty[(tbl, row_id)] = None
        return version


def lock_shop(conn, shop_id: str) -> int:
    row = conn.execute("SELECT version FROM shop WHERE id = %s FOR UPDATE", (shop_id,)).fetchone()
    if row is None:
        raise NotFoundError("unknown shop")
    return row[0]


def load_rows(conn, batch: Batch, pairs: list[tuple[str, str]]) -> None:
    """The stored rows of ``pairs`` (table, id), in one statement for every table. A pair the batch holds
    already (read before, or written by this batch) is not read again: the batch's own write stands (a
    refused row versioned again for its till must not fall back to its stored version)."""
    wanted = {pair for pair in pairs if pair not in batch.rows}
    if not wanted:
        return
    cur = conn.execute("SELECT tbl, id, version, origin, stamps, data FROM sync_row "
                       "WHERE shop_id = %s AND tbl = ANY(%s) AND id = ANY(%s::text[])",
                       (batch.shop_id, list({t for t, _ in wanted}), text_array({i for _, i in wanted})))
    for tbl, row_id, version, origin, stamps, data in cur:
        if (tbl, row_id) in wanted:  # the same id in another table is not one of the pairs
            batch.rows[(tbl, row_id)] = Current(data, stamps, version, origin)
            batch.stored.add((tbl, row_id))


def load_keys(conn, batch: Batch, wanted: set[tuple[str, str, str]]) -> None:
    by_key: dict[tuple[str, str], list[str]] = {}
    for tbl, key, val in wanted:
        by_key.setdefault((tbl, key), []).append(val)
    for (tbl, key), vals in by_key.items():
        cur = conn.execute("SELECT val, row_id FROM sync_key WHERE shop_id = %s AND tbl = %s AND key = %s "
                           "AND val = ANY(%s::text[])", (batch.shop_id, tbl, key, text_array(vals)))
        for val, row_id in cur:
            batch.keys[(tbl, key, val)] = row_id
            batch.keys_stored.add((tbl, key, val))


def clashes_of(batch: Batch, spec: TableSpec, row_id: str, data: dict) -> list[tuple[str, str, str]]:
    """Unique (key, value, owner) pairs of ``data`` that another row of the shop already holds."""
    out = []
    for key, val in unique_values(spec, data):
        owner = batch.keys.get((spec.name, key, val))
        if owner is not None and owner != row_id:
            out.append((key, val, owner))
    return out


def move_keys(batch: Batch, spec: TableSpec, row_id: str, old: dict | None, new: dict) -> None:
    before = set(unique_values(spec, old)) if old else set()
    after = set(unique_values(spec, new))
    for key, val in before - after:
        if batch.keys.get((spec.name, key, val)) == row_id:
            del batch.keys[(spec.name, key, val)]
            batch.keys_removed.add((spec.name, key, val, row_id))
            batch.keys_added.discard((spec.name, key, val, row_id))
    for key, val in after - before:
        batch.keys[(spec.name, key, val)] = row_id
        batch.keys_added.add((spec.name, key, val, row_id))
        batch.keys_removed.discard((spec.name, key, val, row_id))


def conflict_row(conflict: Conflict) -> dict:
    return {
        "id": new_id(), "at": wire.now_text(), "table_name": conflict.table, "row_id": conflict.row_id,
        "field": conflict.field, "winner": wire.json_text(conflict.winner), "loser": wire.json_text(conflict.loser),
        "winner_stamp": conflict.winner_stamp, "loser_stamp": conflict.loser_stamp,
    }


def _as_sent(batch: Batch, key: tuple[str, str], data: dict) -> str | None:
    """The row's JSON as the till sent it, with the server's version added, when the row to store is
    exactly the row that text decodes to (a new bill, line, payment...): no need to serialise it again.
    A key sent twice keeps the last value in PostgreSQL's jsonb, as in the row decoded from the text."""
    sent = batch.sent.get(key)
    if sent is None:
        return None
    text, row = sent
    row["server_version"] = version = data["server_version"]
    if row != data:
        return None
    return f'{text[:-1]},"server_version":{version}}}'


def flush(conn, batch: Batch, op_records: list[tuple]) -> None:
    """Write what the batch decided. Every writer holds the shop's row lock, so rows not found when the
    batch loaded them are new: those, and the operation records, go in by COPY."""
    updates, inserts = [], []
    for key in batch.dirty:
        row = batch.rows[key]
        values = (batch.shop_id, key[0], key[1], row.version, row.origin,
                  None if row.stamps is None else _dumps(row.stamps), _as_sent(batch, key, row.data) or _dumps(row.data))
        (updates if key in batch.stored else inserts).append(values)
    with conn.cursor() as cur:
        if updates:
            cur.executemany(
                "UPDATE sync_row SET version = %s, origin = %s, stamps = %s::jsonb, data = %s::jsonb "
                "WHERE shop_id = %s AND tbl = %s AND id = %s",
                [(v[3], v[4], v[5], v[6], v[0], v[1], v[2]) for v in updates])
        if inserts:
            # in version order (a row written twice in the batch keeps its first place in ``dirty``): the
            # version index and the heap are then written in sequence, and a till's time-ordered ids mostly
            # follow (PostgreSQL's CPU for the COPY; a pull reads consecutive versions from neighbouring pages)
            inserts.sort(key=_VERSION)
            with cur.copy("COPY sync_row (shop_id, tbl, id, version, origin, stamps, data) FROM STDIN") as copy:
                for values in inserts:
                    copy.write_row(values)
        if batch.keys_removed:
            cur.executemany("DELETE FROM sync_key WHERE shop_id = %s AND tbl = %s AND key = %s AND val = %s "
                            "AND row_id = %s", [(batch.shop_id, *k) for k in batch.keys_removed])
        moved = [k for k in batch.keys_added if k[:3] in batch.keys_stored]
        if moved:
            cur.executemany("INSERT INTO sync_key (shop_id, tbl, key, val, row_id) VALUES (%s, %s, %s, %s, %s) "
                            "ON CONFLICT (shop_id, tbl, key, val) DO UPDATE SET row_id = excluded.row_id",
                            [(batch.shop_id, *k) for k in moved])
        if len(moved) < len(batch.keys_added):
            with cur.copy("COPY sync_key (shop_id, tbl, key, val, row_id) FROM STDIN") as copy:
                for k in sorted(batch.keys_added):  # in key order, as the primary key's index is written
                    if k[:3] not in batch.keys_stored:
                        copy.write_row((batch.shop_id, *k))
        if op_records:
            with cur.copy("COPY sync_op (shop_id, op_id, till_id, result, reason) FROM STDIN") as copy:
                for record in op_records:
                    copy.write_row(record)
    conn.execute("UPDATE shop SET version = %s WHERE id = %s", (batch.version, batch.shop_id))

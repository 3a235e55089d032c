"""The shop's rows on the server: push (apply a batch of till changes), pull (changes since a cursor),
snapshot (every row at a version, page by page) and head-office edits.

Every writing transaction first locks the shop's row (``SELECT ... FOR UPDATE``) and takes its versions
from the shop's counter, so versions become visible strictly in order: a till that has seen version v has
seen every change up to v. Pages list rows table by table, column arrays under one column list, so a till
applies them with one prepared statement per table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass, field

import psycopg

from central import aliases, customer_rules, merge, refill, rowcheck, staff, validate, wire
from central.merge import DUPLICATE, OK, REJECTED, RETRY, Conflict, Current, Op, Outcome
from central.tables import (
    APPEND,
    APPEND_TABLES,
    CONFLICT_TABLE,
    MERGE,
    OFFICE,
    TABLE_ORDER,
    TABLES,
    TILL_WRITABLE,
    InvalidRow,
    TableSpec,
    normalise_row,
    unique_values,
)
from db import hlc
from db.hlc import HybridClock
from db.ids import new_id

log = logging.getLogger(__name__)

HQ = "hq"
SERVER = "server"
HQ_CLOCK = HybridClock(node=HQ)  # stamps head-office edits; observes every stamp pushed by a till
MAX_OPS = 5000


class StoreError(Exception):
    status = 400


class NotFoundError(StoreError):
    status = 404


class ConflictError(StoreError):
    status = 409


# wall milliseconds (13 digits), counter (5 digits), node: fixed widths keep text order = clock order
_STAMP = re.compile(r"\d{13}-\d{5}-[^\x00]{1,64}")
_OBSERVE_AHEAD_MS = 24 * 3600 * 1000


def observe(stamps: list[str]) -> None:
    """The head office's clock follows the tills' stamps, but not one from a clock more than a day ahead
    (such an op is kept; it just cannot drag the head office's edits into the future). Following the
    latest of a push's stamps is following each of them."""
    limit = f"{int(time.time() * 1000) + min(_OBSERVE_AHEAD_MS, hlc.MAX_AHEAD_MS):013d}"
    latest = max((s for s in stamps if s[:13] <= limit), default=None)  # fixed widths: text order = clock order
    if latest is not None:
        HQ_CLOCK.observe(latest)


_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode  # one encoder, not one per row


# --- push -------------------------------------------------------------------------------------------------


def parse_op(raw: dict) -> Op:
    """A pushed operation, checked: known table, id consistent, every value fits its column."""
    table = raw.get("table")
    spec = TABLES.get(table) if isinstance(table, str) else None
    if spec is None or table not in TILL_WRITABLE:
        raise InvalidRow(f"unknown table '{table}'")
    payload = raw.get("payload")
    if not isinstance(payload, dict):
        raise InvalidRow("the payload is not a row")
    row, refused = rowcheck.parse_row(spec, payload)
    if row["id"] != raw.get("row_id"):
        raise InvalidRow("row_id does not match the payload's id")
    stamp = raw.get("hlc")
    if not isinstance(stamp, str) or not _STAMP.fullmatch(stamp):
        raise InvalidRow(f"{stamp!r} is not a hybrid clock stamp")
    fields = raw.get("fields") or []
    if not isinstance(fields, list):
        raise InvalidRow("fields must be a list of column names")
    if not spec.columns.keys() >= set(fields):
        unknown = sorted(str(f) for f in set(fields) - spec.columns.keys())
        raise InvalidRow(f"{table} has no column(s) {', '.join(unknown)}")
    return Op(raw["op_id"], table, row["id"], stamp, fields, row, refused)


@dataclass
class _Batch:
    """What one push transaction has read and is about to write."""

    shop_id: str
    version: int
    rows: dict = field(default_factory=dict)  # (tbl, id) -> Current
    stored: set = field(default_factory=set)  # (tbl, id) of rows that exist in the database
    dirty: set = field(default_factory=set)
    keys: dict = field(default_factory=dict)  # (tbl, key, val) -> row_id
    keys_stored: set = field(default_factory=set)  # (tbl, key, val) found in the database
    keys_added: set = field(default_factory=set)
    keys_removed: set = field(default_factory=set)

    def next_version(self) -> int:
        self.version += 1
        return self.version

    def write(self, tbl: str, row_id: str, data: dict, stamps, origin: str) -> int:
        version = self.next_version()
        data = dict(data)
        data["server_version"] = version
        self.rows[(tbl, row_id)] = Current(data, stamps, version, origin)
        self.dirty.add((tbl, row_id))
        return version


def _lock_shop(conn, shop_id: str) -> int:
    row = conn.execute("SELECT version FROM shop WHERE id = %s FOR UPDATE", (shop_id,)).fetchone()
    if row is None:
        raise NotFoundError("unknown shop")
    return row[0]


def _load_rows(conn, batch: _Batch, pairs: list[tuple[str, str]]) -> None:
    """The stored rows of ``pairs`` (table, id), in one statement for every table."""
    wanted = set(pairs)
    if not wanted:
        return
    cur = conn.execute("SELECT tbl, id, version, origin, stamps, data FROM sync_row "
                       "WHERE shop_id = %s AND tbl = ANY(%s) AND id = ANY(%s)",
                       (batch.shop_id, list({t for t, _ in wanted}), list({i for _, i in wanted})))
    for tbl, row_id, version, origin, stamps, data in cur:
        if (tbl, row_id) in wanted:  # the same id in another table is not one of the pairs
            batch.rows[(tbl, row_id)] = Current(data, stamps, version, origin)
            batch.stored.add((tbl, row_id))


def _load_keys(conn, batch: _Batch, wanted: set[tuple[str, str, str]]) -> None:
    by_key: dict[tuple[str, str], list[str]] = {}
    for tbl, key, val in wanted:
        by_key.setdefault((tbl, key), []).append(val)
    for (tbl, key), vals in by_key.items():
        cur = conn.execute("SELECT val, row_id FROM sync_key WHERE shop_id = %s AND tbl = %s AND key = %s "
                           "AND val = ANY(%s)", (batch.shop_id, tbl, key, vals))
        for val, row_id in cur:
            batch.keys[(tbl, key, val)] = row_id
            batch.keys_stored.add((tbl, key, val))


def _clashes(batch: _Batch, spec: TableSpec, row_id: str, data: dict) -> list[tuple[str, str, str]]:
    """Unique (key, value, owner) pairs of ``data`` that another row of the shop already holds."""
    out = []
    for key, val in unique_values(spec, data):
        owner = batch.keys.get((spec.name, key, val))
        if owner is not None and owner != row_id:
            out.append((key, val, owner))
    return out


def _move_keys(batch: _Batch, spec: TableSpec, row_id: str, old: dict | None, new: dict) -> None:
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


def _resolve_clash(batch: _Batch, spec: TableSpec, current: Current | None, op: Op, out: Outcome,
                   clashes: list[tuple[str, str, str]]) -> Outcome:
    """A change that would give this row a unique value another row holds (a phone, a code, a name)."""
    described = ", ".join(f"{key.replace('_id', '')} {val!r}" for key, val, _ in clashes)
    if spec.name == "bill" and current is None:  # never refuse a sale for its receipt number
        return refill.accept_clashing_bill(op, out, clashes[0][2])
    if spec.policy == OFFICE and current is None:  # the same name created on two offline tills
        alias = aliases.keep_as_alias(batch, spec, op, out, clashes)
        if alias is not None:
            return alias
    if spec.policy != MERGE:
        return Outcome(REJECTED, f"{described} already belongs to another {spec.name.replace('_', ' ')}")
    columns = [c for key, _, _ in clashes for c in key.split("+")]
    if current is None:
        if spec.name == "customer" and all(spec.columns[c].nullable for c in columns):
            # The same person added on two tills while offline: the later one is merged into the first.
            owner = clashes[0][2]
            data = dict(out.data)
            for column in columns:
                data[column] = None
            data["merged_into_id"] = owner  # as app/merge.py does: inactive, out of search, bills kept
            data["status"] = "inactive"
            conflicts = [Conflict(spec.name, op.row_id, c, {"kept_by": owner}, op.payload[c], "", op.hlc)
                         for c in columns]
            return Outcome(OK, data=data, stamps=out.stamps, conflicts=conflicts, origin=out.origin)
        return Outcome(REJECTED, f"{described} already belongs to another {spec.name.replace('_', ' ')}")
    # An edit: the clashing columns keep their stored value; the rest of the edit stands.
    data, stamps = dict(out.data), dict(out.stamps or {})
    conflicts = list(out.conflicts)
    for column in columns:
        data[column] = current.data.get(column)
        if current.stamps and column in current.stamps:
            stamps[column] = current.stamps[column]
        conflicts.append(Conflict(spec.name, op.row_id, column, current.data.get(column), op.payload[column],
                                  (current.stamps or {}).get(column, [""])[0], op.hlc))
    return Outcome(OK, data=data, stamps=stamps, conflicts=conflicts, origin=out.origin)


def _conflict_row(conflict: Conflict) -> dict:
    return {
        "id": new_id(), "at": wire.now_text(), "table_name": conflict.table, "row_id": conflict.row_id,
        "field": conflict.field, "winner": wire.json_text(conflict.winner), "loser": wire.json_text(conflict.loser),
        "winner_stamp": conflict.winner_stamp, "loser_stamp": conflict.loser_stamp,
    }


def _flush(conn, batch: _Batch, op_records: list[tuple]) -> None:
    """Write what the batch decided. Every writer holds the shop's row lock, so rows not found when the
    batch loaded them are new: those, and the operation records, go in by COPY."""
    updates, inserts = [], []
    for key in batch.dirty:
        row = batch.rows[key]
        values = (batch.shop_id, key[0], key[1], row.version, row.origin,
                  None if row.stamps is None else _dumps(row.stamps), _dumps(row.data))
        (updates if key in batch.stored else inserts).append(values)
    with conn.cursor() as cur:
        if updates:
            cur.executemany(
                "UPDATE sync_row SET version = %s, origin = %s, stamps = %s::jsonb, data = %s::jsonb "
                "WHERE shop_id = %s AND tbl = %s AND id = %s",
                [(v[3], v[4], v[5], v[6], v[0], v[1], v[2]) for v in updates])
        if inserts:
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
                for k in batch.keys_added:
                    if k[:3] not in batch.keys_stored:
                        copy.write_row((batch.shop_id, *k))
        if op_records:
            with cur.copy("COPY sync_op (shop_id, op_id, till_id, result, reason) FROM STDIN") as copy:
                for record in op_records:
                    copy.write_row(record)
    conn.execute("UPDATE shop SET version = %s WHERE id = %s", (batch.version, batch.shop_id))


def push(conn: psycopg.Connection, shop_id: str, till_id: str, raw_ops: list[dict]) -> tuple[list[dict], int]:
    """Apply a batch of till operations in this transaction. Returns (answers in order, shop version)."""
    parsed: dict[str, Op] = {}
    invalid: dict[str, str] = {}
    for raw in raw_ops:
        try:
            parsed[raw["op_id"]] = parse_op(raw)
        except InvalidRow as exc:
            invalid[raw["op_id"]] = str(exc)
    batch = _Batch(shop_id, _lock_shop(conn, shop_id))
    validate.screen(conn, batch, till_id, parsed, invalid)  # roles, meaning, references (central/validate.py)
    stored = {op_id: (result, reason) for op_id, result, reason in conn.execute(
        "SELECT op_id, result, reason FROM sync_op WHERE shop_id = %s AND op_id = ANY(%s)",
        (shop_id, [raw["op_id"] for raw in raw_ops]))}

    answers: dict[str, dict] = {}
    records: list[tuple] = []
    todo: list[Op] = []
    for raw in raw_ops:
        op_id = raw["op_id"]
        if op_id in stored:
            result, reason = stored[op_id]
            answers[op_id] = {"result": DUPLICATE if result == OK else result, "reason": reason}
        elif op_id in answers:
            continue  # the same op twice in one batch: the first one's answer stands
        elif op_id in invalid:
            answers[op_id] = {"result": REJECTED, "reason": invalid[op_id]}
            records.append((shop_id, op_id, till_id, REJECTED, invalid[op_id]))
        else:
            answers[op_id] = {"result": RETRY, "reason": "not processed"}
            todo.append(parsed[op_id])

    _load_rows(conn, batch, list({(op.table, op.row_id) for op in todo} | refill.parents(todo)))
    wanted = set()
    for op in todo:
        spec = TABLES[op.table]
        wanted.update((op.table, key, val) for key, val in unique_values(spec, op.payload))
        current = batch.rows.get((op.table, op.row_id))
        if current is not None:
            wanted.update((op.table, key, val) for key, val in unique_values(spec, current.data))
    _load_keys(conn, batch, wanted)
    customer_rules.preload(conn, batch, todo, _load_rows)
    aliases.preload(conn, batch, todo)

    observe([op.hlc for op in todo])
    for op in todo:
        try:
            answer = _apply_op(batch, op, till_id)
        except Exception:  # a bug must not quarantine a sale: the till keeps it and tries again later
            log.exception("push: op %s on %s/%s failed", op.op_id, op.table, op.row_id)
            answer = {"result": RETRY, "reason": "the central store could not apply this change yet"}
        answers[op.op_id] = answer
        if answer["result"] in (OK, REJECTED):
            records.append((shop_id, op.op_id, till_id, answer["result"], answer.get("reason")))
    _flush(conn, batch, records)
    aliases.flush(conn, batch)
    refill.note_receipts(conn, shop_id, [batch.rows[("bill", op.row_id)].data for op in todo
                                         if op.table == "bill" and answers[op.op_id]["result"] == OK])
    out = [{"op_id": raw["op_id"], "result": answers[raw["op_id"]]["result"],
            "reason": answers[raw["op_id"]].get("reason")} for raw in raw_ops]
    return out, batch.version


def _apply_op(batch: _Batch, op: Op, till_id: str) -> dict:
    spec = TABLES[op.table]
    key = (op.table, op.row_id)
    current = batch.rows.get(key)
    waiting = refill.waiting_for_bill(batch.rows, op)
    if waiting:
        return waiting
    repointed = aliases.repoint(batch, op)
    out = merge.decide(spec, current, op, till_id, batch.version + 1)
    if repointed and out.result == OK and spec.policy == APPEND:
        out.origin = aliases.SERVER  # its own till takes the re-pointed row back
    if out.result == OK and op.table == "customer":
        out = customer_rules.settle_customer(batch, op, out, batch.version + 1, current)
    elif out.result == OK and op.table in customer_rules.CHILDREN:
        out = customer_rules.settle_child(batch, op, out)
    if out.result == OK:
        clashes = _clashes(batch, spec, op.row_id, out.data)
        if clashes:
            out = _resolve_clash(batch, spec, current, op, out, clashes)
    if out.result == OK:
        _move_keys(batch, spec, op.row_id, current.data if current else None, out.data)
        batch.write(op.table, op.row_id, out.data, out.stamps, out.origin or till_id)
        revived = customer_rules.revive_for_bill(batch, op) if op.table == "bill" else None
        if revived:  # the later sale wins over a delete: the customer comes back, inactive
            batch.write("customer", op.payload["customer_id"], revived[0], revived[1], SERVER)
            out.conflicts.append(revived[2])
        for conflict in out.conflicts:
            row = _conflict_row(conflict)
            batch.write(CONFLICT_TABLE, row["id"], row, None, SERVER)
        return {"result": OK}
    if out.result == REJECTED:
        if current is not None and spec.policy != APPEND:
            # the till keeps a value the store refused: send it the store's row again
            batch.write(op.table, op.row_id, current.data, current.stamps, current.origin)
        return {"result": REJECTED, "reason": out.reason}
    return {"result": out.result}


# --- pull and snapshot ---------------------------------------------------------------------------------


def _groups_json(conn, shop_id: str, ids_by_table: dict[str, list[str]]) -> list[str]:
    groups = []
    for tbl in TABLE_ORDER:
        ids = ids_by_table.get(tbl)
        if not ids:
            continue
        rows = conn.execute("SELECT data::text FROM sync_row WHERE shop_id = %s AND tbl = %s AND id = ANY(%s)",
                            (shop_id, tbl, ids)).fetchall()
        groups.append(_group(TABLES[tbl], [r[0] for r in rows]))
    return groups


def _group(spec: TableSpec, row_texts: list[str]) -> str:
    """One table's rows as stored (column -> value objects: PostgreSQL sends its JSONB as text, which is
    cheaper than building arrays; the till puts the values in its own column order), with the columns the
    store knows for the table."""
    return f'{{"table":{_dumps(spec.name)},"columns":{_dumps(spec.column_names)},"rows":[{",".join(row_texts)}]}}'


def shop_version(conn, shop_id: str) -> int:
    row = conn.execute("SELECT version FROM shop WHERE id = %s", (shop_id,)).fetchone()
    if row is None:
        raise NotFoundError("unknown shop")
    return row[0]


def pull(conn: psycopg.Connection, shop_id: str, till_id: str, cursor: int, limit: int) -> bytes:
    """Changes after ``cursor`` (run in a REPEATABLE READ transaction: one consistent view). The till's
    own append-only rows are left out: it wrote them."""
    version = shop_version(conn, shop_id)
    served, receipt_high = refill.till_state(conn, shop_id, till_id)
    if cursor > served:  # the till has seen changes this store no longer holds: restored from a backup
        return refill.restored_page(version, served, receipt_high)
    rows = conn.execute(
        "SELECT tbl, id, version FROM sync_row WHERE shop_id = %s AND version > %s "
        "AND NOT (origin = %s AND tbl = ANY(%s)) ORDER BY version LIMIT %s",
        (shop_id, cursor, till_id, APPEND_TABLES, limit)).fetchall()
    has_more = len(rows) == limit
    next_cursor = rows[-1][2] if has_more else version
    by_table: dict[str, list[str]] = {}
    for tbl, row_id, _ in rows:
        by_table.setdefault(tbl, []).append(row_id)
    groups = _groups_json(conn, shop_id, by_table)
    more = "true" if has_more else "false"
    return (f'{{"cursor":{next_cursor},"has_more":{more},"shop_version":{version},"count":{len(rows)},'
            f'"receipt_high":{receipt_high},"tables":[{",".join(groups)}]}}').encode()


def snapshot(conn: psycopg.Connection, shop_id: str, at: int | None, table: str | None, after: str,
             limit: int) -> bytes:
    """Every row whose latest version is at most ``at``, table by table in dependency order, keyed by id
    so a cut download resumes where it stopped. Rows changed after ``at`` come with the pull from ``at``."""
    version = shop_version(conn, shop_id)
    at = version if at is None else at
    if at > version:
        raise ConflictError(f"version {at} does not exist yet (the shop is at {version})")
    if table is not None and table not in TABLES:
        raise StoreError(f"unknown table '{table}'")
    start = TABLE_ORDER.index(table) if table else 0
    groups, left, next_key = [], limit, None
    for index in range(start, len(TABLE_ORDER)):
        tbl = TABLE_ORDER[index]
        spec = TABLES[tbl]
        first = after if (table and index == start) else ""
        rows = conn.execute(
            "SELECT id, data::text FROM sync_row WHERE shop_id = %s AND tbl = %s AND id > %s "
            "AND version <= %s ORDER BY id LIMIT %s", (shop_id, tbl, first, at, left)).fetchall()
        if rows:
            groups.append(_group(spec, [r[1] for r in rows]))
            left -= len(rows)
        if left == 0:
            next_key = {"table": tbl, "after": rows[-1][0]}
            break
    return f'{{"version":{at},"next":{_dumps(next_key)},"tables":[{",".join(groups)}]}}'.encode()


def checksum(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# --- head-office edits ------------------------------------------------------------------------------------


def _office_spec(table: str) -> TableSpec:
    spec = TABLES.get(table)
    if spec is None or spec.policy != OFFICE:
        offices = ", ".join(t for t in TABLE_ORDER if TABLES[t].policy == OFFICE)
        raise NotFoundError(f"'{table}' is not a head-office table (those are: {offices})")
    return spec


def _natural_to_wire(table: str, values: dict) -> dict:
    """Head-office input is natural values (JSON settings as JSON, times as ISO text); convert them to the
    column values a till stores (the wire schema's formats, central/wire.py)."""
    columns = TABLES[table].columns
    out = {}
    for column, value in values.items():
        col = columns.get(column)
        if col is None:
            raise InvalidRow(f"{table} has no column '{column}'")
        if column in ("server_version", "updated_at"):
            raise InvalidRow(f"{column} is kept by the central store")
        if col.kind == "json":
            out[column] = wire.json_text(value)
        elif col.kind == "time" and value is not None:
            try:
                out[column] = wire.time_text(value if isinstance(value, str) else str(value))
            except (ValueError, TypeError):
                raise InvalidRow(f"{table}.{column} must be an ISO date-time") from None
        else:
            out[column] = value
    if "name" in out and "name_norm" in columns and "name_norm" not in values and isinstance(out["name"], str):
        from app.text import normalise_name

        out["name_norm"] = normalise_name(out["name"])
    return out


def admin_rows(conn, shop_id: str, table: str, after: str, limit: int, include_deleted: bool) -> list[dict]:
    _office_spec(table)
    rows = conn.execute(
        "SELECT data FROM sync_row WHERE shop_id = %s AND tbl = %s AND id > %s "
        + ("" if include_deleted else "AND data->>'deleted_at' IS NULL ") + "ORDER BY id LIMIT %s",
        (shop_id, table, after, limit)).fetchall()
    return [r[0] for r in rows]


def admin_row(conn, shop_id: str, table: str, row_id: str) -> dict:
    _office_spec(table)
    row = conn.execute("SELECT data FROM sync_row WHERE shop_id = %s AND tbl = %s AND id = %s",
                       (shop_id, table, row_id)).fetchone()
    if row is None:
        raise NotFoundError(f"no {table} with id {row_id}")
    return row[0]


def admin_write(conn: psycopg.Connection, shop_id: str, table: str, row_id: str | None, values: dict,
                *, delete: bool = False) -> dict:
    """A head-office edit (insert, partial update, or tombstone): applied as decided, stamped with the
    head office's clock, versioned like any change, and pulled by every till of the shop."""
    spec = _office_spec(table)
    if not isinstance(values, dict):
        raise InvalidRow("the body must be an object of column values")
    if table == "user":
        values = staff.admin_values(conn, shop_id, row_id, values)  # a clear PIN hashed as tills do
    given = _natural_to_wire(table, values)
    if row_id is None:
        row_id = str(given.get("id") or new_id())
    if given.get("id", row_id) != row_id:
        raise InvalidRow("the id in the body differs from the id in the path")
    batch = _Batch(shop_id, _lock_shop(conn, shop_id))
    _load_rows(conn, batch, [(table, row_id)])
    current = batch.rows.get((table, row_id))
    if current is None and delete:
        raise NotFoundError(f"no {table} with id {row_id}")
    base = dict(current.data) if current else {}
    base.update(given)
    base["id"] = row_id
    stamp = HQ_CLOCK.now()
    base["updated_at"] = stamp
    if delete:
        base["deleted_at"] = wire.now_text()
    data = normalise_row(spec, base)
    missing = [c for c, col in spec.columns.items() if data[c] is None and not col.nullable]
    if missing:
        raise InvalidRow(f"a new {table} needs {', '.join(missing)}")
    try:
        validate.check_row(spec, data)
    except validate.Refused as exc:
        raise InvalidRow(str(exc)) from None
    for column, target in spec.references.items():
        ref = data.get(column)
        if ref is not None and (target, ref) not in batch.rows:
            _load_rows(conn, batch, [(target, ref)])
            if (target, ref) not in batch.rows:
                raise InvalidRow(f"{column} {ref!r} is not a {target} of this shop")
    wanted = {(table, k, v) for k, v in unique_values(spec, data)}
    if current:
        wanted |= {(table, k, v) for k, v in unique_values(spec, current.data)}
    _load_keys(conn, batch, wanted)
    clashes = _clashes(batch, spec, row_id, data)
    if clashes:
        raise ConflictError(", ".join(f"{k} {v!r}" for k, v, _ in clashes)
                            + f" already belongs to another {table.replace('_', ' ')}")
    _move_keys(batch, spec, row_id, current.data if current else None, data)
    batch.write(table, row_id, data, None, HQ)
    _flush(conn, batch, [])
    return batch.rows[(table, row_id)].data


def shop_rows(conn, shop_id: str, table: str) -> dict[str, dict]:
    """Every row of one table of a shop (tests and tools compare tills against this)."""
    return {row_id: data for row_id, data in conn.execute(
        "SELECT id, data FROM sync_row WHERE shop_id = %s AND tbl = %s", (shop_id, table))}


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat()

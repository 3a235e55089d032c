"""Push: a batch of a till's operations applied in one transaction, each answered (ok, duplicate, rejected,
retry). Idempotent by operation id; a document (a bill with its lines, payments and ledger entries) is
accepted whole; every row is checked before anything is decided (central/rowcheck.py, central/validate.py).
"""

from __future__ import annotations

import logging
import time

import psycopg

from central import (
    aliases,
    customer_rules,
    merge,
    op_records,
    push_fast,
    push_order,
    refill,
    rowcheck,
    validate,
)
from central.batch import (
    HQ_CLOCK,
    SERVER,
    Batch,
    clashes_of,
    conflict_row,
    flush,
    load_keys,
    load_rows,
    lock_shop,
    move_keys,
)
from central.merge import DUPLICATE, OK, REJECTED, RETRY, Conflict, Current, Op, Outcome
from central.tables import (
    APPEND,
    CONFLICT_TABLE,
    MERGE,
    OFFICE,
    TABLES,
    TILL_WRITABLE,
    InvalidRow,
    TableSpec,
    unique_values,
)
from db import hlc

log = logging.getLogger(__name__)

_OBSERVE_AHEAD_MS = 24 * 3600 * 1000


def observe(stamps: list[str]) -> None:
    """The head office's clock follows the tills' stamps, but not one from a clock more than a day ahead
    (such an op is kept; it just cannot drag the head office's edits into the future). Following the
    latest of a push's stamps is following each of them."""
    limit = f"{int(time.time() * 1000) + min(_OBSERVE_AHEAD_MS, hlc.MAX_AHEAD_MS):013d}"
    latest = max((s for s in stamps if s[:13] <= limit), default=None)  # fixed widths: text order = clock order
    if latest is not None:
        HQ_CLOCK.observe(latest)


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
    return op_of(raw["op_id"], spec, table, row, raw.get("row_id"), raw.get("hlc"), raw.get("fields") or [],
                 refused)


_COLUMN_SETS = {name: frozenset(spec.columns) for name, spec in TABLES.items()}


def _column_set(spec: TableSpec) -> frozenset:
    names = _COLUMN_SETS.get(spec.name)
    return names if names is not None and TABLES[spec.name] is spec else frozenset(spec.columns)


def op_of(op_id: str, spec: TableSpec, table: str, row: dict, row_id, stamp, fields, refused: str | None) -> Op:
    """The checks of an operation past its row (``parse_op``'s, and central/push_fast.py's)."""
    if row["id"] != row_id:
        raise InvalidRow("row_id does not match the payload's id")
    if not hlc.well_formed(stamp) or "\x00" in stamp:  # PostgreSQL text holds no NUL
        raise InvalidRow(f"{stamp!r} is not a hybrid clock stamp")
    if not isinstance(fields, list):
        raise InvalidRow("fields must be a list of column names")
    if not _column_set(spec).issuperset(fields):
        unknown = sorted(str(f) for f in set(fields) - spec.columns.keys())
        raise InvalidRow(f"{table} has no column(s) {', '.join(unknown)}")
    return Op(op_id, table, row["id"], stamp, fields, row, refused)


def _resolve_clash(batch: Batch, spec: TableSpec, current: Current | None, op: Op, out: Outcome,
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


def push(conn: psycopg.Connection, shop_id: str, till_id: str, raw_ops: list[dict] | push_fast.Parsed,
         order: push_order.Order | None = None) -> tuple[list[dict], int]:
    """Apply a batch of till operations in this transaction (given as plain JSON objects, or as
    central/push_fast.py parsed them), after the batch ``order`` names (central/push_order.py).
    Returns (answers in order, shop version)."""
    items = raw_ops if isinstance(raw_ops, push_fast.Parsed) else push_fast.prepare(raw_ops)
    parsed: dict[str, Op] = {}
    invalid: dict[str, str] = {}
    sent: dict[str, tuple[str, dict]] = {}
    for item in items:
        if item.error is None:
            parsed[item.op_id] = item.op
            if item.text is not None:
                sent[item.op_id] = (item.text, item.sent)
        else:
            invalid[item.op_id] = item.error
    op_ids = [item.op_id for item in items]
    batch = Batch(shop_id, lock_shop(conn, shop_id))
    push_order.claim(conn, shop_id, till_id, order)  # raises NotYet before anything is read or changed
    role = validate.screen(conn, batch, till_id, parsed, invalid)  # roles, meaning, references (validate.py)
    stored, record_keys = op_records.stored(conn, shop_id, till_id, op_ids)  # this till's answers only

    answers: dict[str, dict] = {}
    records: list[tuple] = []
    todo: list[Op] = []
    for item in items:
        op_id = item.op_id
        if op_id in stored:
            result, reason = stored[op_id]
            answers[op_id] = {"result": DUPLICATE if result == OK else result, "reason": reason}
        elif op_id in answers:
            continue  # the same op twice in one batch: the first one's answer stands
        elif op_id in invalid:
            answers[op_id] = {"result": REJECTED, "reason": invalid[op_id]}
            records.append((shop_id, record_keys.get(op_id, op_id), till_id, REJECTED, invalid[op_id]))
        else:
            answers[op_id] = {"result": RETRY, "reason": "not processed"}
            todo.append(parsed[op_id])
            if op_id in sent:  # stored as sent if the row written is the row sent (batch.flush)
                batch.sent[(parsed[op_id].table, parsed[op_id].row_id)] = sent[op_id]

    load_rows(conn, batch, list({(op.table, op.row_id) for op in todo} | refill.parents(todo)))
    wanted = set()
    for op in todo:
        spec = TABLES[op.table]
        wanted.update((op.table, key, val) for key, val in unique_values(spec, op.payload))
        current = batch.rows.get((op.table, op.row_id))
        if current is not None:
            wanted.update((op.table, key, val) for key, val in unique_values(spec, current.data))
    load_keys(conn, batch, wanted)
    customer_rules.preload(conn, batch, todo, load_rows)
    aliases.preload(conn, batch, todo)

    observe([op.hlc for op in todo])
    for op in todo:
        try:
            answer = _apply_op(batch, op, till_id, role.code)
        except Exception:  # a bug must not quarantine a sale: the till keeps it and tries again later
            log.exception("push: op %s on %s/%s failed", op.op_id, op.table, op.row_id)
            answer = {"result": RETRY, "reason": "the central store could not apply this change yet"}
        answers[op.op_id] = answer
        if answer["result"] in (OK, REJECTED):
            records.append((shop_id, record_keys.get(op.op_id, op.op_id), till_id, answer["result"],
                            answer.get("reason")))
    flush(conn, batch, [record for record in records if record[1] is not op_records.UNRECORDED])
    aliases.flush(conn, batch)
    refill.note_receipts(conn, shop_id, [batch.rows[("bill", op.row_id)].data for op in todo
                                         if op.table == "bill" and answers[op.op_id]["result"] == OK])
    out = [{"op_id": op_id, "result": answers[op_id]["result"], "reason": answers[op_id].get("reason")}
           for op_id in op_ids]
    return out, batch.version


def _apply_op(batch: Batch, op: Op, till_id: str, till_code: str) -> dict:
    spec = TABLES[op.table]
    key = (op.table, op.row_id)
    current = batch.rows.get(key)
    waiting = (refill.waiting_for_bill(batch.rows, op)
               or refill.foreign_bill(batch.rows, op, current, till_id, till_code)
               or refill.squatted_id(op, current))
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
    elif out.result == OK and op.table == "audit_log":
        out = customer_rules.settle_audit(batch, out)
    if out.result == OK:
        clashes = clashes_of(batch, spec, op.row_id, out.data)
        if clashes:
            out = _resolve_clash(batch, spec, current, op, out, clashes)
    if out.result == OK:
        move_keys(batch, spec, op.row_id, current.data if current else None, out.data)
        batch.write(op.table, op.row_id, out.data, out.stamps, out.origin or till_id)
        revived = customer_rules.revive_for_bill(batch, op) if op.table == "bill" else None
        if revived:  # the later sale wins over a delete: the customer comes back, inactive
            batch.write("customer", op.payload["customer_id"], revived[0], revived[1], SERVER)
            out.conflicts.append(revived[2])
        for conflict in out.conflicts:
            row = conflict_row(conflict)
            batch.write(CONFLICT_TABLE, row["id"], row, None, SERVER)
        return {"result": OK}
    if out.result == REJECTED:
        if current is not None and spec.policy != APPEND:
            # the till keeps a value the store refused: send it the store's row again
            batch.write(op.table, op.row_id, current.data, current.stamps, current.origin)
        return {"result": REJECTED, "reason": out.reason}
    return {"result": out.result}

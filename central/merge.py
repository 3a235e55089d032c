"""How the server decides one pushed change against the row it holds (pure functions, no database).

A merge row keeps, per column, the hybrid-clock stamp that set it and the shop version at which it was
set: the later stamp wins a column (stamps compare as text: wall time, counter, then till id), and when the
till that lost had not yet seen the winning value, the conflict is logged with both values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from central import erased_audit
from central.tables import APPEND, MERGE, OFFICE, SYSTEM_COLUMNS, TableSpec
from db.hlc import parse_stamp

OK, DUPLICATE, REJECTED, RETRY = "ok", "duplicate", "rejected", "retry"


@dataclass(slots=True)  # a push makes one per row it reads or writes: slots are smaller and quicker
class Current:
    data: dict
    stamps: dict | None
    version: int
    origin: str


@dataclass(slots=True)
class Op:
    op_id: str
    table: str
    row_id: str
    hlc: str
    fields: list[str]
    payload: dict  # the whole row, normalised (every column)
    refused: str | None = None  # why the row's values mean nothing a till can keep (central/rowcheck.py)

    @property
    def base(self) -> int:
        """The version of this row the till had seen when it made the change (0: never seen)."""
        value = self.payload.get("server_version")
        return value if isinstance(value, int) else 0


@dataclass
class Conflict:
    table: str
    row_id: str
    field: str
    winner: object
    loser: object
    winner_stamp: str
    loser_stamp: str


@dataclass
class Outcome:
    result: str
    reason: str | None = None
    data: dict | None = None  # the row to store (None: store nothing)
    stamps: dict | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    origin: str | None = None


def node_of(stamp: str) -> str:
    try:
        return parse_stamp(stamp)[2]
    except (ValueError, AttributeError):
        return ""


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def merge_columns(spec: TableSpec) -> list[str]:
    return [c for c in spec.columns if c not in SYSTEM_COLUMNS and c != "updated_at"]


def decide(spec: TableSpec, current: Current | None, op: Op, till_id: str, version: int) -> Outcome:
    """The answer to ``op`` from till ``till_id``; ``version`` is the version a write would get."""
    if spec.policy == APPEND:
        return _append(spec, current, op, till_id)
    if spec.policy == MERGE:
        return _merge(spec, current, op, till_id, version)
    if spec.policy == OFFICE:
        return _office(spec, current, op, till_id)
    raise AssertionError(spec.policy)


def _append(spec, current, op, till_id) -> Outcome:
    if current is None:
        return Outcome(OK, data=dict(op.payload), origin=till_id)
    stored = {k: v for k, v in current.data.items() if k != "server_version"}
    incoming = {k: v for k, v in op.payload.items() if k != "server_version"}
    if _same(stored, incoming):
        return Outcome(DUPLICATE)
    if spec.name == "loyalty_entry" and op.payload.get("kind") == "expire" == current.data.get("kind"):
        # the same earn entry expired on two tills: the first to arrive stands; the other till takes the
        # store's row when it pulls (app/loyalty_rules.expire_points)
        return Outcome(DUPLICATE)
    if spec.name == "audit_log" and erased_audit.same_entry_scrubbed(stored, incoming):
        # sent again by a till that erased the customer since: the store scrubs its own copy
        return Outcome(DUPLICATE)
    if spec.name == "bill" and op.payload.get("kind") == "void":
        return Outcome(REJECTED, f"the sale was already voided (as {current.data.get('receipt_no')}): this second "
                                 "void is refused; any refund it paid left the drawer twice and must be settled "
                                 "by a manager")
    if spec.name == "payment" and (op.payload.get("amount") or 0) < 0:
        return Outcome(REJECTED, f"refund of {-op.payload['amount']} (minor units, {op.payload.get('method')}) by a "
                                 "second void of a sale already voided: the money left the drawer twice; a "
                                 "manager must settle it")
    return Outcome(REJECTED, f"{spec.name} rows are append-only and this one is already recorded with "
                             "different content; write a new document (a void or a refund) instead")


def _merge(spec, current, op, till_id, version) -> Outcome:
    columns = merge_columns(spec)
    if current is None:
        data = dict(op.payload)
        stamps = {c: [op.hlc, version] for c in columns}
        return Outcome(OK, data=data, stamps=stamps, origin=till_id)
    data = dict(current.data)
    stamps = {k: list(v) for k, v in (current.stamps or {}).items()}
    conflicts = []
    incoming_node = node_of(op.hlc)
    for column in op.fields:
        if column not in spec.columns or column in SYSTEM_COLUMNS or column == "updated_at":
            continue
        stored_stamp, stored_version = stamps.get(column, ["", 0])
        stored, incoming = data.get(column), op.payload.get(column)
        concurrent = (stored_stamp and stored_version > op.base and node_of(stored_stamp) != incoming_node
                      and not _same(stored, incoming))
        if op.hlc > stored_stamp:
            data[column] = incoming
            stamps[column] = [op.hlc, version]
            if concurrent:
                conflicts.append(Conflict(spec.name, op.row_id, column, incoming, stored, op.hlc, stored_stamp))
        elif op.hlc < stored_stamp and concurrent:
            conflicts.append(Conflict(spec.name, op.row_id, column, stored, incoming, stored_stamp, op.hlc))
    data["updated_at"] = max(data.get("updated_at") or "", op.hlc)
    return Outcome(OK, data=data, stamps=stamps, conflicts=conflicts, origin=till_id)


def _office(spec, current, op, till_id) -> Outcome:
    if current is None:
        return Outcome(OK, data=dict(op.payload), origin=till_id)
    if current.origin != till_id and current.version > op.base:
        who = "the head office" if current.origin == "hq" else "another till"
        return Outcome(REJECTED, f"this {spec.name.replace('_', ' ')} was changed by {who} since this till "
                                 "last synced; the central version is kept")
    data = dict(current.data)
    for column in op.fields:
        if column in spec.columns and column not in SYSTEM_COLUMNS:
            data[column] = op.payload[column]
    data["updated_at"] = max(data.get("updated_at") or "", op.hlc)
    return Outcome(OK, data=data, origin=till_id)

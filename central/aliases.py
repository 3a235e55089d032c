"""The same head-office row created on two offline tills (issue 17, item 7): one row, everywhere.

A till may create a profile, category, price list, tier or preference definition while offline; another
till may create one under the same name. The first to reach the store is kept. The second is stored as a
tombstone (deleted, its unique text suffixed ``~<id tail>`` as a till's own clash handling does) with a
conflict record, and is an alias of the kept row: every reference to it that arrives (a customer's default
profile, a bill's profile ...) is re-pointed to the kept row. A bill re-pointed so is stored as the store's
(origin ``server``) so its own till receives the store's version too. Every node ends with the same rows:
the kept row, the tombstone, and references to the kept row only.
"""

from __future__ import annotations

from central.merge import OK, Conflict, Op, Outcome
from central.tables import OFFICE, TABLES

SERVER = "server"


def preload(conn, batch, todo: list[Op]) -> None:
    """The aliases the batch's references may name."""
    wanted = {}
    for op in todo:
        for column, target in TABLES[op.table].references.items():
            value = op.payload.get(column)
            if isinstance(value, str) and TABLES[target].policy == OFFICE:
                wanted.setdefault(target, set()).add(value)
    batch.aliases = {}
    batch.new_aliases = []
    if wanted:  # one statement for every table
        for tbl, row_id, kept in conn.execute(
                "SELECT tbl, id, kept_id FROM sync_alias WHERE shop_id = %s AND tbl = ANY(%s) AND id = ANY(%s)",
                (batch.shop_id, sorted(wanted), sorted(set().union(*wanted.values())))):
            if row_id in wanted[tbl]:
                batch.aliases[(tbl, row_id)] = kept


def repoint(batch, op: Op) -> bool:
    """Re-point the op's references to aliased rows (in place). Returns whether anything changed."""
    aliases = getattr(batch, "aliases", None)
    if not aliases:
        return False
    changed = False
    for column, target in TABLES[op.table].references.items():
        kept = aliases.get((target, op.payload.get(column)))
        if kept is not None:
            op.payload[column] = kept
            changed = True
    return changed


def keep_as_alias(batch, spec, op: Op, out: Outcome, clashes: list[tuple[str, str, str]]) -> Outcome | None:
    """A new head-office row whose unique text another row holds: a tombstone, alias of that row."""
    columns = [key for key, _, _ in clashes]
    if any("+" in key or spec.columns[key].kind != "text" for key in columns):
        return None
    owner = clashes[0][2]
    data = dict(out.data)
    for column in columns:
        data[column] = f"{data[column]}~{op.row_id[-8:]}"
    data["deleted_at"] = data.get("deleted_at") or _now_text()
    batch.aliases = getattr(batch, "aliases", {})
    batch.aliases[(spec.name, op.row_id)] = owner
    batch.new_aliases = getattr(batch, "new_aliases", []) + [(spec.name, op.row_id, owner)]
    conflicts = [Conflict(spec.name, op.row_id, c, {"kept_by": owner}, out.data[c], "", op.hlc) for c in columns]
    return Outcome(OK, data=data, conflicts=conflicts, origin=SERVER)


def flush(conn, batch) -> None:
    new = getattr(batch, "new_aliases", [])
    if new:
        conn.cursor().executemany(
            "INSERT INTO sync_alias (shop_id, tbl, id, kept_id) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [(batch.shop_id, *alias) for alias in new])


def _now_text() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

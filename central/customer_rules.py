"""Rules the store applies to customers after the field-by-field merge, so every node ends the same:

- a customer with sales is never deleted (issue 17, item 4): a delete of a customer who has a bill (stored,
  or arriving in the same batch) becomes a deactivation, and a bill that arrives for a deleted customer
  brings the customer back, inactive. The later sale wins; the bill keeps a live customer.
- a deleted customer holds no phone: its number is free for anyone else on every till (the tills' unique
  index counts deleted rows too).
- merges never form a cycle (item 2): when a merge would close one (A into B here, B into A there, or a
  longer ring), the merge with the latest hybrid-clock stamp in the ring is dropped (the earlier merge
  wins, on every node, whatever order the store hears them in) and its merged customer is active again.
Each override is logged as a conflict, like any field decided against a till.
"""

from __future__ import annotations

from central.merge import Conflict, Op, Outcome


def preload(conn, batch, todo: list[Op], load_rows) -> None:
    """Read what the rules need for this batch: the customers named by arriving bills, and which of the
    customers being deleted have bills."""
    named = {op.payload["customer_id"] for op in todo
             if op.table == "bill" and isinstance(op.payload.get("customer_id"), str)}
    load_rows(conn, batch, [("customer", c) for c in named])
    deleting = [op.row_id for op in todo if op.table == "customer" and op.payload.get("deleted_at")]
    with_bills = set()
    if deleting:
        with_bills = {r[0] for r in conn.execute(
            "SELECT DISTINCT data->>'customer_id' FROM sync_row WHERE shop_id = %s AND tbl = 'bill' "
            "AND data->>'customer_id' = ANY(%s)", (batch.shop_id, deleting))}
    batch.customers_with_bills = with_bills | named
    # the merge chains the arriving merges point into (to see a cycle before it is stored)
    frontier = {op.payload["merged_into_id"] for op in todo
                if op.table == "customer" and isinstance(op.payload.get("merged_into_id"), str)}
    seen: set[str] = set()
    for _ in range(50):
        load_rows(conn, batch, [("customer", c) for c in frontier if ("customer", c) not in batch.rows])
        seen |= frontier
        frontier = {batch.rows[("customer", c)].data.get("merged_into_id") for c in frontier
                    if ("customer", c) in batch.rows} - seen - {None}
        if not frontier:
            break


def _merge_stamp(batch, customer_id: str) -> str:
    current = batch.rows.get(("customer", customer_id))
    return ((current.stamps or {}).get("merged_into_id") or [""])[0] if current else ""


def _break_cycle(batch, op: Op, out: Outcome, current, version: int) -> Outcome:
    data = out.data
    target = data.get("merged_into_id")
    if not target or (current is not None and current.data.get("merged_into_id") == target):
        return out
    ring, node = [op.row_id], target
    while node and node not in ring and len(ring) < 50:
        ring.append(node)
        row = batch.rows.get(("customer", node))
        node = row.data.get("merged_into_id") if row else None
    if node != op.row_id:
        return out
    stamp_of = {c: (op.hlc if c == op.row_id else _merge_stamp(batch, c)) for c in ring}
    latest = max(ring, key=lambda c: (stamp_of[c], c))
    conflicts = list(out.conflicts)
    if latest == op.row_id:  # this merge is the later one: it does nothing
        data = dict(data)
        data["merged_into_id"] = current.data.get("merged_into_id") if current else None
        data["status"] = current.data.get("status", "active") if current else "active"
        conflicts.append(Conflict("customer", op.row_id, "merged_into_id", None, target, "", op.hlc))
        return Outcome(out.result, out.reason, data, out.stamps, conflicts, out.origin)
    loser = batch.rows[("customer", latest)]
    undone = dict(loser.data)
    conflicts.append(Conflict("customer", latest, "merged_into_id", None, undone["merged_into_id"], op.hlc,
                              stamp_of[latest]))
    undone["merged_into_id"] = None
    if undone.get("erased_at") is None and undone.get("deleted_at") is None:
        undone["status"] = "active"
    batch.write("customer", latest, undone, loser.stamps, "server")
    return Outcome(out.result, out.reason, out.data, out.stamps, conflicts, out.origin)


def settle_customer(batch, op: Op, out: Outcome, version: int, current=None) -> Outcome:
    """A customer change the merge accepted, with the rules above applied."""
    out = _break_cycle(batch, op, out, current, version)
    data = out.data
    if data.get("deleted_at") is None:
        return out
    stamps = dict(out.stamps or {})
    conflicts = list(out.conflicts)
    data = dict(data)
    if op.row_id in getattr(batch, "customers_with_bills", set()) and data.get("erased_at") is None:
        conflicts.append(Conflict("customer", op.row_id, "deleted_at", None, data["deleted_at"], op.hlc, op.hlc))
        data["deleted_at"] = None
        data["status"] = "inactive"
        stamps["deleted_at"] = stamps["status"] = [op.hlc, version]
    else:
        data["phone"] = None
    return Outcome(out.result, out.reason, data, stamps, conflicts, out.origin)


def revive_for_bill(batch, op: Op) -> tuple[dict, dict, Conflict] | None:
    """A bill for a customer the store holds as deleted: the customer's row as it comes back (inactive)."""
    customer_id = op.payload.get("customer_id")
    current = batch.rows.get(("customer", customer_id)) if customer_id else None
    if current is None or current.data.get("deleted_at") is None or current.data.get("erased_at") is not None:
        return None
    data = dict(current.data)
    deleted = data["deleted_at"]
    data["deleted_at"] = None
    data["status"] = "inactive"
    data["updated_at"] = max(data.get("updated_at") or "", op.hlc)
    stamps = {k: list(v) for k, v in (current.stamps or {}).items()}
    for column in ("deleted_at", "status"):
        stamp = max((stamps.get(column) or [""])[0], op.hlc)
        stamps[column] = [stamp, batch.version + 1]
    return data, stamps, Conflict("customer", customer_id, "deleted_at", None, deleted, op.hlc, "")

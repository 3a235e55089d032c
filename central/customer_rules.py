"""Rules the store applies to customers after the field-by-field merge, so every node ends the same:

- a customer with sales is never deleted (issue 17, item 4): a delete of a customer who has a bill (stored,
  or arriving in the same batch) becomes a deactivation, and a bill that arrives for a deleted customer
  brings the customer back, inactive. The later sale wins; the bill keeps a live customer.
- a deleted customer holds no phone: its number is free for anyone else on every till (the tills' unique
  index counts deleted rows too).
- merges never form a cycle (item 2): when a merge would close one (A into B here, B into A there, or a
  longer ring), the merge with the latest hybrid-clock stamp in the ring is dropped (the earlier merge
  wins, on every node, whatever order the store hears them in) and its merged customer is active again.
- erasure wins (item 9): an erased customer's personal fields stay empty whatever edit arrives, older or
  newer, and an erased customer stays erased (a push clearing ``erased_at`` changes nothing); customers
  merged into it are erased with it; the conflict records about them lose their values; an address or
  preference of an erased customer is emptied and deleted.
Each override is logged as a conflict, like any field decided against a till (never for an erased one).
"""

from __future__ import annotations

import datetime as dt

from central import erased_audit
from central.merge import Conflict, Op, Outcome

# as app/privacy.erase leaves a customer
ERASED_NAME = "Erased customer"
PERSONAL = ("phone", "email", "personal_phone", "personal_email", "gender", "date_of_birth", "photo",
            "marketing_consent_at")
CHILDREN = {"customer_address": ("line1", "line2", "city", "region", "postcode", "country"),
            "customer_preference": ()}


def scrub(data: dict) -> dict:
    data = dict(data)
    for column in PERSONAL:
        data[column] = None
    data.update(name=ERASED_NAME, name_norm=ERASED_NAME.casefold(), notes="", marketing_consent=False,
                status="inactive")
    return data


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
    _preload_erasure(conn, batch, todo, load_rows)
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


def _preload_erasure(conn, batch, todo: list[Op], load_rows) -> None:
    parents = {op.payload.get("customer_id") for op in todo if op.table in CHILDREN}
    parents |= {c for op in todo if op.table == "audit_log" for c in erased_audit.named(op.payload)}
    load_rows(conn, batch, [("customer", c) for c in parents if isinstance(c, str)])
    erasing = [op.row_id for op in todo if op.table == "customer" and op.payload.get("erased_at")]
    batch.erase_followers, batch.erase_conflicts = {}, {}
    if not erasing:
        return
    for follower, target in conn.execute(
            "SELECT id, data->>'merged_into_id' FROM sync_row WHERE shop_id = %s AND tbl = 'customer' "
            "AND data->>'merged_into_id' = ANY(%s)", (batch.shop_id, erasing)):
        batch.erase_followers.setdefault(target, []).append(follower)
    people = erasing + [f for fs in batch.erase_followers.values() for f in fs]
    load_rows(conn, batch, [("customer", c) for c in people])
    before = {c: batch.rows[("customer", c)].data for c in people
              if batch.rows.get(("customer", c)) is not None and batch.rows[("customer", c)].data.get("erased_at") is None}
    erased_audit.preload(conn, batch, people, before, load_rows)
    batch.erase_children = [(tbl, row_id) for tbl, row_id in conn.execute(
        "SELECT tbl, id FROM sync_row WHERE shop_id = %s AND tbl = ANY(%s) AND data->>'customer_id' = ANY(%s)",
        (batch.shop_id, list(CHILDREN), people))]
    load_rows(conn, batch, batch.erase_children)
    for conflict_id, row_id in conn.execute(
            "SELECT id, data->>'row_id' FROM sync_row WHERE shop_id = %s AND tbl = 'conflict_log' "
            "AND data->>'row_id' = ANY(%s)", (batch.shop_id, people)):
        batch.erase_conflicts.setdefault(row_id, []).append(conflict_id)
    load_rows(conn, batch, [("conflict_log", c) for ids in batch.erase_conflicts.values() for c in ids])


def _erase_everywhere(batch, customer_id: str, erased_at: str) -> None:
    """A customer just erased: customers merged into it, and the conflict records about them."""
    people = [customer_id]
    for follower in getattr(batch, "erase_followers", {}).get(customer_id, []):
        row = batch.rows.get(("customer", follower))
        if row is not None and row.data.get("erased_at") is None:
            batch.write("customer", follower, dict(scrub(row.data), erased_at=erased_at), row.stamps, "server")
        people.append(follower)
    for person in people:
        for conflict_id in getattr(batch, "erase_conflicts", {}).get(person, []):
            row = batch.rows.get(("conflict_log", conflict_id))
            if row is not None and (row.data.get("winner"), row.data.get("loser")) != (None, None):
                batch.write("conflict_log", conflict_id, dict(row.data, winner=None, loser=None), None, "server")
    erased_audit.erase(batch, customer_id, people)
    for key in getattr(batch, "erase_children", []):  # addresses and preferences other tills sent before
        row = batch.rows.get(key)
        if row is not None and row.data.get("customer_id") in people:
            emptied = _emptied(key[0], row.data)
            if emptied != row.data:
                batch.write(key[0], key[1], emptied, row.stamps, "server")


def settle_child(batch, op: Op, out: Outcome) -> Outcome:
    """An address or preference of an erased customer: emptied and deleted."""
    parent = batch.rows.get(("customer", out.data.get("customer_id")))
    if parent is None or parent.data.get("erased_at") is None:
        return out
    return Outcome(out.result, out.reason, _emptied(op.table, out.data), out.stamps, [], out.origin)


def _emptied(table: str, data: dict) -> dict:
    data = dict(data)
    for column in CHILDREN[table]:
        data[column] = ""
    if table == "customer_preference":
        data["value"] = None
    data["deleted_at"] = data.get("deleted_at") or _now_text()
    return data


def settle_audit(batch, out: Outcome) -> Outcome:
    """An audit entry about an erased customer: stored without its details (central/erased_audit.py)."""
    data = erased_audit.settle(batch, out.data)
    return out if data is None else Outcome(out.result, out.reason, data, out.stamps, [], "server")


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
    if current is not None and current.data.get("erased_at") is not None and data.get("erased_at") is None:
        # erasure is final: a till that clears erased_at (nothing on a till does) gets the erased row back
        out = Outcome(out.result, out.reason, dict(data, erased_at=current.data["erased_at"]), out.stamps, [],
                      "server")
        data = out.data
    if data.get("erased_at") is not None:  # erasure wins over every edit, before or after it
        if current is None or current.data.get("erased_at") is None:
            _erase_everywhere(batch, op.row_id, data["erased_at"])
        out = Outcome(out.result, out.reason, scrub(data), out.stamps, [], out.origin)
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

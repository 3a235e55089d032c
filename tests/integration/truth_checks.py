"""What one truth means at quiescence (issue 17), checked after each randomized schedule
(tests/integration/truth_schedule.py)."""

from __future__ import annotations

from convergence import assert_converged
from sync_helpers import opened, table_rows

from central.tables import CONFLICT_TABLE, TABLES

ALL_SYNCED = [t for t in TABLES if t != CONFLICT_TABLE]  # conflict records are each node's own


def assert_one_truth(server, shop, paths, sold: list[str], erased: set[str], given: dict[str, set[str]]) -> None:
    """Every synced table equal field by field on every node, nothing left to push (but refused second
    voids), every acknowledged sale (``sold``) at the store once and whole, figures equal a recomputation,
    balances equal the merge group's ledger, no merge cycle, and nothing of an ``erased`` customer (no value
    in ``given`` to them) anywhere."""
    from app import loyalty, stats
    from app.privacy import ERASED_NAME
    from db.models import Outbox

    central = assert_converged(server, shop, paths, tables=ALL_SYNCED, refused_ok=True)
    bills, lines, payments = central["bill"], central["bill_line"], central["payment"]
    refused = set()
    for path in paths:
        with opened(path):
            refused |= {o.row_id for o in Outbox.select().where(
                (Outbox.state == "quarantined") & (Outbox.table_name == "bill"))}
    missing = [b for b in sold if b not in bills and b not in refused]
    assert not missing, f"acknowledged sales missing at the central store: {missing[:3]}"
    numbers = [b["receipt_no"] for b in bills.values()]
    assert len(numbers) == len(set(numbers)), "a receipt number is held by two bills"
    for bill in bills.values():
        own_lines = [x for x in lines.values() if x["bill_id"] == bill["id"]]
        paid = sum(p["amount"] for p in payments.values() if p["bill_id"] == bill["id"])
        assert own_lines, f"bill {bill['receipt_no']} has no lines"
        assert paid == (bill["total"] if bill["kind"] == "sale" else -bill["total"]), \
            f"bill {bill['receipt_no']} is not whole"
    customers = central["customer"]
    for customer_id in customers:  # no merge cycle
        seen, node = [], customer_id
        while node:
            assert node not in seen, f"merge cycle {seen}"
            seen.append(node)
            node = customers[node]["merged_into_id"] if node in customers else None
    ledger = central["loyalty_entry"]
    for path in paths:
        with opened(path):
            for customer_id, row in customers.items():
                if row["merged_into_id"]:
                    continue
                group = set(stats.bill_owners(customer_id))
                expected = sum(e["points"] for e in ledger.values() if e["customer_id"] in group)
                assert loyalty.balance(customer_id) == expected, f"{path.name}: balance of {customer_id}"
    conflicts = [server.rows(shop, "conflict_log")]
    for path in paths:
        with opened(path):
            conflicts.append(table_rows("conflict_log"))
    audit = str(central["audit_log"])
    for address in central["customer_address"].values():
        if address["customer_id"] in erased:
            assert address["line1"] == "" and address["deleted_at"] is not None, f"erased address {address}"
    for customer_id in erased:
        row = customers[customer_id]
        assert row["erased_at"] is not None and row["name"] == ERASED_NAME and row["notes"] == "" and \
            row["email"] is None and row["phone"] is None and row["date_of_birth"] is None, \
            f"erased customer {customer_id} has personal data back: {row}"
        about = str([c for rows in conflicts for c in rows.values() if c.get("row_id") == customer_id])
        kept = [v for v in given.get(customer_id, ()) if v in about]
        assert not kept, f"conflict records keep values of erased customer {customer_id}: {kept}"
        kept = [v for v in given.get(customer_id, ()) if v in audit]
        assert not kept, f"the audit log keeps values of erased customer {customer_id}: {kept}"


def assert_bills_whole(bill_ids: list[str], where: str) -> None:
    """In the open till: every bill is whole (lines, payments summing to its total), and ``bill_ids`` are
    all there."""
    from db.models import Bill, BillLine, Payment

    held = {b.id: b for b in Bill.select()}
    lost = [b for b in bill_ids if b not in held]
    assert not lost, f"{where}: acknowledged sales lost: {lost}"
    for bill in held.values():
        paid = sum(p.amount for p in Payment.select().where(Payment.bill == bill.id))
        assert BillLine.select().where(BillLine.bill == bill.id).exists(), f"{where}: {bill.receipt_no} has no lines"
        assert paid == (bill.total if bill.kind == "sale" else -bill.total), f"{where}: {bill.receipt_no} not whole"

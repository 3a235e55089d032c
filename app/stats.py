"""Per-customer figures (orders, spent, last visit, points, favourite items, payment methods).

Kept current in the same transaction as each sale or pulled bill (``apply_bill``), so the till shows
them at once at any size; ``recompute`` rebuilds one customer's figures from the ledger of bills (after a
merge, an undo, or a repair).
"""

from __future__ import annotations

from collections import Counter

from peewee import fn

from app.changes import writes
from db.models import Bill, BillLine, CustomerStats, LoyaltyEntry, Payment


def _stats_for(customer_id: str) -> CustomerStats:
    stats = CustomerStats.get_or_none(CustomerStats.customer == customer_id)
    if stats is None:
        CustomerStats.insert(customer=customer_id).on_conflict_ignore().execute()
        stats = CustomerStats.get(CustomerStats.customer == customer_id)
    return stats


def apply_bill(bill: Bill, lines: list[BillLine], payments: list[Payment], points_delta: int) -> None:
    """Add one bill (a sale, or a void with negative amounts) to its customer's figures.

    Raw SQL (one read, one upsert): this runs inside every sale's transaction, where peewee's query
    building would cost about a millisecond."""
    if bill.customer_id is None:
        return
    if bill.kind == "void":  # a void changes the last visit and may belong to a merged customer: rebuild
        refresh(bill.customer_id)
        return
    db = CustomerStats._meta.database
    row = db.execute_sql(
        "SELECT orders, spent, last_visit, points, item_counts, payment_counts FROM customer_stats "
        "WHERE customer_id = ?", (bill.customer_id,)).fetchone()
    orders, spent, last_text, points, items_json, methods_json = row or (0, 0, None, 0, None, None)
    last_visit = CustomerStats.last_visit.python_value(last_text)
    sign = -1 if bill.kind == "void" else 1
    returning = bill.kind == "return"  # negative total and quantities; not an order, not a visit
    orders += 0 if returning else sign
    spent += bill.total if bill.kind != "void" else -abs(bill.total)
    if bill.kind == "sale" and (last_visit is None or bill.completed_at > last_visit):
        last_visit = bill.completed_at
    counts = Counter(CustomerStats.item_counts.python_value(items_json) or {})
    for line in lines:
        if line.item_id:
            counts[line.item_id] += sign * line.quantity
    methods = Counter(CustomerStats.payment_counts.python_value(methods_json) or {})
    for payment in payments:
        methods[payment.method] += sign
    db.execute_sql(
        "INSERT INTO customer_stats (customer_id, orders, spent, last_visit, points, item_counts, payment_counts) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET orders = excluded.orders, "
        "spent = excluded.spent, last_visit = excluded.last_visit, points = excluded.points, "
        "item_counts = excluded.item_counts, payment_counts = excluded.payment_counts",
        (bill.customer_id, orders, spent, CustomerStats.last_visit.db_value(last_visit), points + points_delta,
         CustomerStats.item_counts.db_value({k: v for k, v in counts.items() if v > 0}),
         CustomerStats.payment_counts.db_value({k: v for k, v in methods.items() if v > 0})))
    from app import segments  # the visit fields (segments and life-cycle status)

    if bill.kind == "void":
        segments.rebuild(bill.customer_id, bill_owners(bill.customer_id))
    else:
        from app import preference_audit

        segments.record_sale(bill.customer_id, bill.completed_at)
        preference_audit.note_sale(bill.customer_id, getattr(bill, "preferences_applied", None),
                                   {k: v for k, v in counts.items() if v > 0},
                                   tuple(p.method for p in payments))


def bill_owners(customer_id: str) -> list[str]:
    """The customers whose bills count as this customer's: itself and every customer merged into it (a
    merge never moves bills, which are append-only); none once it has itself been merged into another."""
    db = CustomerStats._meta.database  # raw SQL: every sale with a customer asks (app/loyalty.balance)
    row = db.execute_sql("SELECT merged_into_id FROM customer WHERE id = ?", (customer_id,)).fetchone()
    if row is not None and row[0]:
        return []
    owners, frontier = [customer_id], [customer_id]
    while frontier and len(owners) < 10000:
        marks = ", ".join("?" * len(frontier))
        frontier = [r[0] for r in db.execute_sql(f"SELECT id FROM customer WHERE merged_into_id IN ({marks})",
                                                 frontier) if r[0] not in owners]
        owners += frontier
    return owners


def survivor(customer_id: str) -> str:
    """The live customer whose figures count this customer's bills: up the merge chain (a cycle, which
    the central store never lets stand, ends where it would repeat)."""
    from db.models import Customer

    seen = [customer_id]
    while True:
        row = Customer.get_or_none(Customer.id == seen[-1])
        target = row.merged_into_id if row is not None else None
        if not target or target in seen:
            return seen[-1]
        seen.append(target)


@writes("customer_stats")
def refresh(customer_id: str) -> None:
    """Rebuild the figures of a customer and of the customer its bills count for."""
    recompute(customer_id)
    top = survivor(customer_id)
    if top != customer_id:
        recompute(top)


@writes("customer_stats")
def recompute(customer_id: str) -> CustomerStats:
    """Rebuild one customer's figures from their bills (with those of customers merged into them),
    payments and loyalty ledger."""
    stats = _stats_for(customer_id)
    bills = Bill.select().where(Bill.customer.in_(bill_owners(customer_id)) & Bill.deleted_at.is_null())
    sales = bills.where(Bill.kind == "sale")
    voided_ids = {b.voids_id for b in bills.where(Bill.kind == "void")}
    live_sales = [b for b in sales if b.id not in voided_ids]
    live_ids = [b.id for b in live_sales]
    # returns of sales still standing (those of a sale voided elsewhere are netted by the void)
    returns = [b for b in bills.where(Bill.kind == "return") if b.returns_id in set(live_ids)]
    stats.orders = len(live_sales)
    stats.spent = sum(b.total for b in live_sales) + sum(b.total for b in returns)
    stats.last_visit = max((b.completed_at for b in live_sales), default=None)
    counts: Counter = Counter()
    methods: Counter = Counter()
    if live_ids:
        for line in BillLine.select(BillLine.item, BillLine.quantity).where(BillLine.bill.in_(live_ids)):
            if line.item_id:
                counts[line.item_id] += line.quantity
        for payment in Payment.select(Payment.method).where(Payment.bill.in_(live_ids)):
            methods[payment.method] += 1
    if returns:
        for line in BillLine.select(BillLine.item, BillLine.quantity).where(BillLine.bill.in_([b.id for b in returns])):
            if line.item_id:
                counts[line.item_id] += line.quantity
    stats.item_counts = {k: v for k, v in counts.items() if v > 0}
    stats.payment_counts = dict(methods)
    owners = bill_owners(customer_id)
    stats.points = (  # the merge group's ledger (app/loyalty.balance)
        LoyaltyEntry.select(fn.COALESCE(fn.SUM(LoyaltyEntry.points), 0))
        .where(LoyaltyEntry.customer.in_(owners) & LoyaltyEntry.deleted_at.is_null())
        .scalar()
    ) if owners else 0
    stats.save()
    from app import segments

    segments.rebuild(customer_id, bill_owners(customer_id))
    return CustomerStats.get(CustomerStats.customer == customer_id)


def favourite_items(stats: CustomerStats | None, limit: int = 5) -> list[str]:
    """Item ids this customer buys most, most first."""
    if stats is None or not stats.item_counts:
        return []
    return [item for item, _ in Counter(stats.item_counts).most_common(limit)]


def preferred_payment(stats: CustomerStats | None) -> str | None:
    if stats is None or not stats.payment_counts:
        return None
    return Counter(stats.payment_counts).most_common(1)[0][0]

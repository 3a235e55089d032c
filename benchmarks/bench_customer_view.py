"""Opening the manager's customer view of a customer with 5,000 bills, in a big database.

    python -m benchmarks.bench_customer_view [--customers 1000000] [--items 200000] [--bills 1000000]
                                             [--bills-of-one 5000] [--runs 7]

Measures building and showing ui/customer_view.CustomerView (figures, order history, favourites,
loyalty, preferences, addresses, audit trail) offscreen, to the first painted frame. Baseline, in the
same run: a bare SQLCipher connection reading that customer's bills newest first (the one query a
hand-written screen could not avoid).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import uuid

from benchmarks.common import DATA, Table, scratch_copy, timed, use_bench_keyring


def add_bills(db, customer_id: str, cashier_id: str, items: list[tuple], count: int, rng: random.Random) -> None:
    now = dt.datetime.now(dt.UTC)
    bills, lines, payments = [], [], []
    for n in range(count):
        when = (now - dt.timedelta(minutes=n * 97)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        bill_id = str(uuid.uuid4())
        total = 0
        for line_no in range(1, 4):
            item_id, price, code = rng.choice(items)
            total += price
            lines.append((str(uuid.uuid4()), bill_id, line_no, item_id, code, f"Item {code}", price, price,
                          price * 800 // 10800, price))
        bills.append((bill_id, f"VIEW-{n}", cashier_id, customer_id, when, when, total, total * 800 // 10800, total))
        payments.append((str(uuid.uuid4()), bill_id, rng.choice(["cash", "card"]), total, total))
    with db.atomic():
        cursor = db.cursor()
        cursor.executemany(
            "INSERT INTO bill (id, updated_at, receipt_no, till_code, cashier_id, customer_id, status, kind, "
            "opened_at, completed_at, currency, subtotal, discount_total, tax_total, rounding, total, "
            "bill_discount_bp, bill_discount_amount, preferences_applied, instructions, points_earned, "
            "points_redeemed) VALUES (?, '', ?, 'VIEW', ?, ?, 'completed', 'sale', ?, ?, 'USD', ?, 0, ?, 0, ?, "
            "0, 0, '{}', '', 0, 0)", bills)
        cursor.executemany(
            "INSERT INTO bill_line (id, updated_at, bill_id, line_no, item_id, code, name, quantity, unit_price, "
            "price_source, base_price, discount, tax_rate_bp, tax, total, allergens_confirmed) "
            "VALUES (?, '', ?, ?, ?, ?, ?, 1, ?, 'base', ?, 0, 800, ?, ?, '[]')", lines)
        cursor.executemany(
            "INSERT INTO payment (id, updated_at, bill_id, method, amount, tendered, change, reference) "
            "VALUES (?, '', ?, ?, ?, ?, 0, '')", payments)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--bills", type=int, default=1_000_000)
    p.add_argument("--bills-of-one", type=int, default=5000)
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    use_bench_keyring()
    from benchmarks.generate import generate

    source = generate(DATA / f"till-{args.customers}c-{args.items}i-{args.bills}b.db",
                      customers=args.customers, items=args.items, bills=args.bills)
    work = scratch_copy(source, "bench-view-scratch.db")

    from PySide6.QtWidgets import QApplication
    from sqlcipher3 import dbapi2 as sqlcipher

    from app import stats
    from app.till import open_till
    from db.keystore import SERVICE, account_for
    from db.models import Customer, User
    from ui.customer_view import CustomerView
    from ui.till_window import TillWindow

    app = QApplication.instance() or QApplication([])
    till = open_till(work)
    try:
        customer = Customer.select().where(Customer.status == "active").order_by(Customer.id).first()
        manager = User.get(User.name == "Manager")
        items = [tuple(r) for r in till.db.execute_sql("SELECT id, price, code FROM item LIMIT 500")]
        add_bills(till.db, customer.id, manager.id, items, args.bills_of_one, random.Random(3))
        stats.recompute(customer.id)
        held = till.db.execute_sql("SELECT count(*) FROM bill WHERE customer_id = ?", (customer.id,)).fetchone()[0]
        window = TillWindow(till)
        till.user = manager

        def open_view():
            view = CustomerView(window, window, manager, customer.id)
            view.show()
            app.processEvents()
            view.grab()  # the first painted frame
            view.close()
            view.deleteLater()
            app.processEvents()

        import keyring

        key = keyring.get_password(SERVICE, account_for(work))

        def bare_query():
            conn = bare_query.conn
            rows = conn.execute(
                "SELECT id, receipt_no, completed_at, total, profile_id, cashier_id FROM bill "
                "WHERE customer_id = ? ORDER BY completed_at DESC", (customer.id,)).fetchall()
            assert len(rows) == held

        bare_query.conn = sqlcipher.connect(str(work))
        bare_query.conn.execute(f"PRAGMA key = \"x'{key}'\"")
        open_view()  # warm-up
        bare_query()
        baseline, _ = timed(bare_query, repeat=args.runs)
        ours, _ = timed(open_view, repeat=args.runs)
        bare_query.conn.close()
        table = Table(f"Customer view of a customer with {held:,} bills ({args.customers:,} customers, "
                      f"{args.bills:,} bills)")
        table.add("bare SQLCipher: that customer's bills, newest first (baseline)", baseline, baseline)
        table.add("CustomerView built, shown and painted", ours, baseline, "< 500 ms")
        table.print()
        window.close()
    finally:
        till.close()
        for stale in work.parent.glob(work.name + "*"):
            stale.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

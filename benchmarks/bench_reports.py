"""Sales reports over a million bills, and what keeping their summaries costs a sale.

    python -m benchmarks.bench_reports [--customers 1000000] [--items 200000] [--bills 1000000] [--repeat 7]

On a generated database (benchmarks/generate.py; reused when it already exists) copied to a scratch file,
which is kept, already migrated, for the next run.
Prints median and p99 (ms) of:

- app.reports.sales_report (everything the Reports window shows: totals, by day, profile, category,
  cashier, payment method, the chart series and the top customers) over the last 30 days and the last
  365 days (all of the generated bills), for all profiles and filtered by one profile; target < 1000 ms.
  Baseline, measured in the same run: the same range's total and bill count read straight from the bills
  (app.reports.bills_total, the query the summaries replace), which is only one of the report's figures;
- the top customers of the year on their own (a range scan of a covering index);
- the cost of the summary triggers on a sale: inserting a bill with its payment in one transaction into
  the big database, with the triggers and (baseline) without them;
- the Customers window's list at a million customers (app.customer_list): the ordered ids of a tab or a
  search (on a worker in the window) and one page of rows (on the UI thread, target < 16 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import time
from pathlib import Path

from benchmarks.common import DATA, Table, timed, use_bench_keyring


def scratch_copy(source: Path, name: str) -> tuple[Path, bool]:
    """A copy of the generated database (with its WAL) so nothing here touches the shared one. A copy
    already migrated to this schema by an earlier run is reused (migrating a million bills takes minutes).
    Returns the path and whether it was reused."""
    import keyring

    from db import migrations
    from db.keystore import SERVICE, account_for

    work = DATA / name
    marker = work.with_name(work.name + ".json")
    sizes = source.with_name(source.name + ".json")
    wanted = {"source": source.name, "sizes": json.loads(sizes.read_text()) if sizes.exists() else None,
              "schema": migrations.LATEST}
    keyring.set_password(SERVICE, account_for(work), keyring.get_password(SERVICE, account_for(source)))
    if work.exists() and marker.exists() and json.loads(marker.read_text()) == wanted:
        print(f"reusing {work.name} (already at schema {migrations.LATEST})", flush=True)
        return work, True
    for stale in work.parent.glob(work.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    shutil.copyfile(source, work)
    wal = source.with_name(source.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, work.with_name(work.name + "-wal"))
    print(f"scratch copy of {source.name} ({work.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    marker.with_suffix(".pending").write_text(json.dumps(wanted))
    return work, False


def mark_migrated(work: Path) -> None:
    marker = work.with_name(work.name + ".json")
    pending = marker.with_suffix(".pending")
    if pending.exists():
        pending.rename(marker)
    for backup in work.parent.glob(work.name + ".v*.bak"):
        backup.unlink()


def bench_reports(args) -> Table:
    from app import reports
    from benchmarks.generate import generate
    from db.connection import open_database
    from db.models import CustomerProfile, database

    source = generate(DATA / f"till-{args.customers}c-{args.items}i-{args.bills}b.db", customers=args.customers,
                      items=args.items, bills=args.bills)
    work, _reused = scratch_copy(source, f"bench-reports-{args.customers}c-{args.items}i-{args.bills}b.db")
    started = time.perf_counter()
    opened = open_database(work)  # migrates an older file: the summaries are filled from its bills
    print(f"opened (and migrated if needed) in {time.perf_counter() - started:.1f} s", flush=True)
    mark_migrated(work)
    table = Table(f"Reports on {args.bills:,} bills (sales_report: every table, chart and top customers)")
    try:
        bills = database.execute_sql("SELECT count(*) FROM bill").fetchone()[0]
        summary_rows = database.execute_sql("SELECT count(*) FROM sales_summary").fetchone()[0]
        print(f"{bills:,} bills; {summary_rows:,} summary rows", flush=True)
        profile = CustomerProfile.get(CustomerProfile.name == "Wholesale")
        today = dt.date.today()
        cases = [("last 30 days, all profiles", today - dt.timedelta(days=29), None),
                 ("last 90 days, all profiles", today - dt.timedelta(days=89), None),
                 ("last 365 days, all profiles", today - dt.timedelta(days=364), None),
                 ("last 365 days, profile Wholesale", today - dt.timedelta(days=364), profile.id),
                 ("last 365 days, no profile", today - dt.timedelta(days=364), reports.NO_PROFILE)]
        for what, start, profile_id in cases:
            reports.sales_report(start, today, profile_id)  # warm the page cache once, as a window reopened
            samples, report = timed(reports.sales_report, start, today, profile_id, repeat=args.repeat)
            baseline, reference = timed(reports.bills_total, start, today, profile_id, repeat=max(3, args.repeat // 2))
            assert (report.bills, report.total) == reference, (what, report.bills, report.total, reference)
            table.add(f"{what} ({report.bills:,} bills)", samples, baseline, "< 1000 ms")
        start = today - dt.timedelta(days=364)
        samples, _ = timed(reports.top_customers, start, today, None, 10, repeat=args.repeat)
        table.add("top 10 customers, last 365 days", samples, None, "< 1000 ms")
        samples, _ = timed(reports.top_customers, today - dt.timedelta(days=29), today, None, 10, repeat=args.repeat)
        table.add("top 10 customers, last 30 days", samples, None, "< 1000 ms")
        tables = [table, bench_customer_list(args.repeat), bench_trigger_cost(args.sales)]
    finally:
        opened.close()
    return tables


def bench_customer_list(repeat: int) -> Table:
    """On the open scratch database: what the Customers window asks for."""
    from app import customer_list
    from db.models import database

    customers = database.execute_sql("SELECT count(*) FROM customer").fetchone()[0]
    table = Table(f"Customer list at {customers:,} customers (ids on a worker, a page of rows on the UI thread)")
    ids = None
    for what, status, search in (("All tab", None, ""), ("Active tab", "active", ""),
                                 ("Inactive tab", "inactive", ""), ("search 'smi'", None, "smi"),
                                 ("search '555 300 12'", None, "555 300 12"), ("search 'maria.'", None, "maria.")):
        samples, found = timed(customer_list.ids, status, search, repeat=max(3, repeat // 2))
        if ids is None:
            ids = found
        table.add(f"ids: {what} ({len(found):,} rows)", samples, None, "worker")
    middle = len(ids) // 2
    pages = [list(ids[start:start + 64]) for start in range(middle, middle + 64 * 40, 64)]
    samples = []
    for page in pages:
        timing, _ = timed(customer_list.rows, page)
        samples += timing
    table.add("one page of 64 rows by rowid", samples, None, "< 16 ms")
    return table


def bench_trigger_cost(sales: int) -> Table:
    """On the open scratch database (a million bills, ANALYZE statistics as a real till has them): a bill
    and its payment inserted in one transaction, with the summary triggers and (baseline) without them."""
    from db.ids import new_id
    from db.models import User, database

    table = Table(f"What the report summaries cost a sale ({sales} bills into the big database, synchronous=FULL)")
    cashier = User.get(User.name == "Cashier").id
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    sql_bill = ("INSERT INTO bill (id, updated_at, receipt_no, till_code, cashier_id, status, kind, opened_at, "
                "completed_at, currency, subtotal, discount_total, tax_total, rounding, total, bill_discount_bp, "
                "bill_discount_amount, preferences_applied, instructions, points_earned, points_redeemed) "
                "VALUES (?, '', ?, 'B', ?, 'completed', 'sale', ?, ?, 'USD', 1000, 0, 80, 0, 1000, 0, 0, '{}', "
                "'', 0, 0)")
    sql_pay = ("INSERT INTO payment (id, updated_at, bill_id, method, amount, tendered, change, reference) "
               "VALUES (?, '', ?, 'card', 1000, 1000, 0, '')")

    def one_sale():
        bill_id = new_id()
        with database.atomic():
            database.execute_sql(sql_bill, (bill_id, bill_id, cashier, now, now))
            database.execute_sql(sql_pay, (new_id(), bill_id))

    for _ in range(20):
        one_sale()
    with_triggers, _ = timed(one_sale, repeat=sales)
    triggers = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%summary%'").fetchall()
    with database.atomic():
        for name, _sql in triggers:
            database.execute_sql(f'DROP TRIGGER "{name}"')
    first_untracked = database.execute_sql("SELECT max(rowid) FROM bill").fetchone()[0]
    without, _ = timed(one_sale, repeat=sales)
    table.add("bill + payment, with the summary triggers (baseline: without)", with_triggers, without)
    # leave the scratch database as it was for the next run: summaries matching the bills, triggers back
    with database.atomic():
        database.execute_sql("DELETE FROM payment WHERE bill_id IN (SELECT id FROM bill WHERE rowid > ?)",
                             (first_untracked,))
        database.execute_sql("DELETE FROM bill WHERE rowid > ?", (first_untracked,))
        for _name, sql in triggers:
            database.execute_sql(sql)
    return table


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--bills", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--sales", type=int, default=300)
    args = p.parse_args(argv)
    use_bench_keyring()
    tables = bench_reports(args)
    for table in tables:
        table.print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Reports: the per-day summaries kept by triggers equal the bills themselves, voids netted out."""

from __future__ import annotations

import datetime as dt
import random

from backoffice_helpers import make_bill, void_bill

from app import reports
from db.ids import utcnow
from db.models import Bill, Customer, CustomerProfile, User


def _known(demo):
    manager = User.get(User.name == "Manager")
    cashier = User.get(User.name == "Cashier")
    profiles = {p.name: p for p in CustomerProfile.select()}
    return manager, cashier, profiles


def test_report_by_profile_equals_the_sum_of_that_profiles_bills_with_voids_netted(demo_db):
    manager, cashier, profiles = _known(demo_db)
    rng = random.Random(3)
    customers = list(Customer.select().limit(20))
    today = dt.date.today()
    start = today - dt.timedelta(days=12)
    # The demo's past sales run up to yesterday: what this test adds comes on top of them.
    before = {profile: reports.sales_report(start, today, profile).total
              for profile in [None, "", *[p.id for p in profiles.values()]]}
    made = []
    for _ in range(120):
        when = utcnow() - dt.timedelta(days=rng.randrange(0, 10), minutes=rng.randrange(600))
        profile = rng.choice([None, *profiles.values()])
        made.append(make_bill(rng.choice([manager, cashier]), customer=rng.choice([None, *customers]),
                              profile=profile, lines=[(None, rng.randrange(1, 4), rng.randrange(100, 3000))],
                              method=rng.choice(["cash", "card"]), when=when))
    for bill in rng.sample(made, 15):
        void_bill(bill, manager)

    for profile in [None, "", *[p.id for p in profiles.values()]]:
        report = reports.sales_report(start, today, profile)
        assert (report.bills, report.total) == reports.bills_total(start, today, profile)
        expected = [b for b in made if (profile is None or (b.profile_id or "") == profile)
                    and not Bill.select().where(Bill.voids == b).exists()]
        assert report.total == before[profile] + sum(b.total for b in expected)
        assert sum(r.total for r in report.by_payment) == report.total
        assert sum(r.total for r in report.by_day) == report.total
        assert sum(r.total for r in report.by_cashier) == report.total
        assert sum(r.total for r in report.by_category) == report.total
        assert sum(sum(v for _, v in s) for s in report.profile_series.values()) == report.total
    whole = reports.sales_report(start, today)
    assert sum(r.total for r in whole.by_profile) == whole.total
    assert {r.label for r in whole.by_profile} >= {"Staff", "VIP", "No profile"}

    # top customers: the scan and the search by lifetime spend agree (both exact)
    for profile in [None, "", profiles["VIP"].id]:
        for first in (start, today - dt.timedelta(days=2)):
            assert reports.top_customers_by_lifetime(first, today, profile, 5) == reports.top_customers_by_scan(
                first, today, profile, 5)

    # the triggers' summaries are exactly what a rebuild from the bills gives
    kept = reports.summary_rows()
    reports.rebuild_summaries()
    assert reports.summary_rows() == kept


def test_top_customers_net_voids_and_follow_merges(demo_db):
    manager, cashier, profiles = _known(demo_db)
    emily = Customer.get(Customer.name == "Emily Roberts")
    other = Customer.select().where(Customer.name != "Emily Roberts").first()
    make_bill(cashier, customer=emily, lines=[(None, 1, 5000)])
    voided = make_bill(cashier, customer=emily, lines=[(None, 1, 90000)])
    void_bill(voided, manager)
    make_bill(cashier, customer=other, lines=[(None, 1, 7000)])
    today = dt.date.today()
    top = reports.top_customers(today, today)
    assert [(r.label, r.bills, r.total) for r in top] == [(other.name, 1, 7000), ("Emily Roberts", 1, 5000)]
    other.merged_into = emily
    other.save()
    from app import stats

    stats.recompute(emily.id)
    stats.recompute(other.id)
    for way in (reports.top_customers_by_scan, reports.top_customers_by_lifetime):
        top = way(today, today)
        assert [(r.label, r.bills, r.total) for r in top][:1] == [("Emily Roberts", 2, 12000)], way
        assert other.id not in [r.key for r in top]


def test_a_day_outside_the_range_is_not_counted(demo_db):
    manager, cashier, profiles = _known(demo_db)
    today = dt.date.today()
    before = reports.sales_report(today - dt.timedelta(days=7), today).total  # the demo's recent sales
    make_bill(cashier, lines=[(None, 1, 1234)], when=utcnow() - dt.timedelta(days=40))
    make_bill(cashier, lines=[(None, 1, 100)])
    assert reports.sales_report(today - dt.timedelta(days=7), today).total == before + 100


def test_exports_write_customers_sales_and_the_report(demo_db, tmp_path):
    import csv
    from decimal import Decimal

    from app import export

    manager, cashier, profiles = _known(demo_db)
    emily = Customer.get(Customer.name == "Emily Roberts")
    sale = make_bill(cashier, customer=emily, profile=profiles["VIP"], lines=[(None, 2, 1250)], method="card")
    void_bill(make_bill(cashier, lines=[(None, 1, 700)]), manager)
    today = dt.date.today()
    count = export.export_sales(tmp_path / "sales.csv", today, today, profiles["VIP"].id)
    rows = list(csv.DictReader((tmp_path / "sales.csv").read_text(encoding="utf-8").splitlines()))
    assert count == len(rows) and sale.receipt_no in {r["receipt_no"] for r in rows}
    mine = next(r for r in rows if r["receipt_no"] == sale.receipt_no)
    assert (mine["customer"], mine["profile"], mine["total"], mine["payment_methods"]) == (
        "Emily Roberts", "VIP", "25.00", "card")
    written = export.export_customers(tmp_path / "customers.csv", status="inactive", by=manager)
    from db.models import AuditLog

    exported = AuditLog.get(AuditLog.action == "customers.export")
    assert (exported.user_id, exported.detail["rows"]) == (manager.id, written)
    names = [r["name"] for r in csv.DictReader((tmp_path / "customers.csv").read_text(encoding="utf-8").splitlines())]
    assert written == len(names) == Customer.select().where(Customer.status == "inactive").count()
    assert "Michael Chen" in names and "Emily Roberts" not in names
    report = reports.sales_report(today, today)
    export.export_report(report, tmp_path / "report.csv")
    lines = list(csv.reader((tmp_path / "report.csv").read_text(encoding="utf-8").splitlines()))
    assert lines[3][:4] == ["Bills", str(report.bills), "Total", f"{Decimal(report.total) / 100:.2f}"]
    assert ["Sales by payment method"] in lines


def test_a_database_from_schema_2_gets_its_summaries_filled_quickly(tmp_path, memory_keyring):
    """The migration fills the summaries from the bills already there (voids netted), also when ANALYZE
    statistics make the voids_id index look useless, and the triggers take over afterwards."""
    from sqlcipher3 import dbapi2 as sqlcipher

    from db import migrations
    from db.connection import open_database
    from db.keystore import SERVICE, account_for

    path = tmp_path / "old.db"
    key = "AB" * 32
    memory_keyring.set_password(SERVICE, account_for(path), key)
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key=\"x'{key}'\"")
    conn.execute("BEGIN")
    for _number, _name, sql in migrations.MIGRATIONS[:2]:
        for statement in migrations._statements(sql):
            conn.execute(statement)
    conn.execute("INSERT INTO user (id, updated_at, name, role, pin_hash, active) VALUES ('u1', '', 'M', 'manager', 'x', 1)")
    day = "2026-03-04T12:00:00.000000Z"
    bill_sql = ("INSERT INTO bill (id, updated_at, receipt_no, till_code, cashier_id, status, kind, voids_id, opened_at, "
                "completed_at, currency, subtotal, discount_total, tax_total, rounding, total, bill_discount_bp, "
                "bill_discount_amount, preferences_applied, instructions, points_earned, points_redeemed) "
                "VALUES (?, '', ?, 'T', 'u1', ?, ?, ?, ?, ?, 'USD', 0, 0, 0, 0, ?, 0, 0, '{}', '', 0, 0)")
    for n in range(3000):
        conn.execute(bill_sql, (f"b{n}", f"T-{n}", "completed", "sale", None, day, day, 100))
        conn.execute("INSERT INTO payment (id, updated_at, bill_id, method, amount, tendered, change, reference) "
                     "VALUES (?, '', ?, 'cash', 100, 100, 0, '')", (f"p{n}", f"b{n}"))
    conn.execute(bill_sql, ("v1", "T-V1", "void", "void", "b7", day, day, -100))
    conn.execute("ANALYZE")
    conn.execute("PRAGMA user_version = 2")
    conn.execute("COMMIT")
    conn.close()

    opened = open_database(path)
    try:
        march = dt.date(2026, 3, 4)
        report = reports.sales_report(march, march)
        assert (report.bills, report.total) == (2999, 299900) == reports.bills_total(march, march)
        assert [(r.key, r.bills, r.total) for r in report.by_payment] == [("cash", 2999, 299900)]
        kept = reports.summary_rows()
        reports.rebuild_summaries()
        assert reports.summary_rows() == kept
        # "is this bill voided?" (the triggers' and the reports' look-ups) never scans the bills, whatever
        # ANALYZE said about the all-NULL voids_id index
        for where in ("v.voids_id = ?", "v.voids_id = ? AND v.deleted_at IS NULL"):
            plan = " ".join(str(r) for r in opened.db.execute_sql(
                f"EXPLAIN QUERY PLAN SELECT 1 FROM bill AS v WHERE {where}", ("b1",)))
            assert "SEARCH v USING" in plan and "SCAN" not in plan, plan
    finally:
        opened.close()

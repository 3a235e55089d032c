"""Reports: the total filtered by profile equals the sum of that profile's bills (voids netted out);
exports to CSV and PDF."""

from __future__ import annotations

import datetime as dt

from backoffice_helpers import make_bill, void_bill
from backoffice_steps import open_screen
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLabel

from app.money import format_money
from db.ids import utcnow
from db.models import Bill, CustomerProfile, User


def _sum_of_bills(profile, start_utc):
    total = 0
    for bill in Bill.select().where((Bill.kind == "sale") & (Bill.completed_at >= start_utc)):
        if (profile is None or bill.profile_id == profile.id) and not Bill.select().where(Bill.voids == bill).exists():
            total += bill.total
    return total


def test_a_report_filtered_by_profile_equals_the_sum_of_its_bills(qtbot, till_window, tmp_path):
    manager, cashier = User.get(User.name == "Manager"), User.get(User.name == "Cashier")
    profiles = {p.name: p for p in CustomerProfile.select()}
    for n, name in enumerate(["Wholesale", "Wholesale", "VIP", "Staff", "Wholesale"]):
        bill = make_bill(cashier, profile=profiles[name], lines=[(None, n + 1, 1999)],
                         when=utcnow() - dt.timedelta(days=n))
        if n == 1:
            void_bill(bill, manager)
    window = open_screen(qtbot, till_window, "reports_action", "reportsWindow")
    qtbot.waitUntil(lambda: window.report is not None and not window.loading)
    start = dt.date.today() - dt.timedelta(days=20)
    window.from_edit.setDate(QDate(start.year, start.month, start.day))
    start_utc = dt.datetime.combine(start, dt.time.min).astimezone(dt.UTC)
    combo = window.findChild(QComboBox, "reportProfileFilterCombo")
    total_label = window.findChild(QLabel, "reportTotalLabel")
    for name in ("Wholesale", "VIP", "Staff", None):
        profile = profiles.get(name)
        with qtbot.waitSignal(window.report_ready, timeout=10000):
            combo.setCurrentIndex(combo.findData(profile.id if profile else None))
        expected = _sum_of_bills(profile, start_utc)
        assert total_label.text() == format_money(expected, "USD"), name
        assert window.report.total == expected
    assert _sum_of_bills(profiles["Wholesale"], start_utc) >= 1999 * 6  # the two kept Wholesale bills at least

    csv_path = window.export_csv(str(tmp_path / "report.csv"))
    assert "Sales by profile" in (tmp_path / "report.csv").read_text(encoding="utf-8") and csv_path
    window.export_pdf(str(tmp_path / "report.pdf"))
    assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "report.pdf").stat().st_mode & 0o777 == 0o600
    bills_path = tmp_path / "bills.csv"
    window.export_sales(str(bills_path))
    qtbot.waitUntil(lambda: "Saved" in window.findChild(QLabel, "reportStatusLabel").text())
    assert bills_path.read_text(encoding="utf-8").startswith("receipt_no,")


def test_the_window_stays_responsive_while_a_report_runs(qtbot, till_window):
    window = open_screen(qtbot, till_window, "reports_action", "reportsWindow")
    qtbot.waitUntil(lambda: not window.loading)
    window.refresh()
    assert window.loading  # the query runs on a worker: refresh() returned at once
    qtbot.waitUntil(lambda: not window.loading)

"""Duplicates: a merge through the dialog and its undo leave every total as it was."""

from __future__ import annotations

import datetime as dt

from backoffice_helpers import make_bill
from backoffice_steps import open_screen, visible
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QRadioButton, QTableWidget

from app import customers, merge, reports, stats
from db.models import Customer, CustomerStats, User


def _totals(*ids):
    for cid in ids:
        stats.recompute(cid)
    figures = [CustomerStats.get(CustomerStats.customer == cid) for cid in ids]
    return [(f.orders, f.spent, merge.points_of(f.customer_id)) for f in figures]


def test_merge_and_undo_leave_totals_as_they_were(qtbot, till_window):
    manager, cashier = User.get(User.name == "Manager"), User.get(User.name == "Cashier")
    emily = Customer.get(Customer.name == "Emily Roberts")
    twin = customers.create({"name": "Emily Robertz", "phone": "+1 555 700 4000", "email": "emily.roberts@example.com"},
                            manager)
    make_bill(cashier, customer=twin, lines=[(None, 1, 3300)], points=33)
    make_bill(cashier, customer=twin, lines=[(None, 2, 1200)], points=24, method="card")
    before = _totals(emily.id, twin.id)
    today = dt.date.today()
    report_before = reports.sales_report(today - dt.timedelta(days=400), today)
    top_before = {r.key: r.total for r in reports.top_customers(today - dt.timedelta(days=400), today, limit=1000)}

    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    qtbot.mouseClick(window.findChild(QPushButton, "duplicatesButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: visible(window, "duplicatesDialog") is not None)
    dialog = visible(window, "duplicatesDialog")
    qtbot.waitUntil(lambda: not dialog.loading)
    assert dialog.select_pair(emily.id, twin.id)
    keep_emily = dialog.findChild(QRadioButton, "keepFirstRadio" if dialog.chosen()[0] == emily.id else "keepSecondRadio")
    if dialog.chosen()[0] != emily.id:
        keep_emily.setChecked(True)
    assert dialog.chosen() == (emily.id, twin.id)
    qtbot.mouseClick(dialog.findChild(QPushButton, "mergeButton"), Qt.LeftButton)
    box = dialog.findChild(QMessageBox, "mergeConfirmDialog")
    qtbot.mouseClick(box.findChild(QPushButton, "confirmYesButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: Customer.get_by_id(twin.id).merged_into_id == emily.id)  # a write op

    merged = _totals(emily.id, twin.id)
    assert merged[0] == tuple(a + b for a, b in zip(before[0], before[1], strict=True))
    assert merged[1] == (0, 0, 0)
    report_merged = reports.sales_report(today - dt.timedelta(days=400), today)
    assert (report_merged.bills, report_merged.total) == (report_before.bills, report_before.total)
    top = {r.key: r.total for r in reports.top_customers(today - dt.timedelta(days=400), today, limit=1000)}
    assert top[emily.id] == top_before[emily.id] + top_before[twin.id] and twin.id not in top

    merges = dialog.findChild(QTableWidget, "recentMergesView")
    qtbot.waitUntil(lambda: merges.rowCount() == 1)
    merges.setCurrentCell(0, 0)
    qtbot.mouseClick(dialog.findChild(QPushButton, "undoMergeButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: merges.item(0, 4).text() == "Undone")
    assert _totals(emily.id, twin.id) == before
    top_after = {r.key: r.total for r in reports.top_customers(today - dt.timedelta(days=400), today, limit=1000)}
    assert top_after == top_before
    assert Customer.get_by_id(twin.id).merged_into_id is None

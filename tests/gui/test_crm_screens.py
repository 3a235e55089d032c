"""Issue 14 through the real till window: a promotion a manager types in is applied on the bill and
recorded; the preference audit queue's actions; the Service tab of the reports."""

from __future__ import annotations

from backoffice_helpers import make_bill
from backoffice_steps import open_screen, sign_in, visible
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPushButton, QTableWidget
from sale_steps import choose_customer, finish, pay, scan, total_text

from app import preference_audit, preferences
from app.money import format_money
from db.models import AuditLog, Customer, User


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    qtbot.keyClicks(QApplication.focusWidget(), text)


def test_a_managers_promotion_is_applied_on_the_bill_and_recorded(qtbot, till_window):
    window = open_screen(qtbot, till_window, "promotions_action", "promotionsWindow")
    _type(qtbot, window.findChild(QLineEdit, "promotionNameEdit"), "Regulars 10%")
    _type(qtbot, window.findChild(QLineEdit, "promotionValueEdit"), "10%")
    segment = window.findChild(QComboBox, "promotionSegmentCombo")
    _type(qtbot, segment, "Regular")
    assert segment.currentData() == "regular"
    qtbot.mouseClick(window.findChild(QPushButton, "savePromotionButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "Saved" in window.findChild(QLabel, "promotionMessageLabel").text())  # on the write worker
    assert window.findChild(QTableWidget, "promotionsView").item(0, 0).text() == "Regulars 10%"
    window.close()

    scan(qtbot, till_window, "1003")  # Veggie Wrap 6.90
    choose_customer(qtbot, till_window, "Emily")
    label = till_window.findChild(QLabel, "billPromotionsLabel")
    qtbot.waitUntil(label.isVisible)
    assert label.text() == f"★ Regulars 10%: -{format_money(69, 'USD')}"
    assert total_text(till_window) == format_money(690 - 69, "USD")
    bill = finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    assert bill.total == 621
    assert bill.preferences_applied["promotions"] == [
        {"id": bill.preferences_applied["promotions"][0]["id"], "name": "Regulars 10%", "kind": "percent",
         "value": 1000, "channel": "till", "amount": 69}]


def test_the_audit_queue_confirms_changes_and_removes(qtbot, till_window):
    manager, cashier = User.get(User.name == "Manager"), User.get(User.name == "Cashier")
    emily = Customer.get(Customer.name == "Emily Roberts")
    for _ in range(preference_audit.LAST_BILLS):
        make_bill(cashier, customer=emily, method="cash")
    from app import customers

    other = customers.create({"name": "Quentin Queue", "phone": "+1 555 321 0001", "status": "active"}, manager)
    preferences.set_override(other, "payment.preferred", "Cash", manager)
    for _ in range(preference_audit.LAST_BILLS):
        make_bill(cashier, customer=other, method="card")
    window = open_screen(qtbot, till_window, "preference_audit_action", "preferenceAuditWindow")
    qtbot.waitUntil(lambda: not window.loading)
    view = window.findChild(QTableWidget, "preferenceAuditView")
    names = [view.item(r, 0).text() for r in range(view.rowCount())]
    assert "Emily Roberts" in names and other.name in names

    view.selectRow(names.index("Emily Roberts"))
    view.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)  # Enter confirms
    qtbot.waitUntil(lambda: not window.loading and "Emily Roberts" not in
                    [view.item(r, 0).text() for r in range(view.rowCount())])
    assert AuditLog.select().where((AuditLog.action == "preference.confirm") & (AuditLog.entity_id == emily.id)).count()

    names = [view.item(r, 0).text() for r in range(view.rowCount())]
    view.selectRow(names.index(other.name))
    combo = window.findChild(QComboBox, "preferenceValueCombo")
    assert combo.findText("Card") >= 0 and combo.findText("Cash") < 0  # the current value is not offered
    combo.setCurrentIndex(combo.findText("Card"))
    qtbot.mouseClick(window.findChild(QPushButton, "changePreferenceButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.loading and other.name not in
                    [view.item(r, 0).text() for r in range(view.rowCount())])
    assert preferences.effective_map(other)["payment.preferred"] == "Card"

    preferences.set_override(other, "diet.vegetarian", True, manager)
    from app import preference_audit as pa

    pa._flag(other.id, "diet.vegetarian", pa.CONTRADICTED, "test entry")
    window.reload()
    qtbot.waitUntil(lambda: not window.loading and view.rowCount() > 0)
    view.selectRow([view.item(r, 0).text() for r in range(view.rowCount())].index(other.name))
    view.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Delete)
    qtbot.waitUntil(lambda: not window.loading and other.name not in
                    [view.item(r, 0).text() for r in range(view.rowCount())])
    assert preferences.effective_map(other)["diet.vegetarian"] is False


def test_the_service_report_shows_checkout_time_and_preferences(qtbot, till_window):
    sign_in(qtbot, till_window, "1111")
    qtbot.waitUntil(till_window.sale_page.isEnabled)
    scan(qtbot, till_window, "1001")
    choose_customer(qtbot, till_window, "Emily")
    finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    scan(qtbot, till_window, "1001")
    finish(qtbot, till_window, pay(qtbot, till_window, "cash", "5"))
    till_window.sign_out()
    reports = open_screen(qtbot, till_window, "reports_action", "reportsWindow")
    tab = reports.service_tab
    reports.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.loading and bool(tab.rows))
    table = reports.findChild(QTableWidget, "serviceReportView")
    total = tab.rows[-1]
    assert total.returning_bills >= 1 and total.walk_in_bills >= 1 and total.application_rate == 1.0
    assert table.item(table.rowCount() - 1, 0).text() == "Total"
    assert "Checkout: returning" in reports.findChild(QLabel, "serviceSummaryLabel").text()
    group = reports.findChild(QComboBox, "serviceGroupCombo")
    group.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_End)  # the last choice: By cashier
    qtbot.waitUntil(lambda: group.currentData() == "cashier")
    qtbot.waitUntil(lambda: not tab.loading and bool(tab.rows) and tab.rows[0].label == "Cashier")
    assert tab.chart.series() and visible(till_window, "reportsWindow") is reports

"""Sales with a customer: the picker, the profile dropdown (setting off and on), preferences shown and
applied, the allergen confirmation, quick add with the duplicate-phone offer, inactive customers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from sale_steps import (
    assert_database_matches_receipt,
    bill_rows,
    choose_customer,
    closed,
    combo,
    finish,
    key,
    message,
    open_dialog,
    pay,
    scan,
    start,
    total_text,
    wait_dialog,
)

from app import customers, preferences, settings
from db.models import Bill, Customer, CustomerStats, User, database


def customer_label(window) -> str:
    return window.findChild(QLabel, "billCustomerLabel").text()


def alerts(window) -> str:
    return window.findChild(QLabel, "customerAlertsLabel").text()


def test_setting_off_hides_the_dropdown_and_the_bill_has_no_profile(qtbot, till_window):
    start(qtbot, till_window, profiles=False)
    assert not combo(till_window).isVisible()
    scan(qtbot, till_window, "1003")
    choose_customer(qtbot, till_window, "Emily")
    assert customer_label(till_window) == "Emily Roberts"
    assert not combo(till_window).isVisible()
    assert total_text(till_window) == "$6.90"  # no profile: shelf price
    bill = finish(qtbot, till_window, pay(qtbot, till_window))
    assert bill.customer_id is not None and bill.profile_id is None and bill.total == 690
    assert "profile" not in bill.preferences_applied


def test_setting_on_follows_her_profile_reprices_at_once_and_records_it(qtbot, till_window):
    page = start(qtbot, till_window, profiles=True)
    profiles = combo(till_window)
    assert profiles.isVisible()
    assert [profiles.itemText(i) for i in range(profiles.count())] == ["", "Retail", "Staff", "VIP", "Wholesale"]
    scan(qtbot, till_window, "2*1001")
    scan(qtbot, till_window, "1003")
    assert total_text(till_window) == "$11.90"
    choose_customer(qtbot, till_window, "555 010 0001")
    assert profiles.currentText() == "VIP" and total_text(till_window) == "$10.71"
    assert bill_rows(till_window) == [("Espresso", "2", "$4.50"), ("Veggie Wrap", "1", "$6.21")]
    profiles.setCurrentIndex(profiles.findText(""))  # the cashier takes the profile off
    assert total_text(till_window) == "$11.90"
    profiles.setCurrentIndex(profiles.findText("Staff"))
    assert total_text(till_window) == "$9.52" and page.cart.profile.name == "Staff"
    # without a mouse: Alt+P, then the arrow keys re-price at once, Enter returns to the item field
    key(qtbot, till_window, Qt.Key_P, Qt.AltModifier)
    qtbot.keyClick(profiles, Qt.Key_Down)
    assert profiles.currentText() == "VIP" and total_text(till_window) == "$10.71"
    qtbot.keyClick(profiles, Qt.Key_Return)
    shown_rows, shown_total = bill_rows(till_window), total_text(till_window)
    dialog = pay(qtbot, till_window)
    assert dialog.findChild(object, "paymentMethodCombo").currentText() == "Card"  # her preferred payment
    bill = finish(qtbot, till_window, dialog)
    assert bill.profile.name == "VIP" and bill.preferences_applied["profile"]["name"] == "VIP"
    assert [p.method for p in bill.payments] == ["card"]
    printed = assert_database_matches_receipt(bill, shown_rows, shown_total)
    assert printed.profile == "VIP" and printed.customer == "Emily Roberts" and printed.points_earned == 10


def test_turning_the_setting_on_while_the_bill_is_open_shows_and_applies_the_profile(qtbot, till_window):
    start(qtbot, till_window, pin="9999", profiles=False)
    scan(qtbot, till_window, "1003")
    choose_customer(qtbot, till_window, "emily")
    assert total_text(till_window) == "$6.90" and not combo(till_window).isVisible()
    manager = User.get(User.name == "Manager")
    till_window.notify_settings_changed(settings.update({"show_customer_profile": True}, manager))
    qtbot.waitUntil(combo(till_window).isVisible)
    assert combo(till_window).currentText() == "VIP" and total_text(till_window) == "$6.21"
    till_window.notify_settings_changed(settings.update({"show_customer_profile": False}, manager))
    assert not combo(till_window).isVisible() and total_text(till_window) == "$6.90"


def test_her_preferences_are_shown_and_the_allergen_needs_a_confirmation(qtbot, till_window):
    emily = Customer.get(Customer.name == "Emily Roberts")
    preferences.set_override(emily, "instructions.special", "Oat milk, extra hot", None)
    preferences.set_override(emily, "diet.vegetarian", True, None)
    page = start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    choose_customer(qtbot, till_window, "emily rob")
    assert "nuts" in alerts(till_window) and "Vegetarian" in alerts(till_window)
    assert "Oat milk, extra hot" in till_window.findChild(QLabel, "billInstructionsLabel").text()
    stats = CustomerStats.get(CustomerStats.customer == emily.id)
    assert till_window.findChild(QLabel, "customerOrdersLabel").text() == str(stats.orders)
    assert till_window.findChild(QLabel, "customerPointsLabel").text() == f"{stats.points:,}"
    favourite = till_window.findChild(QPushButton, "favouriteButton1")
    assert favourite.isVisible() and favourite.text().startswith("Alt+1")

    # the croissant carries nuts: Esc takes it off again
    scan(qtbot, till_window, "1002")
    warning = wait_dialog(qtbot, till_window, "allergenConfirmDialog")
    assert "nuts" in warning.findChild(QLabel, "allergenText").text()
    assert "⚠" in bill_rows(till_window)[-1][0]
    qtbot.keyClick(warning, Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(warning))
    assert [r[0] for r in bill_rows(till_window)] == ["Espresso"]
    # ... Enter keeps it, confirmed
    scan(qtbot, till_window, "1002")
    warning = wait_dialog(qtbot, till_window, "allergenConfirmDialog")
    qtbot.keyClick(warning, Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(warning))
    assert len(bill_rows(till_window)) == 2 and not page.cart.pending_allergen_lines()

    # order again: Alt+1 adds her favourite
    before = sum(int(r[1]) for r in bill_rows(till_window))
    key(qtbot, till_window, Qt.Key_1, Qt.AltModifier)
    assert sum(int(r[1]) for r in bill_rows(till_window)) == before + 1

    shown_rows, shown_total = bill_rows(till_window), total_text(till_window)
    bill = finish(qtbot, till_window, pay(qtbot, till_window))
    assert bill.instructions == "Oat milk, extra hot"
    applied = bill.preferences_applied
    assert applied["allergies"] == ["nuts"] and applied["allergens_confirmed"] == {"1002": ["nuts"]}
    assert applied["diets"] == ["Vegetarian"] and applied["payment.preferred"] == "card"
    printed = assert_database_matches_receipt(bill, shown_rows, shown_total)
    assert "Oat milk, extra hot" in printed.text() and "allergy checked: nuts" in printed.text()


def test_picking_her_after_the_croissant_asks_about_the_line_already_there(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "2*1002")
    choose_customer(qtbot, till_window, "emily")
    warning = wait_dialog(qtbot, till_window, "allergenConfirmDialog")
    qtbot.keyClick(warning, Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(warning))
    assert bill_rows(till_window) == []


def test_a_scan_during_the_allergy_warning_is_not_taken_as_the_answer(qtbot, till_window):
    start(qtbot, till_window)
    choose_customer(qtbot, till_window, "emily")
    scan(qtbot, till_window, "1002")
    warning = wait_dialog(qtbot, till_window, "allergenConfirmDialog")
    qtbot.keyClicks(warning, "1003")
    qtbot.keyClick(warning, Qt.Key_Return)  # the scanner's Enter
    assert warning.isVisible() and "1003" in warning.findChild(QLabel, "allergenScanNote").text()
    qtbot.keyClick(warning, Qt.Key_Escape)  # the cashier's answer: no croissant
    qtbot.waitUntil(lambda: closed(warning))
    assert [r[0] for r in bill_rows(till_window)] == ["Veggie Wrap"]


def test_inactive_customer_is_listed_but_refused_with_the_reason(qtbot, till_window):
    start(qtbot, till_window)
    picker = choose_customer(qtbot, till_window, "Michael Chen", expect_pick=False)
    QAbstractItemModelTester(picker.results_model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert picker.isVisible()
    assert "Inactive" in picker.results_model.index(0, 3).data()
    assert "Michael Chen is inactive" in picker.findChild(QLabel, "pickerMessageLabel").text()
    assert customer_label(till_window) == "Walk-in customer"


def test_quick_add_offers_the_customer_who_has_the_phone(qtbot, till_window):
    start(qtbot, till_window)
    key(qtbot, till_window, Qt.Key_F2)
    picker = wait_dialog(qtbot, till_window, "customerPickerDialog")
    qtbot.keyClicks(picker.findChild(QLineEdit, "customerSearchEdit"), "Emma Stone")
    picker.findChild(QPushButton, "newCustomerButton").click()
    name = picker.findChild(QLineEdit, "newCustomerNameEdit")
    phone = picker.findChild(QLineEdit, "newCustomerPhoneEdit")
    assert name.text() == "Emma Stone"
    count = Customer.select().count()
    qtbot.keyClicks(phone, "(555) 010-0001")
    qtbot.keyClick(phone, Qt.Key_Return)
    offer = picker.findChild(QLabel, "quickAddMessageLabel").text()
    assert "This phone belongs to Emily Roberts: use" in offer and Customer.select().count() == count
    use = picker.findChild(QPushButton, "useExistingCustomerButton")
    assert use.isVisible() and use.text() == "Use Emily Roberts"
    use.click()
    qtbot.waitUntil(lambda: closed(picker))
    assert customer_label(till_window) == "Emily Roberts"

    # a new number: the customer is created and put on the bill
    key(qtbot, till_window, Qt.Key_F2)
    picker = wait_dialog(qtbot, till_window, "customerPickerDialog")
    qtbot.keyClicks(picker.findChild(QLineEdit, "customerSearchEdit"), "555 321 7788")
    qtbot.keyClick(picker, Qt.Key_F4)
    assert picker.findChild(QLineEdit, "newCustomerPhoneEdit").text() == "555 321 7788"
    name = picker.findChild(QLineEdit, "newCustomerNameEdit")
    qtbot.keyClick(name, Qt.Key_Return)
    assert "needs a name" in picker.findChild(QLabel, "quickAddMessageLabel").text()
    qtbot.keyClicks(name, "Emma Stone")
    qtbot.keyClick(name, Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(picker))
    assert customer_label(till_window) == "Emma Stone"
    assert customers.find_by_phone("+15553217788").name == "Emma Stone"


def test_customer_made_inactive_on_another_till_stops_the_payment(qtbot, till_window):
    page = start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    choose_customer(qtbot, till_window, "emily")
    emily = Customer.get(Customer.name == "Emily Roberts")
    database.execute_sql("UPDATE customer SET status = 'inactive' WHERE id = ?", (emily.id,))
    bills = Bill.select().count()
    dialog = pay(qtbot, till_window)
    text = dialog.findChild(QLabel, "paymentMessageLabel")
    qtbot.waitUntil(lambda: "made inactive on another till" in text.text())
    assert dialog.isVisible() and Bill.select().count() == bills
    qtbot.keyClick(dialog, Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog))
    key(qtbot, till_window, Qt.Key_F2, Qt.ShiftModifier)  # take her off, and the sale goes through
    assert customer_label(till_window) == "Walk-in customer" and page.cart.lines
    bill = finish(qtbot, till_window, pay(qtbot, till_window, "cash", "2.50"))
    assert bill.customer_id is None and "Walk-in" not in message(till_window)
    assert open_dialog(till_window, "paymentDialog") is None

"""Issue 11 at the counter, through the real till window: PIN lockout, the discount limit at payment, odd
amounts, shop data shown as plain text, and the CSV import preview."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QMessageBox, QPushButton, QTableWidget
from sale_steps import closed, finish, key, message, open_dialog, pay, scan, start, total_text, wait_dialog
from window_steps import sign_in

from db.ids import new_id
from db.models import AuditLog, Customer, Item


class Clock:
    """The lockout's clock, moved by hand: no test waits 30 seconds."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def prompt(qtbot, window, name, text):
    dialog = wait_dialog(qtbot, window, name)
    edit = dialog.findChild(QLineEdit, "promptEdit")
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key_Return)
    return dialog


def type_approval_pin(qtbot, window, pin):
    dialog = wait_dialog(qtbot, window, "managerApprovalDialog")
    edit = dialog.findChild(QLineEdit, "approvalPinEdit")
    qtbot.keyClicks(edit, pin)
    qtbot.keyClick(edit, Qt.Key_Return)
    return dialog


def sign_in_message(window) -> str:
    return window.findChild(QLabel, "signInMessageLabel").text()


# --- 1. PIN lockout -----------------------------------------------------------------------------------------


def test_five_wrong_pins_lock_sign_in_for_30_s_then_60_s_and_a_manager_sees_them(qtbot, till_window):
    clock = Clock()
    till_window.till.lockout.clock = clock
    for _n in range(4):
        sign_in(qtbot, till_window, "0000")
        assert sign_in_message(till_window) == "That PIN does not match an active user."
    sign_in(qtbot, till_window, "0000")
    assert "locked on this till for 30 more seconds" in sign_in_message(till_window)
    sign_in(qtbot, till_window, "1111")  # even the right PIN waits
    assert "locked" in sign_in_message(till_window) and not till_window.sale_page.isEnabled()
    clock.now += 29
    sign_in(qtbot, till_window, "1111")
    assert "for 1 more second" in sign_in_message(till_window)
    clock.now += 1.5
    for _n in range(5):  # the next five wrong ones lock for twice as long
        sign_in(qtbot, till_window, "4321")
    assert "for 60 more seconds" in sign_in_message(till_window)
    clock.now += 61
    sign_in(qtbot, till_window, "1111")
    assert till_window.sale_page.isEnabled()  # a right PIN after the lockout signs in and resets the count
    failures = AuditLog.select().where(AuditLog.action == "pin.failed")
    assert failures.count() == 10 and {e.detail["place"] for e in failures} == {"sign-in"}
    assert AuditLog.select().where(AuditLog.action == "pin.locked").count() == 2
    assert all(e.at is not None and e.user is None for e in failures)

    # approvals share the same count and are audited as such
    till_window.customers_action.trigger()
    for _n in range(5):
        dialog = type_approval_pin(qtbot, till_window, "1111")  # a cashier's PIN is not a manager's
    assert "locked on this till for 30 more seconds" in dialog.findChild(QLabel, "approvalMessageLabel").text()
    type_approval_pin(qtbot, till_window, "9999")
    assert "locked" in dialog.findChild(QLabel, "approvalMessageLabel").text()
    assert open_dialog(till_window, "managerApprovalDialog") is dialog  # the manager waits like anyone
    places = [e.detail["place"] for e in AuditLog.select().where(AuditLog.action == "pin.failed")]
    assert places.count("approval") == 5
    clock.now += 31
    type_approval_pin(qtbot, till_window, "9999")
    qtbot.waitUntil(lambda: closed(dialog))
    opened = [w for w in till_window._dialogs if w.objectName() == "customersWindow"]
    opened[0].close()

    # a manager reads the failed attempts from the Manage menu
    till_window.failed_pins_action.trigger()
    type_approval_pin(qtbot, till_window, "9999")
    shown = wait_dialog(qtbot, till_window, "failedPinsDialog")
    table = shown.findChild(QTableWidget, "failedPinsView")
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert len(rows) == 18  # 15 wrong PINs and 3 lockouts
    assert sum(r[1] == "approval" for r in rows) == 6 and sum(r[1] == "sign-in" for r in rows) == 12
    assert rows[0][3] == "locked for 30 s" and re.search(r"\b20\d\d\b.*\d:\d\d:\d\d", rows[0][0])  # when, to the second


def test_the_lockout_outlives_a_restart_of_the_till(qtbot, demo_db_path):
    from app.main import build_till

    clock = Clock()
    window = build_till(["--db", str(demo_db_path)])
    qtbot.addWidget(window)
    window.till.lockout.clock = clock
    for _n in range(5):
        sign_in(qtbot, window, "0000")
    window.close()
    window.till.close()
    again = build_till(["--db", str(demo_db_path)])
    qtbot.addWidget(again)
    again.till.lockout.clock = clock
    sign_in(qtbot, again, "9999")
    assert "locked" in sign_in_message(again) and not again.sale_page.isEnabled()
    again.close()
    again.till.close()


# --- 2. the discount limit at payment ------------------------------------------------------------------------


def test_a_bill_discount_then_quantity_down_to_one_needs_a_manager_at_payment(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "10*1003")  # 10 x 6.90 = 69.00
    key(qtbot, till_window, Qt.Key_F9)
    prompt(qtbot, till_window, "billDiscountDialog", "6.89")  # just under the 10% limit: no manager
    assert open_dialog(till_window, "managerApprovalDialog") is None
    scan(qtbot, till_window, "1*")  # then the quantity down to one: the bill is $0.01
    assert total_text(till_window) == "$0.01"
    key(qtbot, till_window, Qt.Key_F12)
    approval = wait_dialog(qtbot, till_window, "managerApprovalDialog")
    assert open_dialog(till_window, "paymentDialog") is None
    what = approval.findChild(QLabel, "approvalWhatLabel").text()
    assert "$6.89" in what and "$6.90" in what
    assert "gives away $6.89" in message(till_window)
    type_approval_pin(qtbot, till_window, "1111")  # a cashier cannot approve
    assert "not a manager" in approval.findChild(QLabel, "approvalMessageLabel").text()
    type_approval_pin(qtbot, till_window, "9999")
    bill = finish(qtbot, till_window, _pay_open(qtbot, till_window))
    assert bill.total == 1 and bill.discount_total == 689
    approved = AuditLog.get(AuditLog.action == "discount.approve")
    assert approved.user.name == "Manager" and approved.detail["given"] == 689


def _pay_open(qtbot, window):
    """The payment dialog the approval opened: Enter completes."""
    dialog = wait_dialog(qtbot, window, "paymentDialog")
    qtbot.keyClick(dialog.findChild(QLineEdit, "tenderedEdit"), Qt.Key_Return)
    return dialog


def test_stacked_line_and_bill_discounts_are_measured_together(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    key(qtbot, till_window, Qt.Key_F4)
    prompt(qtbot, till_window, "lineDiscountDialog", "10%")  # at the limit: allowed
    key(qtbot, till_window, Qt.Key_F9)
    prompt(qtbot, till_window, "billDiscountDialog", "10%")  # at the limit of what is left: allowed
    assert open_dialog(till_window, "managerApprovalDialog") is None
    key(qtbot, till_window, Qt.Key_F12)  # 19% off in all: a manager approves at payment
    wait_dialog(qtbot, till_window, "managerApprovalDialog").reject()
    qtbot.waitUntil(lambda: open_dialog(till_window, "managerApprovalDialog") is None)
    assert open_dialog(till_window, "paymentDialog") is None  # cancelled: no payment taken
    key(qtbot, till_window, Qt.Key_F12)
    type_approval_pin(qtbot, till_window, "9999")
    bill = finish(qtbot, till_window, _pay_open(qtbot, till_window))
    assert bill.discount_total == 690 - bill.total and bill.total == 559


def test_under_the_limit_pays_without_a_manager(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    key(qtbot, till_window, Qt.Key_F9)
    prompt(qtbot, till_window, "billDiscountDialog", "0.69")
    bill = finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    assert bill.total == 621 and not AuditLog.select().where(AuditLog.action == "discount.approve").exists()


# --- 7. odd input and plain text ----------------------------------------------------------------------------


def test_absurd_amount_paid_and_infinite_discount_get_one_line(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    key(qtbot, till_window, Qt.Key_F9)
    dialog = prompt(qtbot, till_window, "billDiscountDialog", "inf%")
    assert dialog.findChild(QLabel, "promptMessageLabel").text() == "'inf%' is not a percentage."
    dialog.reject()
    payment = pay(qtbot, till_window, "cash", "1E999999")
    assert payment.findChild(QLabel, "paymentMessageLabel").text() == "'1E999999' is too large to be an amount of money."
    errors = [b for b in till_window.findChildren(QMessageBox) if b.isVisible()]
    assert errors == [] and not closed(payment)


def test_crafted_item_and_customer_names_show_as_text_not_markup(qtbot, till_window):
    crafted = "<s>Water</s><b>$0.01</b>"
    Item.create(id=new_id(), code="6666", name=crafted, name_norm="water", price=5000)
    emily = Customer.get(Customer.phone == "+15550100001")
    Customer.update(name="<i>Emily</i> <a href='x'>R</a>").where(Customer.id == emily.id).execute()
    start(qtbot, till_window)
    scan(qtbot, till_window, "6666")
    key(qtbot, till_window, Qt.Key_F4)
    prompt(qtbot, till_window, "lineDiscountDialog", "50%")
    approval = wait_dialog(qtbot, till_window, "managerApprovalDialog")
    what = approval.findChild(QLabel, "approvalWhatLabel")
    assert what.textFormat() == Qt.PlainText and crafted in what.text() and "$25.00" in what.text()
    labels = [label for widget in [till_window, approval] for label in widget.findChildren(QLabel)]
    prompts = [w for w in till_window._dialogs if w.objectName() == "lineDiscountDialog"]
    labels += [label for w in prompts for label in w.findChildren(QLabel)]
    showing = [label for label in labels if "<s>" in label.text()]
    assert showing and all(label.textFormat() == Qt.PlainText for label in showing)
    type_approval_pin(qtbot, till_window, "9999")
    from sale_steps import choose_customer

    choose_customer(qtbot, till_window, "emily")
    names = [label for label in till_window.findChildren(QLabel) if "<i>Emily</i>" in label.text()]
    assert names and all(label.textFormat() == Qt.PlainText for label in names)
    payment = pay(qtbot, till_window, "card", "")
    assert all(label.textFormat() == Qt.PlainText for label in payment.findChildren(QLabel)
               if "Emily" in label.text())


# --- 5. a large file's integrity check ------------------------------------------------------------------


def _damage_middle_page(path) -> None:
    import os

    pages = path.stat().st_size // 4096
    with open(path, "r+b") as fh:
        fh.seek(4096 * (pages // 2))
        fh.write(os.urandom(4096))


def test_a_large_file_is_checked_in_the_background_and_the_window_says_so(qtbot, demo_db_path, monkeypatch):
    from PySide6.QtWidgets import QLabel, QMessageBox

    from app.main import build_till
    from db import integrity

    _damage_middle_page(demo_db_path)
    monkeypatch.setattr(integrity, "SYNC_LIMIT", 1024)  # the demo file stands in for a 2.5 GB one
    window = build_till(["--db", str(demo_db_path)])
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.integrity.problem is not None, timeout=20000)
        boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        assert boxes and "is damaged" in boxes[0].text()
        assert "damaged" in window.findChild(QLabel, "integrityStatusLabel").text()
    finally:
        window.close()
        window.till.close()


# --- 8. the import preview -----------------------------------------------------------------------------------


def test_import_preview_shows_each_change_and_a_rename_needs_the_tick(qtbot, till_window, tmp_path):
    from backoffice_steps import open_screen

    emily = Customer.get(Customer.phone == "+15550100001")
    source = tmp_path / "dup.csv"
    source.write_text("name,phone,notes\nEmily R Dup,+1 555 010 0001,imported note\n"
                      "Tina Test,+49 0000000,\n", encoding="utf-8")
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    dialog = window.open_import()
    dialog.load_file(str(source))
    qtbot.waitUntil(lambda: dialog.table is not None)
    qtbot.mouseClick(dialog.findChild(QPushButton, "checkImportButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None and not dialog.busy)
    view = dialog.findChild(QTableWidget, "importChangesView")
    rows = {view.item(r, 2).text(): [view.item(r, c).text() for c in range(5)] for r in range(view.rowCount())}
    assert rows["Name"][1:4] == ["Emily Roberts", "Name", "Emily Roberts"]
    assert rows["Name"][4].startswith("Emily R Dup") and "Overwrite names" in rows["Name"][4]
    assert rows["Notes"][3:] == [emily.notes or "", "imported note"]
    rejected = dialog.findChild(QTableWidget, "importRejectedView")
    reasons = [rejected.item(r, 1).text() for r in range(rejected.rowCount())]
    assert any("Overwrite names" in r for r in reasons)
    assert any("+49 0000000" in r for r in reasons)  # what the customer form refuses, the import refuses
    # importing without the tick leaves Emily as she is
    qtbot.mouseClick(dialog.findChild(QPushButton, "runImportButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None and not dialog.result.dry_run and not dialog.busy)
    assert Customer.get_by_id(emily.id).name == "Emily Roberts"
    # ticked, the manager's import renames her
    tick = dialog.findChild(QCheckBox, "overwriteNamesCheck")
    tick.setFocus()
    qtbot.keyClick(tick, Qt.Key_Space)
    assert tick.isChecked(), (dialog.isVisible(), tick.isVisible())
    dialog.result = None
    qtbot.mouseClick(dialog.findChild(QPushButton, "runImportButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None and not dialog.busy)
    after = Customer.get_by_id(emily.id)
    assert (after.name, after.notes) == ("Emily R Dup", "imported note")
    assert Customer.get_or_none(Customer.name == "Tina Test") is None

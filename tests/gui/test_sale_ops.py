"""The bill's writes as operations (issue 16): what the cashier does next never waits for the write, and
whatever must come first still does — the hold before the list that shows it, the approval's audit before
the payment it approves, the manager's PIN audit before the screen it opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sale_steps import bill_rows, key, open_dialog, scan, start, total_text, wait_dialog
from window_steps import focused

from db.models import AuditLog, HeldBill


def _pin(qtbot, window, pin: str) -> None:
    wait_dialog(qtbot, window, "managerApprovalDialog")
    edit = focused(qtbot, "approvalPinEdit")
    qtbot.keyClicks(edit, pin)
    qtbot.keyClick(edit, Qt.Key_Return)


def test_hold_then_recall_at_once_lists_the_bill_just_held(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "2*1001")
    key(qtbot, till_window, Qt.Key_F5)
    assert bill_rows(till_window) == []  # the next bill starts at once; the hold is on the write worker
    assert QApplication.focusWidget().objectName() == "itemCodeEdit"
    key(qtbot, till_window, Qt.Key_F6)  # before the hold's answer came back: the list is read behind it
    held = wait_dialog(qtbot, till_window, "heldBillsDialog")
    view = held.findChild(object, "heldBillsView")
    assert view.rowCount() == 1 and "2 items" in view.item(0, 1).text()
    assert QApplication.focusWidget() is view  # Enter recalls, Del drops
    qtbot.keyClick(view, Qt.Key_Delete)  # dropped on the write worker; the list shows what is left
    qtbot.waitUntil(lambda: view.rowCount() == 0)
    assert HeldBill.select().count() == 0 and "No bills are on hold" in held.message.text()
    assert QApplication.focusWidget() is view


def test_the_approval_is_audited_before_the_action_it_approves(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")  # 6.90
    key(qtbot, till_window, Qt.Key_F9)
    wait_dialog(qtbot, till_window, "billDiscountDialog")
    edit = focused(qtbot, "promptEdit")
    qtbot.keyClicks(edit, "50%")
    qtbot.keyClick(edit, Qt.Key_Return)  # over the cashier's limit: a manager approves the discount
    _pin(qtbot, till_window, "9999")
    qtbot.waitUntil(lambda: total_text(till_window) == "$3.45")  # the approved action ran…
    # …after its approval was written (the action is the audit's continuation, not a race with it)
    assert AuditLog.select().where(AuditLog.action == "manager.approve").count() == 1
    assert open_dialog(till_window, "managerApprovalDialog") is None
    focused(qtbot, "itemCodeEdit")  # and the next keystroke goes to the bill

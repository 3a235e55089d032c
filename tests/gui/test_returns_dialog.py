"""Returns through the real till window: Shift+F8, the receipt number typed (or scanned) into the focused
field, a quantity typed on the chosen line, Enter refunds; a second return of the same line is refused;
above the shop's limit a manager's PIN approves."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from sale_steps import choose_customer, closed, finish, key, pay, scan, start, wait_dialog

from app import loyalty, settings
from db.models import Bill, BillLine, Payment, User

SCREENS = Path("/work/notes/screens/returns")


def typed(qtbot, text: str, enter: bool = True) -> None:
    """What a cashier types (or a scanner sends) goes to whichever widget has the focus."""
    widget = QApplication.focusWidget()
    assert widget is not None
    if text:
        QTest.keyClicks(widget, text)
    if enter:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key_Return)


def open_returns(qtbot, window):
    key(qtbot, window, Qt.Key_F8, Qt.ShiftModifier)
    dialog = wait_dialog(qtbot, window, "returnDialog")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.findChild(object, "returnReceiptEdit"))
    return dialog


def refund_text(dialog) -> str:
    return dialog.findChild(QLabel, "returnRefundLabel").text()


def test_a_cashier_returns_part_of_a_sale_and_cannot_return_it_twice(qtbot, till_window):
    page = start(qtbot, till_window)
    assert page.findChild(QPushButton, "returnButton").text().endswith("Shift+F8")
    choose_customer(qtbot, till_window, "Emily")
    scan(qtbot, till_window, "3*1001")
    scan(qtbot, till_window, "1003")
    sale = finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    emily = sale.customer_id
    points = loyalty.balance(emily)

    dialog = open_returns(qtbot, till_window)
    typed(qtbot, sale.receipt_no)  # as a scanner sends it: the number and Enter
    view = dialog.findChild(object, "returnLinesView")
    qtbot.waitUntil(lambda: view.model().rowCount() == 2 and QApplication.focusWidget() is view)
    model = view.model()
    assert [model.index(r, 4).data() for r in range(2)] == ["3", "1"]  # still returnable
    typed(qtbot, "2", enter=False)  # two of the three espressos
    espresso = BillLine.get((BillLine.bill == sale.id) & (BillLine.line_no == 1))
    share = espresso.total * 2 // 3
    assert f"Refund ${share / 100:.2f}" in refund_text(dialog)
    typed(qtbot, "")  # Enter refunds
    qtbot.waitUntil(lambda: Bill.select().where(Bill.returns == sale.id).count() == 1)
    back = Bill.get(Bill.returns == sale.id)
    assert (back.kind, back.total) == ("return", -share)
    assert [(p.method, p.amount) for p in Payment.select().where(Payment.bill == back.id)] == [("card", -share)]
    message = dialog.findChild(QLabel, "returnMessageLabel")
    qtbot.waitUntil(lambda: "refunded" in message.text())
    assert back.receipt_no in message.text()
    assert [model.index(r, 4).data() for r in range(2)] == ["1", "1"]  # the view shows what is left
    assert back.points_earned < 0 and loyalty.balance(emily) == points + back.points_earned  # earned on it: gone

    # the same line again: only one espresso is left to return
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.findChild(object, "returnReceiptEdit"))
    typed(qtbot, sale.receipt_no.lower())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    typed(qtbot, "2", enter=False)
    assert "Only 1 of Espresso can be returned" in message.text()
    assert Bill.select().where(Bill.returns == sale.id).count() == 1
    typed(qtbot, "1", enter=False)
    assert "Refund $" in refund_text(dialog)
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 1024):
        dialog.resize(min(width - 120, 900), 560)
        QApplication.processEvents()
        dialog.grab().save(str(SCREENS / f"return_dialog_{width}.png"))
    typed(qtbot, "")
    qtbot.waitUntil(lambda: Bill.select().where(Bill.returns == sale.id).count() == 2)
    qtbot.keyClick(dialog, Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog))

    # the customer's order history marks the sale
    from PySide6.QtWidgets import QTableWidget

    from ui.customer_view import CustomerView

    view = CustomerView(till_window, till_window, User.get(User.name == "Manager"), emily)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.card is not None)  # audited, then read off the UI thread
    orders = view.findChild(QTableWidget, "orderHistoryView")
    assert orders.item(view.bill_ids.index(sale.id), 5).text() == "Returns"


def test_a_refund_above_the_limit_waits_for_a_managers_pin(qtbot, till_window):
    manager = User.get(User.name == "Manager")
    settings.update({"return_approval_limit": 300}, manager)
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    sale = finish(qtbot, till_window, pay(qtbot, till_window, "cash", "10"))
    dialog = open_returns(qtbot, till_window)
    typed(qtbot, sale.receipt_no.split("-")[-1])  # the number alone: this till's receipt
    view = dialog.findChild(object, "returnLinesView")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    qtbot.keyClick(dialog, Qt.Key_F4)  # refund in cash
    typed(qtbot, " ", enter=False)  # Space: the whole line
    assert "a manager approves" in refund_text(dialog)
    typed(qtbot, "")
    approval = wait_dialog(qtbot, till_window, "managerApprovalDialog")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is approval.findChild(object, "approvalPinEdit"))
    assert Bill.select().where(Bill.returns == sale.id).count() == 0
    typed(qtbot, "9999")
    qtbot.waitUntil(lambda: Bill.select().where(Bill.returns == sale.id).count() == 1)
    back = Bill.get(Bill.returns == sale.id)
    assert [(p.method, p.amount) for p in Payment.select().where(Payment.bill == back.id)] == [("cash", -690)]
    qtbot.waitUntil(lambda: "approved by Manager" in dialog.findChild(QLabel, "returnMessageLabel").text())


def test_the_printed_receipt_carries_its_number_as_a_barcode_that_a_return_resolves(qtbot, till_window):
    from app import receipt, returns
    from ui.receipt_view import print_escpos

    start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    sale = finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    printed = receipt.build(sale.id)
    device = print_escpos(printed, "dummy")
    assert b"\x1dkI" + bytes([len(printed.scan_code) + 2]) + b"{B" + printed.scan_code.encode() in device.output
    assert returns.find_sale(printed.scan_code + "\r\n").id == sale.id  # what the scanner sends back

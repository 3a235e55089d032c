"""Steps of a sale driven through the real till window by object names (shared by tests/gui/test_sale_*)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton
from window_steps import focused, sign_in

from app import receipt, settings
from db.models import Bill, BillLine, Payment, User


def closed(widget) -> bool:
    """A dialog that was closed (dialogs kept open by the window are deleted on close)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def open_dialog(window, name):
    found = [w for w in window.findChildren(QDialog, name) if w.isVisible()]
    return found[-1] if found else None


def wait_dialog(qtbot, window, name):
    qtbot.waitUntil(lambda: open_dialog(window, name) is not None)
    return open_dialog(window, name)


def start(qtbot, window, pin="1111", profiles=None):
    """Sign in; optionally switch Show Customer Profile on or off first (a manager's setting)."""
    if profiles is not None:
        manager = User.get(User.name == "Manager")
        changed = settings.update({"show_customer_profile": profiles}, manager)
        window.notify_settings_changed(changed)
    sign_in(qtbot, window, pin)
    page = window.sale_page
    assert page.isEnabled()
    return page


def code_edit(window) -> QLineEdit:
    return window.findChild(QLineEdit, "itemCodeEdit")


def scan(qtbot, window, code: str) -> None:
    """Type or scan a code and Enter into the focused widget, which must be the item field."""
    edit = focused(qtbot, "itemCodeEdit")
    qtbot.keyClicks(edit, code)
    qtbot.keyClick(edit, Qt.Key_Return)


def key(qtbot, window, which, modifier=Qt.NoModifier) -> None:
    """A key pressed at the bill: it goes to the focused widget, which must be the item field."""
    qtbot.keyClick(focused(qtbot, "itemCodeEdit"), which, modifier)


def total_text(window) -> str:
    return window.findChild(QLabel, "billTotalLabel").text()


def message(window) -> str:
    return window.findChild(QLabel, "saleMessageLabel").text()


def bill_rows(window) -> list[tuple[str, str, str]]:
    """(item, qty, amount) as the bill view shows them."""
    view = window.findChild(object, "billLinesView")
    model = view.model()
    return [(model.index(r, 1).data(), model.index(r, 2).data(), model.index(r, 5).data())
            for r in range(model.rowCount())]


def choose_customer(qtbot, window, typed: str, expect_pick: bool = True):
    key(qtbot, window, Qt.Key_F2)
    picker = wait_dialog(qtbot, window, "customerPickerDialog")
    search = focused(qtbot, "customerSearchEdit")
    qtbot.keyClicks(search, typed)
    qtbot.waitUntil(lambda: picker.is_current() and picker.results_model.rowCount() > 0)
    qtbot.keyClick(search, Qt.Key_Return)
    if expect_pick:
        qtbot.waitUntil(lambda: closed(picker))
    return picker


def pay(qtbot, window, method: str | None = None, amount: str | None = None, split=()):
    """F12, optional split parts [(method_key, amount)], then the final method/amount and Enter."""
    key(qtbot, window, Qt.Key_F12)
    dialog = wait_dialog(qtbot, window, "paymentDialog")
    edit = focused(qtbot, "tenderedEdit")
    keys = {"cash": Qt.Key_F1, "card": Qt.Key_F2, "other": Qt.Key_F3, "loyalty": Qt.Key_F4}
    for part_method, part_amount in split:
        qtbot.keyClick(edit, keys[part_method])
        edit.selectAll()
        qtbot.keyClicks(edit, part_amount)
        qtbot.keyClick(edit, Qt.Key_F5)
    if method:
        qtbot.keyClick(edit, keys[method])
    if amount is not None:
        edit.selectAll()
        qtbot.keyClicks(edit, amount)
    qtbot.keyClick(edit, Qt.Key_Return)
    return dialog


def finish(qtbot, window, dialog) -> Bill:
    qtbot.waitUntil(lambda: closed(dialog), timeout=10000)
    return Bill.get_by_id(window.sale_page.last_sale.bill_id)


def assert_database_matches_receipt(bill: Bill, shown_rows, shown_total: str) -> receipt.Receipt:
    """The stored bill, its lines and payments are exactly what the receipt says and what the screen showed."""
    printed = receipt.build(bill.id)
    money = printed.money
    lines = list(BillLine.select().where(BillLine.bill == bill.id).order_by(BillLine.line_no))
    assert [(x.name, x.quantity, x.total) for x in lines] == [(x.name, x.quantity, x.total) for x in printed.lines]
    assert [(x.quantity, money(x.total)) for x in printed.lines] == [(int(q), a) for _, q, a in shown_rows]
    assert money(bill.total) == money(printed.total) == shown_total
    assert sum(x.total for x in lines) + bill.rounding == bill.total
    payments = list(Payment.select().where(Payment.bill == bill.id))
    assert sorted((p.method, p.amount, p.change) for p in payments) == sorted(
        (p.method, p.amount, p.change) for p in printed.payments)
    assert sum(p.amount for p in payments) == bill.total
    text = printed.text()
    assert printed.receipt_no in text and money(bill.total) in text
    return printed


def combo(window) -> QComboBox:
    return window.findChild(QComboBox, "customerProfileCombo")


def button(window, name) -> QPushButton:
    return window.findChild(QPushButton, name)

"""Day-one details at the counter: one window per customer, the first field focused, destructive buttons
in red, no stale messages, the receipt choice in the payment's result, and quick cash."""

from __future__ import annotations

import pytest
from backoffice_steps import open_screen, visible
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton, QTableView
from sale_steps import choose_customer, finish, key, message, pay, scan, start, wait_dialog
from window_steps import focused, sign_in

from db.models import Customer
from ui.customers_window import NAME


def _views(window):
    return [w for w in window.findChildren(QDialog, "customerViewDialog") if w.isVisible()]


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform cannot raise a window
def test_double_clicking_a_customer_opens_one_window(qtbot, till_window):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    qtbot.waitUntil(lambda: not window.model.loading and window.model.rowCount() > 0)
    emily = Customer.get(Customer.name == "Emily Roberts")
    window.select_customer(emily.id)
    view = window.findChild(QTableView, "customerListView")
    cell = view.visualRect(window.model.index(window.model.row_of_id(emily.id), NAME)).center()
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, cell)  # a double-click: click, then again
    QTest.mouseDClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, cell)
    qtbot.waitUntil(lambda: len(_views(window)) >= 1)
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, cell)  # again: raised, not doubled
    QTest.mouseDClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, cell)
    qtbot.wait(50)
    assert len(_views(window)) == 1 and _views(window)[0].customer_id == emily.id


def test_new_customer_forms_start_in_their_first_field(qtbot, till_window):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    window.findChild(QPushButton, "newCustomerButton").click()
    qtbot.waitUntil(lambda: visible(window, "customerFormDialog") is not None)
    qtbot.keyClicks(focused(qtbot, "customer_nameEdit"), "Grace Hopper")
    assert visible(window, "customerFormDialog").edits["name"].text() == "Grace Hopper"
    visible(window, "customerFormDialog").reject()
    window.close()
    # the quick add in the picker (F2, then F4) starts in the name field
    key(qtbot, till_window, Qt.Key_F2)
    picker = wait_dialog(qtbot, till_window, "customerPickerDialog")
    qtbot.keyClick(focused(qtbot, "customerSearchEdit"), Qt.Key_F4)
    qtbot.keyClicks(focused(qtbot, "newCustomerNameEdit"), "Ada")
    assert picker.findChild(QObject, "newCustomerNameEdit").text() == "Ada"


def _colour_at_edge(button):
    image = button.grab().toImage()
    return image.pixelColor(6, image.height() // 2)


def test_destructive_confirmations_are_red_and_enter_cancels(qtbot, till_window):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    qtbot.waitUntil(lambda: not window.model.loading and window.model.rowCount() > 0)
    window.select_customer(Customer.get(Customer.name == "Emily Roberts").id)
    window.findChild(QPushButton, "deleteCustomerButton").click()
    box = window.findChild(QMessageBox, "confirmDialog")
    yes = box.findChild(QPushButton, "confirmYesButton")
    qtbot.waitUntil(yes.isVisible)
    red = _colour_at_edge(yes)
    assert red.red() > 150 and red.green() < 80 and red.blue() < 80, red.name()  # not the green of safe actions
    assert box.defaultButton() is not yes
    qtbot.keyClick(box, Qt.Key_Return)  # Enter cancels: nothing is deactivated
    qtbot.waitUntil(lambda: not box.isVisible())
    assert Customer.get(Customer.name == "Emily Roberts").status == "active"
    # a safe confirmation keeps the green default
    from ui.form_helpers import confirm

    safe = confirm(window, "Export", "Export?", lambda: None)
    green = _colour_at_edge(safe.findChild(QPushButton, "confirmYesButton"))
    assert green.green() > green.red()
    safe.reject()


def test_messages_of_the_last_bill_or_session_do_not_stay(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "424242")
    assert "No item" in message(till_window)
    scan(qtbot, till_window, "1001")
    finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    assert message(till_window) == ""
    scan(qtbot, till_window, "424242")
    till_window.sign_out()
    sign_in(qtbot, till_window, "1111")
    assert message(till_window) == ""
    assert not till_window.sale_page.sale_result.isVisible()


class _MailCatcher(QObject):
    def __init__(self):
        super().__init__()
        self.urls = []

    @Slot("QUrl")
    def open(self, url):
        self.urls.append(url)


def test_the_payment_result_offers_print_email_or_no_receipt(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    choose_customer(qtbot, till_window, "emily")
    sale = finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    bar = till_window.sale_page.sale_result
    assert bar.isVisible() and sale.receipt_no in bar.label.text()
    for name in ("printLastReceiptButton", "emailLastReceiptButton", "noReceiptButton"):
        assert bar.findChild(QPushButton, name).isVisible()
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not till_window]  # no dialog
    catcher = _MailCatcher()
    QDesktopServices.setUrlHandler("mailto", catcher, "open")
    try:
        key(qtbot, till_window, Qt.Key_E, Qt.ControlModifier)
        qtbot.waitUntil(lambda: bool(catcher.urls))
    finally:
        QDesktopServices.unsetUrlHandler("mailto")
    url = catcher.urls[0]
    assert url.scheme() == "mailto" and url.path() == "emily.roberts@example.com"
    assert sale.receipt_no in url.query(url.ComponentFormattingOption.FullyDecoded)
    assert not bar.isVisible() and "written to emily.roberts@example.com" in message(till_window)

    # the next sale: Ctrl+P opens the print preview of its receipt straight away
    scan(qtbot, till_window, "1001")
    second = finish(qtbot, till_window, pay(qtbot, till_window, "cash", "5"))
    key(qtbot, till_window, Qt.Key_P, Qt.ControlModifier)
    preview = wait_dialog(qtbot, till_window, "receiptPrintPreview")
    assert second.receipt_no in preview.windowTitle() or preview.isVisible()
    preview.close()
    # and Esc (or the next scan) means no receipt
    scan(qtbot, till_window, "1001")
    finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    assert bar.isVisible()
    key(qtbot, till_window, Qt.Key_Escape)
    assert not bar.isVisible()


def test_quick_cash_buttons_by_keyboard(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "2*1003")  # $13.80
    key(qtbot, till_window, Qt.Key_F12)
    dialog = wait_dialog(qtbot, till_window, "paymentDialog")
    edit = focused(qtbot, "tenderedEdit")
    qtbot.keyClick(edit, Qt.Key_F1)  # cash
    texts = [dialog.findChild(QPushButton, f"quickCashButton{i}").text() for i in range(1, 5)]
    assert texts == ["Exact $13.80  Alt+1", "$14.00  Alt+2", "$15.00  Alt+3", "$20.00  Alt+4"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_4, Qt.AltModifier)
    assert edit.text() == "20.00" and "Change due: $6.20" in dialog.findChild(QObject, "changeDueLabel").text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    bill = finish(qtbot, till_window, dialog)
    assert [(p.method, p.tendered, p.change) for p in bill.payments] == [("cash", 2000, 620)]
    qtbot.keyClick(focused(qtbot, "itemCodeEdit"), Qt.Key_F12)  # an empty bill: nothing to pay

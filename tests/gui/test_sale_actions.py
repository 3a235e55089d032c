"""The bill's commands are QActions: in the window's Bill menu with their keys, run by those keys from the
item field, never by keys typed into a dialog over the bill; the write worker gets a frozen bill."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit
from sale_steps import bill_rows, code_edit, key, scan, start, wait_dialog


def test_bill_menu_lists_every_command_with_its_key(qtbot, till_window):
    start(qtbot, till_window)
    listed = {a.objectName(): a for a in till_window.bill_menu.actions() if not a.isSeparator()}
    for name, key_text in [("selectCustomerAction", "F2"), ("removeCustomerAction", "Shift+F2"),
                           ("payAction", "F12"), ("returnAction", "Shift+F8"), ("newBillAction", "Ctrl+N"),
                           ("orderAgain1Action", "Alt+1")]:
        assert listed[name].shortcut().toString() == key_text
    assert "\t+" in listed["qtyUpAction"].text()
    assert till_window.findChild(QAction, "payAction").toolTip() == "Pay (F12)"


def test_menu_command_runs_and_commands_are_off_when_signed_out(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    till_window.findChild(QAction, "holdAction").trigger()
    assert bill_rows(till_window) == []
    till_window.sign_out()
    assert not till_window.findChild(QAction, "payAction").isEnabled()


def test_keys_typed_into_a_dialog_stay_in_the_dialog(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    key(qtbot, till_window, Qt.Key_F11)  # note
    dialog = wait_dialog(qtbot, till_window, "noteDialog")
    edit = dialog.findChild(QLineEdit)
    qtbot.keyClick(edit, Qt.Key_F5)  # hold, if it reached the bill
    qtbot.keyClick(edit, Qt.Key_N, Qt.ControlModifier)
    assert len(bill_rows(till_window)) == 1
    assert dialog.isVisible()


def test_shift_f2_from_the_item_field_takes_the_customer_off(qtbot, till_window):
    page = start(qtbot, till_window)
    from db.models import Customer

    page.set_customer(Customer.get(Customer.name == "Emily Roberts").id)
    assert QApplication.focusWidget() is code_edit(till_window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_F2, Qt.ShiftModifier)
    assert page.cart.customer is None


def test_the_worker_gets_a_frozen_copy_of_the_bill(qtbot, till_window):
    page = start(qtbot, till_window)
    scan(qtbot, till_window, "2*1003")
    bill = page.cart.frozen()
    page.cart.change_quantity(page.cart.lines[0].id, 1)
    assert bill.lines[0].quantity == 2 and page.cart.lines[0].quantity == 3
    assert bill.price().total < page.cart.price().total
    with pytest.raises(TypeError):
        bill.change_quantity(bill.lines[0].id, 1)


def test_a_bill_built_after_start_up_fills_the_bill_menu(qtbot, till_window):
    from ui.till_window import TillWindow

    window = TillWindow(till_window.till, defer_bill=True)  # start-up builds the bill after the first paint
    qtbot.addWidget(window)
    assert window._sale_page is None and window.bill_menu.actions() == []
    window.ensure_sale_page()
    names = {a.objectName() for a in window.bill_menu.actions()}
    assert {"payAction", "holdAction", "orderAgain5Action"} <= names
    assert not window.findChild(QAction, "payAction").isEnabled()  # nobody signed in on this window

"""The keyboard is never dead: the PIN field has the focus whenever the sign-in page shows, the item field
right after sign-in, and the cashier's keystrokes (typed into whatever has the focus) sell."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sale_steps import bill_rows, wait_dialog
from window_steps import focused, sign_in


def test_focus_follows_sign_in_and_sign_out(qtbot, till_window):
    assert focused(qtbot, "pinEdit") is till_window.sign_in_page.pin_edit
    sign_in(qtbot, till_window, "1111")
    edit = focused(qtbot, "itemCodeEdit")  # no click needed: a scan goes straight to the bill
    qtbot.keyClicks(QApplication.focusWidget(), "2*1001")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    assert bill_rows(till_window) == [("Espresso", "2", "$5.00")] and edit.text() == ""
    till_window.sign_out()
    assert focused(qtbot, "pinEdit").isVisible()
    sign_in(qtbot, till_window, "9999")  # typed into the focused field again
    assert "Manager" in till_window.signed_in_label.text()
    focused(qtbot, "itemCodeEdit")


def test_the_focus_comes_back_to_the_item_field_after_a_dialog(qtbot, till_window):
    sign_in(qtbot, till_window, "1111")
    qtbot.keyClick(focused(qtbot, "itemCodeEdit"), Qt.Key_F3)
    wait_dialog(qtbot, till_window, "itemSearchDialog")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    qtbot.keyClicks(focused(qtbot, "itemCodeEdit"), "1003")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    assert bill_rows(till_window) == [("Veggie Wrap", "1", "$6.90")]


def test_an_open_customers_window_does_not_take_the_keyboard_from_the_bill(qtbot, till_window):
    from backoffice_steps import open_screen

    customers = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    till_window.activateWindow()
    qtbot.keyClick(focused(qtbot, "itemCodeEdit"), Qt.Key_F3)
    wait_dialog(qtbot, till_window, "itemSearchDialog")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    qtbot.keyClicks(focused(qtbot, "itemCodeEdit"), "1001")  # back on the bill, not in the Customers window
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    assert bill_rows(till_window) == [("Espresso", "1", "$2.50")] and customers.isVisible()

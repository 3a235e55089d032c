"""The till starts at sign-in, signs people in by PIN, and keeps manager screens from cashiers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QPushButton
from window_steps import sign_in


def test_till_opens_at_sign_in_with_the_bill_disabled(till_window):
    assert till_window.objectName() == "tillWindow" and till_window.isVisible()
    pin = till_window.findChild(QLineEdit, "pinEdit")
    assert pin.isVisible() and pin.echoMode() == QLineEdit.Password
    assert not till_window.sale_page.isEnabled()
    assert till_window.findChild(QLabel, "signedInLabel").text() == "Not signed in"
    assert till_window.findChild(QLabel, "syncStatusLabel").text() == "● Offline · Not linked to a central store"


def test_wrong_pin_is_refused_and_right_pin_signs_in(qtbot, till_window):
    sign_in(qtbot, till_window, "1234")
    assert "does not match" in till_window.findChild(QLabel, "signInMessageLabel").text()
    assert not till_window.sale_page.isEnabled()
    sign_in(qtbot, till_window, "1111")
    assert till_window.findChild(QLabel, "signedInLabel").text() == "Cashier"
    assert till_window.sale_page.isEnabled() and till_window.sale_page.isVisible()
    assert till_window.findChild(QLineEdit, "itemCodeEdit").isVisible()


def _open_dialog(window, name):
    return next((w for w in window.findChildren(QDialog, name) if w.isVisible()), None)


def test_cashier_is_asked_for_a_manager_pin_before_settings(qtbot, till_window):
    sign_in(qtbot, till_window, "1111")
    till_window.settings_action.trigger()
    approval = _open_dialog(till_window, "managerApprovalDialog")
    assert approval is not None and _open_dialog(till_window, "settingsDialog") is None
    pin = approval.findChild(QLineEdit, "approvalPinEdit")
    qtbot.keyClicks(pin, "1111")
    qtbot.keyClick(pin, Qt.Key_Return)
    assert approval.isVisible() and _open_dialog(till_window, "settingsDialog") is None
    qtbot.keyClicks(pin, "9999")
    qtbot.keyClick(pin, Qt.Key_Return)
    qtbot.waitUntil(lambda: _open_dialog(till_window, "settingsDialog") is not None)


def test_manager_turns_on_show_customer_profile_with_f4(qtbot, till_window):
    sign_in(qtbot, till_window, "9999")
    combo = till_window.sale_page.customer_profile_combo
    assert not combo.isVisible()
    till_window.settings_action.trigger()
    dialog = _open_dialog(till_window, "settingsDialog")
    check = dialog.findChild(QCheckBox, "showCustomerProfileCheck")
    check.setChecked(True)
    assert dialog.findChild(QPushButton, "updateButton") is not None
    qtbot.keyClick(dialog, Qt.Key_F4)
    qtbot.waitUntil(combo.isVisible)

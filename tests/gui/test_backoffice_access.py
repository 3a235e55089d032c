"""A cashier is refused every manager screen without a manager's PIN; with one, the screen opens."""

from __future__ import annotations

import pytest
from backoffice_steps import visible
from PySide6.QtCore import Qt
from window_steps import focused, sign_in

SCREENS = [("settings_action", "settingsDialog"), ("customers_action", "customersWindow"),
           ("profiles_action", "customerProfilesDialog"), ("reports_action", "reportsWindow")]


@pytest.mark.parametrize("action, screen", SCREENS)
def test_a_cashier_needs_a_manager_pin_for_every_manager_screen(qtbot, till_window, action, screen):
    sign_in(qtbot, till_window, "1111")
    qtbot.waitUntil(till_window.sale_page.isEnabled)
    getattr(till_window, action).trigger()
    approval = visible(till_window, "managerApprovalDialog")
    assert approval is not None and visible(till_window, screen) is None
    pin = focused(qtbot, "approvalPinEdit")  # the PIN is typed where the focus is
    qtbot.keyClicks(pin, "1111")  # the cashier's own PIN is not a manager's
    qtbot.keyClick(pin, Qt.Key_Return)
    assert approval.isVisible() and visible(till_window, screen) is None
    assert pin.text() == ""  # a refused PIN is cleared for the next try
    qtbot.keyClick(pin, Qt.Key_Escape)  # the cashier gives up: the approval closes, nothing opens,
    qtbot.waitUntil(lambda: not approval.isVisible())
    focused(qtbot, "itemCodeEdit")  # and the keyboard is back on the bill
    assert visible(till_window, screen) is None
    getattr(till_window, action).trigger()
    approval = visible(till_window, "managerApprovalDialog")
    pin = focused(qtbot, "approvalPinEdit")  # the PIN is typed where the focus is
    qtbot.keyClicks(pin, "9999")
    qtbot.keyClick(pin, Qt.Key_Return)
    qtbot.waitUntil(lambda: visible(till_window, screen) is not None)
    opened = visible(till_window, screen)
    assert opened.manager.name == "Manager"  # changes made there are made (and audited) as the manager
    # signing out closes it: a manager screen never outlives the session that opened it
    till_window.sign_out()
    qtbot.waitUntil(lambda: visible(till_window, screen) is None)

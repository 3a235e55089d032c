"""Issue 17, item 8: a cashier taking points on a balance the till has not confirmed with the central store
recently is warned in the payment dialog (the sale still stands; a negative balance goes to the manager)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from sale_steps import choose_customer, key, scan, start, wait_dialog

from app import settings


def _points_line(qtbot, window) -> str:
    start(qtbot, window)
    scan(qtbot, window, "1003")
    choose_customer(qtbot, window, "emily")
    key(qtbot, window, Qt.Key_F12)
    dialog = wait_dialog(qtbot, window, "paymentDialog")
    qtbot.keyClick(dialog.findChild(QLineEdit, "tenderedEdit"), Qt.Key_F4)
    label = dialog.findChild(QLabel, "paymentPointsLabel")
    assert label.textFormat() == Qt.PlainText
    text = label.text()
    dialog.reject()
    return text


@pytest.mark.parametrize("synced_minutes_ago, warned", [(120, True), (2, False)])
def test_points_on_an_unconfirmed_balance_warn_the_cashier(qtbot, till_window, synced_minutes_ago, warned):
    settings.set_local("central_url", "http://127.0.0.1:9")
    when = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=synced_minutes_ago)
    settings.set_local("last_sync_at", when.isoformat())
    text = _points_line(qtbot, till_window)
    assert "has" in text and "points" in text
    assert ("not confirmed with the central store" in text) is warned

"""An open bill is never lost: closing the window or signing out keeps it as a held bill (F6 lists it,
also after a restart), the next person starts with an empty bill, and a closed window lets go of its
database and workers so the same process can open the file again."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from sale_steps import bill_rows, key, message, scan, total_text, wait_dialog
from window_steps import focused, sign_in

from app.main import build_till


def _recall_first(qtbot, window):
    key(qtbot, window, Qt.Key_F6)
    held = wait_dialog(qtbot, window, "heldBillsDialog")
    assert held.findChild(object, "heldBillsView").rowCount() >= 1
    qtbot.keyClick(focused(qtbot, "heldBillsView"), Qt.Key_Return)
    qtbot.waitUntil(lambda: bool(bill_rows(window)))


def test_closing_the_window_keeps_the_bill_and_frees_the_file(qtbot, demo_db_path):
    window = build_till(["--db", str(demo_db_path)])
    sign_in(qtbot, window, "1111")
    for code in ["3*1001", "1003", "1002"]:
        scan(qtbot, window, code)
    rows, total = bill_rows(window), total_text(window)
    assert len(rows) == 3
    window.close()
    # the database and every worker of the window are gone: no thread of it is left, the file opens again
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name.startswith(("till-sync", "till-task"))])
    again = build_till(["--db", str(demo_db_path)])
    qtbot.addWidget(again)
    try:
        sign_in(qtbot, again, "9999")
        assert bill_rows(again) == [] and "held bill" in message(again)  # the new session starts empty
        _recall_first(qtbot, again)
        assert bill_rows(again) == rows and total_text(again) == total
    finally:
        again.close()


def test_signing_out_keeps_the_bill_and_the_next_person_starts_empty(qtbot, till_window):
    sign_in(qtbot, till_window, "1111")
    scan(qtbot, till_window, "2*1003")
    rows = bill_rows(till_window)
    till_window.sign_out()
    focused(qtbot, "pinEdit")
    sign_in(qtbot, till_window, "9999")
    assert bill_rows(till_window) == [] and total_text(till_window) == "$0.00"
    assert "1 held bill" in message(till_window)
    _recall_first(qtbot, till_window)
    assert bill_rows(till_window) == rows


def test_closing_while_a_sale_is_saved_does_not_also_hold_it(qtbot, demo_db_path):
    from db.models import Bill, HeldBill

    window = build_till(["--db", str(demo_db_path)])
    sign_in(qtbot, window, "1111")
    scan(qtbot, window, "1003")
    key(qtbot, window, Qt.Key_F12)
    wait_dialog(qtbot, window, "paymentDialog")
    bills = Bill.select().count()
    qtbot.keyClick(focused(qtbot, "tenderedEdit"), Qt.Key_Return)  # the sale goes to the write worker…
    window.close()  # …and the window closes at once
    again = build_till(["--db", str(demo_db_path)])
    qtbot.addWidget(again)
    try:
        assert Bill.select().count() == bills + 1  # sold
        assert HeldBill.select().count() == 0  # and not kept as well
    finally:
        again.close()


def test_signing_out_with_the_payment_open_closes_it_and_keeps_the_bill(qtbot, till_window):
    from db.models import HeldBill

    sign_in(qtbot, till_window, "1111")
    scan(qtbot, till_window, "1003")
    key(qtbot, till_window, Qt.Key_F12)
    payment = wait_dialog(qtbot, till_window, "paymentDialog")
    till_window.sign_out_action.trigger()  # signed out while the payment is open (e.g. by a manager's tool)
    qtbot.waitUntil(lambda: not payment.isVisible())
    focused(qtbot, "pinEdit")
    assert HeldBill.select().count() == 1 and bill_rows(till_window) == []

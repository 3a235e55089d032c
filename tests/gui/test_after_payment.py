"""After Enter in the payment dialog: a slow durable commit (here another connection holds the database's
write lock) shows that it is working, ignores a second Enter and Esc and sells once; the next bill starts
from the shop's settings as they are now, also when another till changed them and no one here said so."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton
from sale_steps import bill_rows, closed, finish, pay, scan, start

from app import settings
from db.models import Bill, User, database


def _hold_write_lock(taken: threading.Event, release: threading.Event) -> None:
    """On its own thread (its own connection): take the write lock until ``release`` is set."""
    database.execute_sql("BEGIN IMMEDIATE")
    taken.set()
    release.wait(20)
    database.execute_sql("ROLLBACK")
    database.close()


def test_a_slow_commit_shows_it_is_working_and_sells_once(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    before = Bill.select().count()
    taken, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(taken, release))
    holder.start()
    try:
        assert taken.wait(5)
        dialog = pay(qtbot, till_window)  # Enter: the sale waits for the lock on the write worker
        done = dialog.findChild(QPushButton, "completeSaleButton")
        message = dialog.findChild(QLabel, "paymentMessageLabel")
        qtbot.waitUntil(lambda: not done.isEnabled() and "Completing the sale" in message.text(), timeout=3000)
        for again in (Qt.Key_Return, Qt.Key_Escape):  # a second Enter sells nothing twice, Esc cannot cancel
            qtbot.keyClick(QApplication.focusWidget() or dialog, again)
        assert dialog.isVisible() and bill_rows(till_window)
    finally:
        release.set()
        holder.join(10)
    qtbot.waitUntil(lambda: closed(dialog) and not bill_rows(till_window), timeout=10000)
    qtbot.wait(300)  # anything queued by the extra keys has run
    assert Bill.select().count() == before + 1



def test_the_next_bill_starts_from_the_settings_as_they_are_now(qtbot, till_window):
    page = start(qtbot, till_window, profiles=False)
    combo = till_window.findChild(QComboBox, "customerProfileCombo")
    scan(qtbot, till_window, "1003")
    finish(qtbot, till_window, pay(qtbot, till_window))
    assert not combo.isVisible()
    # a manager turns profiles on elsewhere; a sync writes it here and announces nothing to this window
    settings.update({"show_customer_profile": True}, User.get(User.name == "Manager"))
    scan(qtbot, till_window, "1001")
    finish(qtbot, till_window, pay(qtbot, till_window))
    qtbot.waitUntil(lambda: page.cart.settings.show_customer_profile and combo.isVisible())
    assert not bill_rows(till_window)


def test_a_promotion_announced_during_a_bill_prices_the_very_next_bill(qtbot, till_window):
    """Pulled by sync (which announces what it wrote) while a bill is open: the next bill has it from its
    first line, with no wait after the sale."""
    from app import promotions
    from app.changes import Changes

    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")  # $6.90
    promotions.save(User.get(User.name == "Manager"), {"name": "Rainy day", "kind": "percent", "value": 1000,
                                                      "needs_consent": False})
    till_window.announce(Changes.of("promotion"))  # what the sync worker's relay does after a pull
    finish(qtbot, till_window, pay(qtbot, till_window))
    assert not bill_rows(till_window)
    scan(qtbot, till_window, "1003")  # at once: the bill was cleared a moment ago
    assert till_window.findChild(QLabel, "billTotalLabel").text() == "$6.21"

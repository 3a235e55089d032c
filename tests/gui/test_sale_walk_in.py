"""A whole sale without a customer, by keyboard only, and the bill screen's refusals of bad input."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QLabel, QLineEdit
from sale_steps import (
    assert_database_matches_receipt,
    bill_rows,
    closed,
    code_edit,
    finish,
    key,
    message,
    open_dialog,
    pay,
    scan,
    start,
    total_text,
    wait_dialog,
)
from window_steps import focused

from app import settings
from db.models import Barcode, Bill, Item, Outbox


def test_walk_in_cash_sale_with_change_by_keyboard_only(qtbot, till_window):
    page = start(qtbot, till_window)
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    scan(qtbot, till_window, "3*1001")
    scan(qtbot, till_window, "1003")
    scan(qtbot, till_window, "1001")  # merges into the espresso line
    assert bill_rows(till_window) == [("Espresso", "4", "$10.00"), ("Veggie Wrap", "1", "$6.90")]
    key(qtbot, till_window, Qt.Key_Up)  # choose the espresso line
    key(qtbot, till_window, Qt.Key_Minus)
    key(qtbot, till_window, Qt.Key_Minus)
    assert bill_rows(till_window)[0] == ("Espresso", "2", "$5.00")
    key(qtbot, till_window, Qt.Key_Plus)
    assert bill_rows(till_window)[0] == ("Espresso", "3", "$7.50")
    scan(qtbot, till_window, "5*")  # a quantity and * sets the chosen line
    assert bill_rows(till_window)[0] == ("Espresso", "5", "$12.50")
    scan(qtbot, till_window, "3*")
    scan(qtbot, till_window, "1002")
    key(qtbot, till_window, Qt.Key_Delete)  # removes the chosen (last added) line
    assert [r[0] for r in bill_rows(till_window)] == ["Espresso", "Veggie Wrap"]
    assert total_text(till_window) == "$14.40"
    shown_rows, shown_total = bill_rows(till_window), total_text(till_window)
    bills_before, outbox_before = Bill.select().count(), Outbox.select().count()

    dialog = pay(qtbot, till_window, "cash", "20")
    assert "Change due: $5.60" in dialog.findChild(QLabel, "changeDueLabel").text()
    bill = finish(qtbot, till_window, dialog)
    assert Bill.select().count() == bills_before + 1 and Outbox.select().count() > outbox_before
    assert bill.customer_id is None and bill.profile_id is None and bill.total == 1440
    printed = assert_database_matches_receipt(bill, shown_rows, shown_total)
    assert printed.change == 560
    # a new bill starts, and the last sale says what to give back
    assert bill_rows(till_window) == [] and total_text(till_window) == "$0.00"
    assert "Change due $5.60" in till_window.findChild(QLabel, "lastSaleLabel").text()
    assert focused(qtbot, "itemCodeEdit") is code_edit(till_window)  # the next scan goes to the new bill


def test_a_barcode_scanner_burst_is_read_exactly(qtbot, till_window):
    start(qtbot, till_window)
    codes = [b.code for b in Barcode.select().join(Item).where(Item.code.in_(["1001", "1003"])).order_by(Item.code)]
    for code in codes + codes[:1]:
        assert len(code) == 13
        scan(qtbot, till_window, code)  # 13 key events and Enter, as fast as the event queue takes them
    assert bill_rows(till_window) == [("Espresso", "2", "$5.00"), ("Veggie Wrap", "1", "$6.90")]
    assert code_edit(till_window).text() == ""


def test_bad_entries_get_a_clear_message_and_change_nothing(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    for entry, expected in [("424242", "No item has the code or barcode '424242'"), ("0*1001", "at least 1"),
                            ("-3*1001", "at least 1"), ("100000*1001", "more than the 9999"),
                            ("abc*1001", "not a whole quantity")]:
        # typed (a '-' typed into the empty field is the quantity key, so a negative one is pasted)
        code_edit(till_window).setText(entry)
        qtbot.keyClick(code_edit(till_window), Qt.Key_Return)
        assert expected in message(till_window)
        assert bill_rows(till_window) == [("Espresso", "1", "$2.50")]
        assert code_edit(till_window).text() == ""
    key(qtbot, till_window, Qt.Key_Minus)
    assert "already 1" in message(till_window) and bill_rows(till_window) == [("Espresso", "1", "$2.50")]
    # an absurd or negative price typed by hand is refused in the price dialog
    key(qtbot, till_window, Qt.Key_F7)
    price = wait_dialog(qtbot, till_window, "priceDialog")
    edit = price.findChild(QLineEdit, "promptEdit")
    for typed, expected in [("999999999", "not a believable price"), ("-1", "cannot be negative"),
                            ("2.505", "more decimals")]:
        edit.selectAll()
        qtbot.keyClicks(edit, typed)
        qtbot.keyClick(edit, Qt.Key_Return)
        assert expected in price.findChild(QLabel, "promptMessageLabel").text()
        assert bill_rows(till_window) == [("Espresso", "1", "$2.50")]
    qtbot.keyClick(edit, Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(price))


def test_empty_bill_and_underpayment_are_refused(qtbot, till_window):
    page = start(qtbot, till_window)
    key(qtbot, till_window, Qt.Key_F12)
    assert "empty" in message(till_window) and open_dialog(till_window, "paymentDialog") is None
    scan(qtbot, till_window, "1003")
    bills = Bill.select().count()
    seq = settings.local("receipt_seq")
    dialog = pay(qtbot, till_window, "cash", "5")
    assert dialog.isVisible()
    assert "$1.90 is still due" in dialog.findChild(QLabel, "paymentMessageLabel").text()
    dialog_edit = dialog.findChild(object, "tenderedEdit")
    dialog_edit.selectAll()
    qtbot.keyClicks(dialog_edit, "abc")
    qtbot.keyClick(dialog_edit, Qt.Key_Return)
    assert "not an amount" in dialog.findChild(QLabel, "paymentMessageLabel").text()
    qtbot.keyClick(dialog_edit, Qt.Key_F2)  # card
    dialog_edit.selectAll()
    qtbot.keyClicks(dialog_edit, "10")
    qtbot.keyClick(dialog_edit, Qt.Key_Return)
    assert "cannot be more than" in dialog.findChild(QLabel, "paymentMessageLabel").text()
    assert Bill.select().count() == bills and settings.local("receipt_seq") == seq
    qtbot.keyClick(dialog, Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog))
    assert bill_rows(till_window) == [("Veggie Wrap", "1", "$6.90")] and page.cart.lines


def test_find_item_by_name_adds_it(qtbot, till_window):
    start(qtbot, till_window)
    key(qtbot, till_window, Qt.Key_F3)
    dialog = wait_dialog(qtbot, till_window, "itemSearchDialog")
    edit = dialog.findChild(object, "itemSearchEdit")
    qtbot.keyClicks(edit, "veggie")
    qtbot.waitUntil(lambda: bool(dialog.items) and dialog.items[0].code == "1003")
    qtbot.keyClick(edit, Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(dialog))
    assert bill_rows(till_window) == [("Veggie Wrap", "1", "$6.90")]

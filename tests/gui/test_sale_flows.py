"""Split tender, points as a tender, hold and recall, void with a manager's approval, discounts that need
a manager, prices typed by hand, and the receipt (view, PDF, ESC/POS)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from sale_steps import (
    assert_database_matches_receipt,
    bill_rows,
    choose_customer,
    closed,
    combo,
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

from app import loyalty, receipt, settings
from db.models import AuditLog, Bill, Customer, HeldBill, LoyaltyEntry, Payment


def approve(qtbot, window, pin="9999"):
    dialog = wait_dialog(qtbot, window, "managerApprovalDialog")
    edit = focused(qtbot, "approvalPinEdit")
    qtbot.keyClicks(edit, pin)
    qtbot.keyClick(edit, Qt.Key_Return)
    return dialog


def prompt(qtbot, window, name, text):
    dialog = wait_dialog(qtbot, window, name)
    edit = focused(qtbot, "promptEdit")
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key_Return)
    return dialog


def test_split_tender_card_then_cash_with_change(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "2*1003")
    shown_rows, shown_total = bill_rows(till_window), total_text(till_window)
    dialog = pay(qtbot, till_window, "cash", "5", split=[("card", "10")])
    assert "Card: $10.00" in dialog.findChild(object, "paymentPartsList").item(0).text()
    bill = finish(qtbot, till_window, dialog)
    payments = sorted((p.method, p.amount, p.tendered, p.change) for p in bill.payments)
    assert payments == [("card", 1000, 1000, 0), ("cash", 380, 500, 120)]
    assert_database_matches_receipt(bill, shown_rows, shown_total)


def test_points_pay_part_of_the_bill(qtbot, till_window):
    start(qtbot, till_window)
    emily = Customer.get(Customer.name == "Emily Roberts")
    balance = loyalty.balance(emily.id)
    scan(qtbot, till_window, "1003")
    choose_customer(qtbot, till_window, "emily")
    key(qtbot, till_window, Qt.Key_F12)
    dialog = wait_dialog(qtbot, till_window, "paymentDialog")
    edit = dialog.findChild(QLineEdit, "tenderedEdit")
    qtbot.keyClick(edit, Qt.Key_F4)
    assert f"has {balance} points" in dialog.findChild(QLabel, "paymentPointsLabel").text()
    assert edit.text() == f"{balance / 100:.2f}"  # prefilled with what her points are worth
    qtbot.keyClick(edit, Qt.Key_F5)  # points pay their part, then the card the rest
    assert dialog.findChild(object, "paymentMethodCombo").currentText() == "Cash"
    qtbot.keyClick(edit, Qt.Key_F2)
    qtbot.keyClick(edit, Qt.Key_Return)
    bill = finish(qtbot, till_window, dialog)
    assert bill.points_redeemed == balance
    assert sorted((p.method, p.amount) for p in bill.payments) == [("card", 690 - balance), ("loyalty", balance)]
    assert loyalty.balance(emily.id) == bill.points_earned
    assert sorted(e.kind for e in LoyaltyEntry.select().where(LoyaltyEntry.bill == bill.id)) == ["earn", "redeem"]


def test_hold_and_recall_a_bill_with_its_customer(qtbot, till_window):
    page = start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    choose_customer(qtbot, till_window, "emily")
    held_rows = bill_rows(till_window)
    key(qtbot, till_window, Qt.Key_F5)
    assert bill_rows(till_window) == [] and page.cart.customer is None  # the next bill starts at once
    qtbot.waitUntil(lambda: "Held" in message(till_window))  # held on the write worker
    assert HeldBill.select().count() == 1
    scan(qtbot, till_window, "1003")  # the next customer meanwhile
    finish(qtbot, till_window, pay(qtbot, till_window, "cash", "6.90"))
    key(qtbot, till_window, Qt.Key_F6)
    held = wait_dialog(qtbot, till_window, "heldBillsDialog")
    assert "Emily Roberts" in held.findChild(object, "heldBillsView").item(0, 1).text()
    qtbot.keyClick(held, Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(held))
    assert bill_rows(till_window) == held_rows and page.cart.customer.name == "Emily Roberts"
    bill = finish(qtbot, till_window, pay(qtbot, till_window))
    assert bill.customer.name == "Emily Roberts" and HeldBill.select().count() == 0


def test_a_cashier_voids_a_sale_with_a_manager_pin(qtbot, till_window):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    sale = finish(qtbot, till_window, pay(qtbot, till_window, "cash", "10"))
    key(qtbot, till_window, Qt.Key_F8)
    recent = wait_dialog(qtbot, till_window, "recentBillsDialog")
    assert sale.receipt_no in recent.findChild(object, "recentBillsView").item(0, 1).text()
    qtbot.keyClick(recent, Qt.Key_Return)
    approval = approve(qtbot, till_window, "1111")  # a cashier's PIN does not do
    assert approval.isVisible() and Bill.select().where(Bill.voids == sale.id).count() == 0
    approve(qtbot, till_window, "9999")
    qtbot.waitUntil(lambda: Bill.select().where(Bill.voids == sale.id).count() == 1)
    qtbot.waitUntil(lambda: "is void" in message(till_window))
    void = Bill.get(Bill.voids == sale.id)
    assert void.kind == "void" and void.cashier.name == "Manager"
    assert [(p.method, p.amount) for p in Payment.select().where(Payment.bill == void.id)] == [("cash", -690)]
    assert AuditLog.select().where((AuditLog.action == "sale.void") & (AuditLog.entity_id == sale.id)).count() == 1
    # voiding it again is refused in words
    key(qtbot, till_window, Qt.Key_F8)
    recent = wait_dialog(qtbot, till_window, "recentBillsDialog")
    recent.findChild(object, "recentBillsView").selectRow(1)
    qtbot.keyClick(recent, Qt.Key_F8)
    assert "already void" in recent.findChildren(QLabel)[-1].text()


def test_a_big_line_discount_waits_for_a_manager(qtbot, till_window):
    page = start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    key(qtbot, till_window, Qt.Key_F4)
    prompt(qtbot, till_window, "lineDiscountDialog", "abc")
    assert "not an amount" in open_dialog(till_window, "lineDiscountDialog").findChild(
        QLabel, "promptMessageLabel").text()
    prompt(qtbot, till_window, "lineDiscountDialog", "50%")
    approve(qtbot, till_window)
    qtbot.waitUntil(lambda: total_text(till_window) == "$3.45")
    assert page.cart.lines[0].discount_bp == 5000
    key(qtbot, till_window, Qt.Key_F9)
    prompt(qtbot, till_window, "billDiscountDialog", "0.30")  # under the 10% limit: no manager needed
    assert total_text(till_window) == "$3.15" and open_dialog(till_window, "managerApprovalDialog") is None
    bill = finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    assert bill.total == 315 and bill.discount_total == 375 and bill.bill_discount_amount == 30


def test_a_price_typed_by_hand_survives_profile_and_customer_changes(qtbot, till_window):
    start(qtbot, till_window, profiles=True)
    scan(qtbot, till_window, "1002")
    scan(qtbot, till_window, "1001")
    key(qtbot, till_window, Qt.Key_Up)
    key(qtbot, till_window, Qt.Key_F7)
    prompt(qtbot, till_window, "priceDialog", "3.00")
    assert bill_rows(till_window)[0] == ("Almond Croissant", "1", "$3.00")
    choose_customer(qtbot, till_window, "emily")
    warning = wait_dialog(qtbot, till_window, "allergenConfirmDialog")
    qtbot.keyClick(warning, Qt.Key_Return)
    assert combo(till_window).currentText() == "VIP"
    assert [r[2] for r in bill_rows(till_window)] == ["$3.00", "$2.25"]
    combo(till_window).setCurrentIndex(combo(till_window).findText("Staff"))
    assert [r[2] for r in bill_rows(till_window)] == ["$3.00", "$2.00"]
    bill = finish(qtbot, till_window, pay(qtbot, till_window))
    assert [(x.price_source, x.unit_price) for x in bill.lines.order_by(bill.lines.model.line_no)] == [
        ("manual", 300), ("profile", 200)]


def test_receipt_view_pdf_and_escpos(qtbot, till_window, tmp_path):
    start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    sale = finish(qtbot, till_window, pay(qtbot, till_window, "cash", "5"))
    key(qtbot, till_window, Qt.Key_F10)
    recent = wait_dialog(qtbot, till_window, "recentBillsDialog")
    qtbot.keyClick(recent, Qt.Key_Return)
    view = wait_dialog(qtbot, till_window, "receiptDialog")
    text = view.findChild(object, "receiptBrowser").toPlainText()
    assert sale.receipt_no in text and "Corner Café & Deli" in text and "$2.50" in text and "Change" in text
    qtbot.keyClick(view, Qt.Key_P, Qt.ControlModifier)
    preview = wait_dialog(qtbot, till_window, "receiptPrintPreview")  # Qt's print preview of the document
    preview.close()
    qtbot.keyClick(view, Qt.Key_S, Qt.ControlModifier)
    saved = view.findChild(QLabel, "receiptMessageLabel").text()
    assert saved.startswith("Saved ")
    pdf = Path(saved.removeprefix("Saved "))
    assert pdf.name == f"{sale.receipt_no}.pdf" and pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000
    assert pdf.stat().st_mode & 0o777 == 0o600  # it may name the customer: the owner's eyes only

    # shown again: marked as a reprint, and the reprint is in the audit log
    view.close()
    key(qtbot, till_window, Qt.Key_F10)
    recent = wait_dialog(qtbot, till_window, "recentBillsDialog")
    qtbot.keyClick(recent, Qt.Key_Return)
    again = wait_dialog(qtbot, till_window, "receiptDialog")
    assert "REPRINT" in again.findChild(object, "receiptBrowser").toPlainText()
    qtbot.waitUntil(lambda: AuditLog.select().where(  # written on the write worker
        (AuditLog.action == "sale.reprint") & (AuditLog.entity_id == sale.id)).count() == 1)
    again.close()

    # with a receipt printer configured, the next sale prints itself on it (ESC/POS)
    printer_file = tmp_path / "printer.bin"
    settings.set_local("receipt_printer", f"file:{printer_file}")
    scan(qtbot, till_window, "1003")
    second = finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    qtbot.waitUntil(lambda: printer_file.exists() and second.receipt_no.encode() in printer_file.read_bytes())

    from ui.receipt_view import print_escpos

    out = tmp_path / "lp0"
    print_escpos(receipt.build(sale.id), f"file:{out}")
    data = out.read_bytes()
    assert sale.receipt_no.encode() in data and b"$2.50" in data and data.rstrip().endswith(b"V\x00")
    dummy = print_escpos(receipt.build(sale.id), "dummy")
    assert b"TOTAL" in dummy.output
    from app.errors import ValidationError

    try:
        print_escpos(receipt.build(sale.id), "bogus")
    except ValidationError as exc:
        assert "not understood" in exc.message
    else:
        raise AssertionError("a bad printer setting must be refused")

"""Ending a bill: payment (the write worker gets a frozen copy of the bill), hold and recall, void,
returns, receipts, and parking the open bill when the cashier signs out."""

from __future__ import annotations

from app import audit, billing, customer_search, discount_limit, next_bill, plurals, receipt
from app import cart as carts
from app.cart import Cart
from app.errors import TillError
from app.money import format_money


class SaleCheckout:
    def __init__(self, page):
        self.page = page
        self.last_sale: billing.SaleResult | None = None
        self._shown_receipts: set[str] = set()

    @property
    def cart(self) -> Cart:
        return self.page.controller.cart

    def _open(self, dialog, refocus: bool = True):
        if refocus:
            dialog.finished.connect(lambda *_: self.page.item_code_edit.setFocus())
        self.page.window_.keep_open(dialog)
        dialog.open()
        return dialog

    # --- payment -------------------------------------------------------------------------------------------

    def pay(self):
        page = self.page
        try:
            self.cart.check_ready()
        except carts.NeedsApproval as exc:  # the bill as it stands gives away more than the limit
            page.say(exc.message)
            cart = self.cart

            def approved(manager):
                discount_limit.approve_at_payment(cart, manager)
                if cart is self.cart:
                    self.pay()

            page.window_.run_as_manager(exc.what, approved)
            return None
        except TillError as exc:
            page.say(exc.message)
            if self.cart.pending_allergen_lines():
                page.controller._queue_pending_allergens()
            return None
        from ui.payment_dialog import PaymentDialog

        dialog = self._open(PaymentDialog(page.window_, self.cart, self._complete))
        dialog.tendered_edit.setFocus()
        return dialog

    def _complete(self, dialog, tenders) -> None:
        window = self.page.window_
        cart, user = self.cart, window.till.user
        bill = cart.frozen()  # what is sold is the bill as paid: the worker never sees the live cart

        def done(answer):
            result, ahead = answer
            dialog.set_busy(False)
            dialog.accept()
            self._sale_done(cart, result, ahead)

        def failed(exc):
            message = exc.message if isinstance(exc, TillError) else f"The sale was not saved: {exc}"
            dialog.failed(message)

        window.writes.submit(next_bill.complete_sale, bill, tenders, user, owner=self.page, on_done=done,
                             on_error=failed)

    def _sale_done(self, cart: Cart, result: billing.SaleResult, ahead: next_bill.NextBill) -> None:
        page, window = self.page, self.page.window_
        self.last_sale = result
        money = cart.currency
        parts = [f"✔ Sale {result.receipt_no} complete: {format_money(result.total, money)}"]
        if result.change:
            parts.append(f"Change due {format_money(result.change, money)}")
        if result.points_earned:
            parts.append(f"+{result.points_earned} points")
        page.sale_result.show_result("   ·   ".join(parts), result.bill_id,
                                     cart.customer.email if cart.customer else None)
        page.start_new_cart(Cart(ahead.settings, ahead.promotion_rules))  # read on the write worker
        page.say("")
        window.data_changed.emit("bill")
        window.sync_status.refresh()
        if ahead.receipt_printer:
            self.print_to_receipt_printer(result.bill_id, ahead.receipt_printer)

    def print_to_receipt_printer(self, bill_id: str, spec: str) -> None:
        from ui.receipt_view import print_escpos

        self._shown_receipts.add(bill_id)
        self.page.window_.reads.submit(  # the receipt is read off the UI thread too
            lambda: print_escpos(receipt.build(bill_id), spec), owner=self.page,
            on_error=lambda exc: self.page.say(f"The receipt printer did not print: {exc}"))

    # --- sessions ------------------------------------------------------------------------------------------

    def park_open_bill(self) -> None:
        """Signing out or closing: the lines on the bill are kept as a held bill, never lost or handed on."""
        if not self.cart.is_empty():
            try:
                billing.hold(self.cart, self.page.window_.till.user)
            except TillError as exc:
                self.page.say(exc.message)
                return
        self.page.start_new_cart()

    def session_started(self) -> None:
        """Someone signed in: no message of the last session stays on the bill; held bills are mentioned."""
        self.page.sale_result.dismiss()
        window = self.page.window_
        for _ in range(2):  # one for each reading thread (ui/till_window.py)
            window.reads.submit(customer_search.warm, self.cart.settings.get("phone_region", "US"))
        held = len(billing.held_bills())
        self.page.say(f"{plurals.count(held, 'held bill')} waiting: F6 recalls" if held else "", "info")

    # --- hold, recall, void, returns, receipts -------------------------------------------------------------

    def hold(self) -> None:
        try:
            held = billing.hold(self.cart, self.page.window_.till.user)
        except TillError as exc:
            self.page.say(exc.message)
            return
        self.page.start_new_cart()
        self.page.say(f"Held: {held.label}. F6 recalls it.", "info")

    def recall(self):
        from ui.held_bills_dialog import HeldBillsDialog

        return self._open(HeldBillsDialog(self.page.window_, self.cart.held_id, self._recall))

    def _recall(self, held_id: str) -> None:
        page = self.page
        if not self.cart.is_empty():
            try:
                billing.hold(self.cart, page.window_.till.user)  # swap: the open bill waits its turn
            except TillError as exc:
                page.say(exc.message)
                return
        try:
            cart, problems = billing.recall(held_id, None)
        except TillError as exc:
            page.say(exc.message)
            return
        page.start_new_cart(cart)
        page.say("Recalled" + (": " + "; ".join(problems) if problems else ""), "error" if problems else "info")
        page.controller._queue_pending_allergens()

    def void(self):
        from ui.held_bills_dialog import RecentBillsDialog

        return self._open(RecentBillsDialog(self.page.window_, self._void_bill, self.show_receipt, purpose="void"))

    def _void_bill(self, dialog, bill) -> None:
        dialog.accept()
        page, window = self.page, self.page.window_

        def approved(manager):
            def done(result):
                page.say(f"{bill.receipt_no} is void (void receipt {result.receipt_no}).", "info")
                window.data_changed.emit("bill")
                window.sync_status.refresh()

            window.writes.submit(billing.void_sale, bill.id, manager, "voided at the till", owner=page, on_done=done,
                                 on_error=lambda exc: page.say(getattr(exc, "message", str(exc))))

        window.run_as_manager(f"void sale {bill.receipt_no} ({format_money(bill.total, self.cart.currency)})",
                              approved)

    def start_return(self):
        from ui.return_dialog import ReturnDialog

        dialog = self._open(ReturnDialog(self.page.window_))
        dialog.receipt_edit.setFocus()
        return dialog

    def show_receipts(self):
        from ui.held_bills_dialog import RecentBillsDialog

        return self._open(RecentBillsDialog(self.page.window_, self._void_bill, self.show_receipt,
                                            purpose="receipt"), refocus=False)

    def show_receipt(self, bill_id: str):
        from ui.receipt_view import ReceiptDialog

        reprint = bill_id in self._shown_receipts
        self._shown_receipts.add(bill_id)
        if reprint:
            audit.record(self.page.window_.till.user, "sale.reprint", "bill", bill_id)
        return self._open(ReceiptDialog(self.page.window_, receipt.build(bill_id, reprint=reprint)), refocus=False)

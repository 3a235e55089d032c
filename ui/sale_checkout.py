"""Ending a bill: payment (the write worker gets a frozen copy of the bill), hold and recall, void,
returns, receipts, and parking the open bill when the cashier signs out."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer

from app import audit, billing, customer_search, discount_limit, next_bill, plurals, receipt, warm_sale
from app import cart as carts
from app.cart import Cart
from app.errors import TillError
from app.money import format_money
from ui import ops

log = logging.getLogger(__name__)
NEXT_BILL_READ_AFTER_MS = 20
SYNC_AFTER_SALE_MS = 250


def _result_text(receipt_no: str, total: int, change: int, points: int, money: str) -> str:
    """What the result bar says after a payment."""
    parts = [f"✔ Sale {receipt_no} complete: {format_money(total, money)}"]
    if change:
        parts.append(f"Change due {format_money(change, money)}")
    if points:
        parts.append(f"+{points} points")
    return "   ·   ".join(parts)


class SaleCheckout:
    def __init__(self, page):
        self.page = page
        self.last_sale: billing.SaleResult | None = None
        self._ahead: next_bill.NextBill | None = None  # what the last bill started from, read off the UI thread
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
                bill = cart.frozen()

                def audited(_):  # the approval covers what was audited; then payment goes on
                    cart.approved_discount_bp = max(cart.approved_discount_bp, bill.approved_discount_bp)
                    if cart is self.cart:
                        self.pay()

                ops.write(page.window_, discount_limit.approve_at_payment, bill, manager, owner=page).success(
                    audited).failure(lambda exc: page.say(getattr(exc, "message", str(exc)))).run()

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

        def done(result):
            dialog.set_busy(False)
            # Deleted after the cleared bill is painted, not in the same pass of the event loop before it.
            dialog.setAttribute(Qt.WA_DeleteOnClose, False)
            dialog.accept()
            QTimer.singleShot(100, dialog.deleteLater)
            self._sale_done(cart, result)

        def failed(exc):
            message = exc.message if isinstance(exc, TillError) else f"The sale was not saved: {exc}"
            dialog.failed(message)

        ops.write(window, billing.complete_sale, bill, tenders, user, owner=self.page).success(done).failure(
            failed).run()

    def _sale_done(self, cart: Cart, result: billing.SaleResult) -> None:
        page, window = self.page, self.page.window_
        self.last_sale = result
        page.sale_result.show_result(
            _result_text(result.receipt_no, result.total, result.change, result.points_earned, cart.currency),
            result.bill_id, cart.customer.email if cart.customer else None)
        # The next bill starts from what was last read (at sign-in, and whenever settings or promotions were
        # announced as changed): no disk read on the UI thread. They are read once more on the write worker
        # behind the sale, once the cleared bill is on screen, and correct the new bill if anything changed
        # that nobody announced (app/next_bill.py).
        ahead = self._ahead
        rules = ahead.promotion_rules if ahead is not None else []
        fresh = Cart(ahead.settings if ahead is not None else cart.settings, rules)
        page.start_new_cart(fresh)  # (says "": no message of the last bill stays)
        QTimer.singleShot(NEXT_BILL_READ_AFTER_MS, page, lambda: self.refresh_next_bill(
            lambda ahead: self._next_bill_read(fresh, rules, ahead, result.bill_id)))
        # The count of changes waiting (and, when linked, the push) starts later still: the sync thread's
        # Python would otherwise take turns with the UI thread's for the GIL while the bill is painted.
        QTimer.singleShot(SYNC_AFTER_SALE_MS, window, window.sync_status.refresh)

    def _next_bill_read(self, fresh: Cart, rules: list, ahead: next_bill.NextBill, bill_id: str) -> None:
        if ahead.receipt_printer:
            self.print_to_receipt_printer(bill_id, ahead.receipt_printer)
        if self.cart is not fresh:
            return  # a recalled or held bill took its place; it carries its own settings
        changed = next_bill.changed_settings(fresh.settings, ahead.settings)
        if changed:  # as when a manager saves settings mid-bill: re-priced, and said
            self.page.controller.on_settings_changed(changed)
        if ahead.promotion_rules != rules:
            fresh.refresh_promotions(rules=ahead.promotion_rules)
            self.page.refresh()

    def print_to_receipt_printer(self, bill_id: str, spec: str) -> None:
        from ui.receipt_view import print_escpos

        self._shown_receipts.add(bill_id)
        self.page.window_.reads.submit(  # the receipt is read off the UI thread too
            lambda: print_escpos(receipt.build(bill_id), spec), owner=self.page,
            on_error=lambda exc: self.page.say(f"The receipt printer did not print: {exc}"))

    # --- sessions ------------------------------------------------------------------------------------------

    def park_open_bill(self) -> None:
        """Signing out or closing: the lines on the bill are kept as a held bill, never lost or handed on
        (the hold is queued on the write worker, which finishes its queue before the till closes). A line
        whose allergy warning is still open stays on it unconfirmed: recalling the bill asks again."""
        self.page.controller.set_aside_allergen_question()
        if not self.cart.is_empty():
            self._hold(self.cart)
            self.page.window_._settle_writes()  # kept before the next person signs in (or the till closes)
        else:
            self.page.start_new_cart()

    def session_started(self) -> None:
        """Someone signed in: no message of the last session stays on the bill; held bills are mentioned."""
        self.page.sale_result.dismiss()
        window = self.page.window_
        self.refresh_next_bill()
        ops.read_after_writes(window, warm_sale.warm).failure(  # the write worker's cache, for the first sale
            lambda exc: log.info("warming the write worker failed: %s", exc)).run()
        money = self.cart.currency
        QTimer.singleShot(50, self.page, lambda: self.page.sale_result.warm(_result_text("0000", 0, 1, 1, money)))
        for _ in range(2):  # one for each reading thread (ui/till_window.py)
            window.reads.submit(customer_search.warm, self.cart.settings.phone_region)
        held = len(billing.held_bills())
        self.page.say(f"{plurals.count(held, 'held bill')} waiting: F6 recalls" if held else "", "info")

    def refresh_next_bill(self, then=None) -> None:
        """Read what the next bill starts from on the write worker, behind the writes already started (at
        sign-in, when settings or promotions were announced as changed, behind each sale), keep it, then
        ``then(it)``."""
        def read(ahead: next_bill.NextBill) -> None:
            self._ahead = ahead
            if then is not None:
                then(ahead)

        ops.read_after_writes(self.page.window_, next_bill.read, owner=self.page).success(read).failure(
            lambda exc: log.warning("reading the next bill's settings failed: %s", exc)).run()

    # --- hold, recall, void, returns, receipts -------------------------------------------------------------

    def hold(self) -> None:
        def held(row):
            if self.cart.is_empty():  # nothing typed since: the cashier reads what was held
                self.page.say(f"Held: {row.label}. F6 recalls it.", "info")

        self._hold(self.cart, then=held)

    def _hold(self, cart: Cart, then=None, next_cart: Cart | None = None) -> None:
        """Hold ``cart`` on the write worker; the cashier goes on at once with ``next_cart`` (a new bill). If
        the hold fails and that next bill is still untouched, the held one comes back."""
        page = self.page
        if cart.is_empty():
            page.say("The bill is empty: there is nothing to hold.")
            return
        bill = cart.frozen()
        page.start_new_cart(next_cart)
        after = self.cart
        after_lines, after_customer = len(after.lines), after.customer

        def failed(exc):
            if self.cart is after and len(after.lines) == after_lines and after.customer is after_customer:
                page.start_new_cart(cart)  # (a bill recalled meanwhile stays held: nothing is lost)
            page.say(getattr(exc, "message", None) or f"The bill was not held: {exc}")

        ops.write(page.window_, billing.hold, bill, page.window_.till.user).success(then or (lambda _: None)).failure(
            failed).run()

    def recall(self) -> None:
        """F6: the held bills, read behind any hold still being written, then listed."""
        from ui.held_bills_dialog import HeldBillsDialog, held_rows

        page = self.page
        ops.read_after_writes(page.window_, held_rows, owner=page).success(
            lambda held: self._open(HeldBillsDialog(page.window_, self.cart.held_id, self._recall, held))).failure(
            lambda exc: page.say(getattr(exc, "message", str(exc)))).run()

    def _recall(self, held_id: str) -> None:
        page = self.page
        try:
            cart, problems = billing.recall(held_id, None)
        except TillError as exc:
            page.say(exc.message)
            return
        swapped = not self.cart.is_empty()
        if swapped:
            self._hold(self.cart, next_cart=cart)  # swap: the open bill waits its turn
        else:
            page.start_new_cart(cart)
        said = "Recalled" + ("; the bill that was open is held (F6)" if swapped else "")
        page.say(said + (": " + "; ".join(problems) if problems else ""), "error" if problems else "info")
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
                window.sync_status.refresh()

            ops.write(window, billing.void_sale, bill.id, manager, "voided at the till", owner=page).success(
                done).failure(lambda exc: page.say(getattr(exc, "message", str(exc)))).run()

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

        window = self.page.window_
        reprint = bill_id in self._shown_receipts
        self._shown_receipts.add(bill_id)
        if reprint:  # the reprint's audit is queued on the write worker; the receipt shows at once
            ops.write(window, audit.record, window.till.user, "sale.reprint", "bill", bill_id).run()
        return self._open(ReceiptDialog(window, receipt.build(bill_id, reprint=reprint)), refocus=False)

"""The bill's one-line questions: line and bill discounts, price, note, clearing the bill, finding an
item. A change over the cashier's limit closes its prompt and asks for a manager (``Approval``)."""

from __future__ import annotations

from app import cart as carts
from app.errors import TillError
from app.money import parse_money, to_decimal
from ui import ops


class Approval:
    """Runs ``change(approver)`` from a prompt; when it needs a manager, the prompt closes and a
    manager's PIN applies it. The prompt is set once it is open (it is made after its submit function)."""

    def __init__(self, page, change):
        self.page, self.change, self.prompt = page, change, None

    def __call__(self) -> str | None:
        page = self.page
        try:
            self.change(None)
        except carts.NeedsApproval as exc:
            def approved(manager):
                try:
                    self.change(manager)
                except TillError as again:
                    page.say(again.message)
                    return
                page.say(f"Approved by {manager.name}", "info")
                page.refresh()

            if self.prompt is not None:
                self.prompt.accept()
            page.window_.run_as_manager(exc.what, approved)
            return None
        except TillError as exc:
            return exc.message
        page.refresh()
        return None


class SalePrompts:
    def __init__(self, page):
        self.page = page

    @property
    def cart(self):
        return self.page.controller.cart

    def _prompt(self, name, title, question, on_submit, text="", placeholder=""):
        from ui.prompt_dialog import PromptDialog

        window = self.page.window_
        dialog = PromptDialog(window, name, title, question, on_submit, text, placeholder)
        window.keep_open(dialog)
        dialog.finished.connect(lambda *_: self.page.item_code_edit.setFocus())
        dialog.open()
        return dialog

    def _selected_line(self):
        line_id = self.page.controller.current_line_id()
        if line_id is None:
            self.page.say("Choose a line first (↑↓).")
            return None
        return self.cart.line(line_id)

    def _discount_prompt(self, name, title, question, apply) -> None:
        def submit(text):
            try:
                bp, amount = carts.parse_discount(text, self.cart.currency)
            except TillError as exc:
                return exc.message
            approval = Approval(self.page, lambda approver: apply(bp, amount, approver))
            approval.prompt = dialog
            return approval()

        dialog = self._prompt(name, title, question, submit, placeholder="10%")

    def ask_line_discount(self) -> None:
        line = self._selected_line()
        if line is None:
            return
        cart = self.cart
        limit = int(cart.settings.line_discount_limit_bp) / 100
        self._discount_prompt(
            "lineDiscountDialog", f"Discount on {line.item.name}",
            f"Type a percentage (10%) or an amount (1.50). Above {limit:g}% a manager approves. 0 removes the "
            "discount.", lambda bp, amount, approver: cart.set_line_discount(line.id, bp, amount, approver=approver))

    def ask_bill_discount(self) -> None:
        if self.cart.is_empty():
            self.page.say("The bill is empty: add an item first.")
            return
        cart = self.cart
        self._discount_prompt(
            "billDiscountDialog", "Bill discount",
            "Type a percentage (10%) or an amount (5.00) off the whole bill. 0 removes it.",
            lambda bp, amount, approver: cart.set_bill_discount(bp, amount, approver=approver))

    def ask_price(self) -> None:
        line = self._selected_line()
        if line is None:
            return
        cart = self.cart

        def submit(text):
            if not text.strip():
                cart.clear_manual_price(line.id)
                self.page.refresh()
                return None
            try:
                price = parse_money(text, cart.currency)
            except TillError as exc:
                return exc.message
            approval = Approval(self.page, lambda approver: cart.set_manual_price(line.id, price, approver=approver))
            approval.prompt = dialog
            return approval()

        current = line.manual_price if line.manual_price is not None else cart.price().lines[
            cart.index_of(line.id)].unit_price
        dialog = self._prompt("priceDialog", f"Price of {line.item.name}",
                              "Type the price for one. It stays when the customer or profile changes. "
                              "Empty gives back the usual price.", submit,
                              text=str(to_decimal(current, cart.currency)))

    def ask_note(self) -> None:
        def submit(text):
            if len(text) > 500:
                return "A note is at most 500 characters."
            self.cart.note = text.strip()
            self.page.refresh()
            return None

        self._prompt("noteDialog", "Note for this bill", "Instructions for the kitchen or the receipt.", submit,
                     text=self.cart.note)

    def new_bill(self) -> None:
        if self.cart.is_empty() and self.cart.customer is None:
            return

        def submit(text):
            from app import billing

            if text.strip().lower() not in ("", "y", "yes"):
                return "Press Enter to clear the bill, or Esc to keep it."
            if self.cart.held_id:  # a recalled bill is cleared: its held copy goes too (on the write worker)
                page = self.page
                ops.write(page.window_, billing.drop_held, self.cart.held_id).failure(
                    lambda exc: page.say(getattr(exc, "message", str(exc)))).run()
            self.page.start_new_cart()
            self.page.say("The bill was cleared", "info")
            return None

        self._prompt("newBillDialog", "Clear this bill?",
                     "The lines and the customer are taken off and nothing is sold. Enter clears, Esc keeps it.",
                     submit)

    def find_item(self):
        from ui.item_search_dialog import ItemSearchDialog

        window = self.page.window_
        dialog = ItemSearchDialog(window, self.cart.currency)
        dialog.chosen.connect(self.page.controller.add_item)
        dialog.finished.connect(lambda *_: self.page.item_code_edit.setFocus())
        window.keep_open(dialog)
        dialog.open()
        return dialog

"""What the bill does when the cashier types: the cart, its lines, the customer, the profile and the
allergen questions. The widgets are ``ui/sale_view.py``; prompts with approvals ``ui/sale_prompts.py``;
payment, hold, recall, void and receipts ``ui/sale_checkout.py``."""

from __future__ import annotations

import shiboken6

from app import audit, next_bill
from app import cart as carts
from app.cart import Cart
from app.errors import TillError
from ui import ops


class SaleController:
    def __init__(self, page, cart: Cart):
        self.page = page
        self.cart = cart
        self._allergen_queue: list[tuple[str, int | None]] = []
        self._allergen_dialog = None
        self._scanned_queue: list[str] = []

    @property
    def view(self):
        return self.page.view

    # --- showing the bill ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        view = self.view
        view.show_bill(self.cart)
        if view.model.rowCount() and self.current_line_id() is None:
            view.select_row(view.model.rowCount() - 1)

    def current_line_id(self) -> str | None:
        row = self.view.current_row()
        return self.view.model.line_id(row) if row is not None else None

    def select_line(self, line_id: str) -> None:
        self.view.select_row(self.view.model.row_of(line_id))

    def start_new_cart(self, cart: Cart | None = None) -> None:
        self.page.say("")  # no message of the last bill stays on the next one
        self.cart = cart or Cart()
        self._allergen_queue.clear()
        self.view.model.set_cart(self.cart)
        self.apply_profile_visibility()
        self.refresh()
        self.view.item_code_edit.setFocus()

    # --- lines ---------------------------------------------------------------------------------------------

    def add_from_entry(self) -> None:
        field = self.view.item_code_edit
        text = field.text()
        field.clear()
        if self._allergen_dialog is not None:
            self._scanned_queue.append(text)
            return
        stripped = text.strip()
        if stripped.endswith("*") and stripped[:-1].strip().lstrip("-").isdigit():
            self.set_quantity(stripped[:-1])  # "3*" and Enter: the chosen line becomes three
            return
        try:
            result = self.cart.add_entry(text)
        except TillError as exc:
            self.page.say(exc.message)
            return
        self._added(result)

    def _added(self, result: carts.AddResult) -> None:
        self.view.sale_result.dismiss()  # the next sale has begun: no receipt for the last one
        item = result.line.item
        verb = "+1" if result.quantity_added == 1 else f"+{result.quantity_added}"
        self.page.say(f"{verb} {item.name}", "info")
        self.refresh()
        self.select_line(result.line.id)
        if result.needs_confirmation:
            self._allergen_queue.append((result.line.id, result.quantity_added))
            self._next_allergen()

    def add_item(self, item) -> None:
        try:
            result = self.cart.add_item(item, 1)
        except TillError as exc:
            self.page.say(exc.message)
            return
        self._added(result)

    def order_again(self, index: int) -> None:
        customer = self.cart.customer
        if customer is None or index >= len(customer.favourites):
            return
        self.add_item(customer.favourites[index])

    def _chosen_line_id(self, hint: str = "Choose a line first (↑↓).") -> str | None:
        line_id = self.current_line_id()
        if line_id is None:
            self.page.say(hint)
        return line_id

    def change_quantity(self, delta: int) -> None:
        line_id = self._chosen_line_id()
        if line_id is None:
            return
        try:
            line = self.cart.change_quantity(line_id, delta)
        except TillError as exc:
            message = exc.message
            if delta < 0 and self.cart.line(line_id).quantity == 1:
                message = "The quantity is already 1: Del removes the line."
            self.page.say(message)
            return
        self.page.say(f"{line.item.name}: quantity {line.quantity}", "info")
        self.refresh()

    def quantity_up(self) -> None:
        self.change_quantity(1)

    def quantity_down(self) -> None:
        self.change_quantity(-1)

    def set_quantity(self, text: str) -> None:
        line_id = self._chosen_line_id("Choose a line first (↑↓), then type the quantity and * (3* makes it three).")
        if line_id is None:
            return
        try:
            line = self.cart.set_quantity(line_id, carts.parse_quantity(text))
        except TillError as exc:
            self.page.say(exc.message)
            return
        self.page.say(f"{line.item.name}: quantity {line.quantity}", "info")
        self.refresh()

    def remove_line(self) -> None:
        line_id = self._chosen_line_id()
        if line_id is None:
            return
        row = self.view.model.row_of(line_id)
        line = self.cart.remove(line_id)
        self.page.say(f"Removed {line.item.name}", "info")
        self.refresh()
        self.view.select_row(min(row, self.view.model.rowCount() - 1))

    # --- allergens -----------------------------------------------------------------------------------------

    def _queue_pending_allergens(self) -> None:
        queued = {line_id for line_id, _ in self._allergen_queue}
        for line in self.cart.pending_allergen_lines():
            if line.id not in queued:
                self._allergen_queue.append((line.id, None))
        self._next_allergen()

    def _next_allergen(self) -> None:
        if self._allergen_dialog is not None:
            return
        while self._allergen_queue:
            line_id, quantity = self._allergen_queue.pop(0)
            try:
                line = self.cart.line(line_id)
            except TillError:
                continue
            allergens = self.cart.unconfirmed_allergens(line)
            if not allergens:
                continue
            from ui.allergen_dialog import AllergenConfirmDialog

            window = self.page.window_
            dialog = AllergenConfirmDialog(
                window, self.cart.customer.name, line.item.name, allergens,
                lambda keep, lid=line_id, qty=quantity: self._allergen_answered(lid, qty, keep))
            dialog.scanned.connect(self._scanned_queue.append)
            self._allergen_dialog = dialog
            window.keep_open(dialog)
            dialog.open()
            return
        self._drain_scans()

    def set_aside_allergen_question(self) -> None:
        """The session ends with the allergy warning unanswered: the line is kept, not confirmed."""
        self._allergen_queue.clear()
        dialog, self._allergen_dialog = self._allergen_dialog, None
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.set_aside()

    def _allergen_answered(self, line_id: str, quantity: int | None, keep: bool) -> None:
        self._allergen_dialog = None
        try:
            line = self.cart.line(line_id)
        except TillError:
            line = None
        if line is not None:
            if keep:
                self.cart.confirm_allergens(line_id)
                self.page.say(f"{line.item.name}: allergy warning confirmed with the customer", "info")
            else:
                self.cart.take_back(line_id, quantity or line.quantity)
                self.page.say(f"{line.item.name} taken off the bill (allergy)", "info")
        self.refresh()
        self.view.item_code_edit.setFocus()
        self._next_allergen()

    def _drain_scans(self) -> None:
        while self._scanned_queue and self._allergen_dialog is None:
            self.view.item_code_edit.setText(self._scanned_queue.pop(0))
            self.add_from_entry()

    # --- customer ------------------------------------------------------------------------------------------

    def pick_customer(self):
        from ui.customer_picker import CustomerPickerDialog

        window = self.page.window_
        dialog = CustomerPickerDialog(window)
        dialog.picked.connect(self.set_customer)
        window.keep_open(dialog)
        dialog.open()
        dialog.search_edit.setFocus()
        return dialog

    def set_customer(self, customer_id: str | None) -> None:
        try:
            customer = carts.load_customer(customer_id) if customer_id else None
            self.cart.set_customer(customer)
        except TillError as exc:
            self.page.say(exc.message)
            return
        if customer is not None:
            window = self.page.window_  # the look is audited on the write worker, queued before any later write
            ops.write(window, audit.record, window.till.user, "customer.view", "customer", customer.id,
                      {"on": "bill"}).run()
            self.page.say(f"{customer.name} is on the bill", "info")
        self.refresh()
        self.view.item_code_edit.setFocus()
        self._queue_pending_allergens()

    def remove_customer(self) -> None:
        if self.cart.customer is None:
            return
        self.cart.set_customer(None)
        self.page.say("No customer on the bill", "info")
        self.refresh()

    def ask_allergies(self):
        return self.view.customer.allergy_question.ask()

    # --- profiles ------------------------------------------------------------------------------------------

    def reload_profiles(self) -> None:
        self.view.customer.fill_profiles(carts.active_profiles(), self.cart.profile)

    def apply_profile_visibility(self) -> None:
        self.view.customer.show_profiles(self.cart.profiles_enabled)

    def profile_chosen(self, index: int) -> None:
        profile_id = self.view.customer.customer_profile_combo.itemData(index)
        try:
            self.cart.set_profile(carts.load_profile(profile_id) if profile_id else None)
        except TillError as exc:
            self.page.say(exc.message)
        if profile_id and self.cart.profile is None:
            self.page.say("That profile is no longer active.")
            self.reload_profiles()
        self.refresh()

    def choose_profile(self) -> None:
        """Alt+P: ↑↓ change the profile (the bill re-prices at once), Enter goes back to the item field."""
        if not self.view.customer.profile_row.isVisible():
            self.page.say("Customer profiles are switched off in the business settings.")
            return
        self.view.customer.customer_profile_combo.setFocus()
        self.page.say("↑↓ choose the profile, Enter goes back to the items", "info")

    def on_settings_changed(self, changed: dict) -> None:
        said = self.cart.update_settings(changed)  # what it did to this bill, in words
        self.apply_profile_visibility()
        self.refresh()
        if said:
            self.page.say(said, "info")

    def on_data_changed(self, changes) -> None:
        """The window announced what changed (a write here, or rows pulled from another till)."""
        if "customer_profile" in changes:
            self.reload_profiles()
        if changes.any_of(*next_bill.READ_FROM):  # what the next bill starts from is read again at once
            self.page.checkout.refresh_next_bill()

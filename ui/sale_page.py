"""The sales bill: the screen a cashier uses hundreds of times a day.

Keyboard first: the focus stays in the item-code field. A code, a barcode or QTY*CODE and Enter adds a
line; with the field empty, + / - change the chosen line's quantity, Del removes it and ↑↓ choose a line.
Every other action has a function key, shown on its button and in the window's Bill menu:

    F2 customer · Shift+F2 no customer · F3 find item · F4 line discount · F5 hold · F6 recall
    F7 price · F8 void · Shift+F8 return · F9 bill discount · F10 receipt · F11 note · F12 pay · Alt+1..5 order again
    Ctrl+N new bill

``SalePage`` is the widget the window builds, a composition of parts:

- ``ui/sale_view.py`` and ``ui/sale_customer_panel.py``: the widgets (object names of UI_CONTRACT.md);
- ``ui/sale_actions.py``: the commands as QActions with their keys, and the keys read from the item field;
- ``ui/sale_controller.py``: the cart (an app.cart.Cart), its lines, customer, profile and allergen questions;
- ``ui/sale_prompts.py``: discounts, price, note, new bill (with a manager's approval where needed);
- ``ui/sale_checkout.py``: payment on the write worker, hold and recall, void, returns, receipts.

The page answers for its parts (``page.cart``, ``page.item_code_edit``, ``page.pay()``...), so the window,
the dialogs and the tests talk to one object.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QWidget

from app.cart import Cart
from ui.bill_model import BillModel
from ui.sale_actions import FieldKeys, SaleActions
from ui.sale_checkout import SaleCheckout
from ui.sale_controller import SaleController
from ui.sale_prompts import SalePrompts
from ui.sale_view import SaleView


class SalePage(QWidget):
    def __init__(self, window):
        super().__init__()
        self.setObjectName("salePage")
        self.window_ = window
        cart = Cart()
        self.controller = SaleController(self, cart)
        self.prompts = SalePrompts(self)
        self.checkout = SaleCheckout(self)
        self.model = BillModel(cart, self)
        self.view = SaleView(self, self.model)
        self._parts = (self.controller, self.prompts, self.checkout, self.view, self.view.customer)
        self.commands = SaleActions(self, self.view)
        self.field_keys = FieldKeys(self, self.view.item_code_edit, self.view.customer.customer_profile_combo)
        self.view.item_code_edit.returnPressed.connect(self.controller.add_from_entry)
        self.view.customer.customer_profile_combo.currentIndexChanged.connect(self.controller.profile_chosen)
        self.controller.reload_profiles()
        self.controller.apply_profile_visibility()
        self.refresh()
        window.settings_changed.connect(self.controller.on_settings_changed)
        window.changed.connect(self.controller.on_data_changed)

    def __getattr__(self, name: str):
        """``page.cart``, ``page.pay``, ``page.item_code_edit``...: the part that has it answers."""
        if name.startswith("__") or name == "_parts":
            raise AttributeError(name)
        for part in self.__dict__.get("_parts", ()):
            try:
                return getattr(part, name)
            except AttributeError:
                continue
        raise AttributeError(f"SalePage has no {name!r}")

    @property
    def cart(self) -> Cart:
        return self.controller.cart

    def refresh(self) -> None:
        self.controller.refresh()

    def say(self, text: str, kind: str = "error") -> None:
        self.view.say(text, kind)

    def start_new_cart(self, cart: Cart | None = None) -> None:
        self.controller.start_new_cart(cart)

    def keyPressEvent(self, event):
        """A key that reached the page from elsewhere in it (the profile box): as in the item field."""
        if not self.field_keys.handle(event):
            super().keyPressEvent(event)

    def changeEvent(self, event):
        if event.type() == QEvent.EnabledChange:  # signed out: the Bill menu's commands are off too
            self.commands.set_enabled(self.isEnabled())
        super().changeEvent(event)

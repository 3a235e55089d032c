"""The bill's commands as QActions: one table of (name, text, key, what it does, its button).

Each action carries its key, triggers its button's command, and is listed in the till window's Bill menu
and in its button's tooltip. The key reaches the action through ``FieldKeys``: the key events the item
field (or the page) receives are matched against the actions' shortcuts. Qt's shortcut map is not used on
purpose (the context is ``Qt.WidgetWithChildrenShortcut`` and the actions belong to no widget of the page):
it matches against the application's focus widget, which is still the item field for a moment after a
dialog opens, so an F4 typed into the payment dialog would have been taken by the bill. Keys whose meaning
depends on the field (+ − Del ↑↓ Esc with the field empty, and Ctrl+P / Ctrl+E while the last sale's
receipt is offered) are read there too: with text in the field, + and − are typed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

# name, menu text, key (None: read from the item field, shown in the menu only), the page's command, button
COMMANDS = [
    ("selectCustomerAction", "Customer…", "F2", "pick_customer", "select_customer_button"),
    ("removeCustomerAction", "No customer", "Shift+F2", "remove_customer", "remove_customer_button"),
    ("findItemAction", "Find item…", "F3", "find_item", "find_item_button"),
    ("lineDiscountAction", "Line discount…", "F4", "ask_line_discount", "line_discount_button"),
    ("holdAction", "Hold", "F5", "hold", "hold_button"),
    ("recallAction", "Recall…", "F6", "recall", "recall_button"),
    ("priceAction", "Price…", "F7", "ask_price", "price_button"),
    ("voidAction", "Void sale…", "F8", "void", "void_button"),
    ("returnAction", "Return…", "Shift+F8", "start_return", "return_button"),
    ("billDiscountAction", "Bill discount…", "F9", "ask_bill_discount", "bill_discount_button"),
    ("receiptAction", "Receipt…", "F10", "show_receipts", "receipt_button"),
    ("noteAction", "Note…", "F11", "ask_note", "note_button"),
    ("payAction", "Pay…", "F12", "pay", "pay_button"),
    ("newBillAction", "New bill", "Ctrl+N", "new_bill", "new_bill_button"),
    ("chooseProfileAction", "Customer profile", "Alt+P", "choose_profile", None),
    ("askAllergiesAction", "Record allergies…", "Alt+A", "ask_allergies", None),
    ("qtyUpAction", "Quantity +1", None, "quantity_up", "qty_up_button"),
    ("qtyDownAction", "Quantity −1", None, "quantity_down", "qty_down_button"),
    ("removeLineAction", "Remove line", None, "remove_line", "remove_button"),
]
_ALT, _CTRL, _SHIFT = (int(m.value) for m in (Qt.AltModifier, Qt.ControlModifier, Qt.ShiftModifier))
_MODS = _ALT | _CTRL | _SHIFT
FIELD_KEYS = {"qtyUpAction": "+", "qtyDownAction": "−", "removeLineAction": "Del"}


class SaleActions:
    def __init__(self, page, widgets):
        self.page = page
        self.by_name: dict[str, QAction] = {}
        self._keys: dict[tuple[int, int], QAction] = {}
        self._plain: set[int] | None = None
        for name, text, key, command, button_name in COMMANDS:
            action = self._action(name, text, key, getattr(page, command))
            if button_name:
                button = getattr(page, button_name)
                button.clicked.connect(action.trigger)
                setattr(self, name.removesuffix("Action") + "_action", action)
        self.favourites = []
        for index, button in enumerate(widgets.customer.favourite_buttons):
            action = self._action(f"orderAgain{index + 1}Action", f"Order again {index + 1}", f"Alt+{index + 1}",
                                  lambda _=False, i=index: page.order_again(i))
            button.clicked.connect(action.trigger)
            self.favourites.append(action)

    def _action(self, name: str, text: str, key: str | None, slot) -> QAction:
        action = QAction(text, self.page)
        action.setObjectName(name)
        if key:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text.rstrip('…')} ({key})")
        else:  # typed into the empty item field (FieldKeys): shown beside the text in the menu, not a shortcut
            action.setText(f"{text}\t{FIELD_KEYS[name]}")
        action.triggered.connect(lambda _=False: slot())
        self.by_name[name] = action
        return action

    def all(self) -> list[QAction]:
        return list(self.by_name.values())

    def fill_menu(self, menu) -> None:
        """The Bill menu of the till window: every command with its key."""
        for index, action in enumerate(self.all()):
            if index in (2, 14, 16, 19):  # customer · bill commands · profile and allergies · lines · favourites
                menu.addSeparator()
            action.setMenuRole(QAction.NoRole)
            menu.addAction(action)

    def set_enabled(self, on: bool) -> None:
        for action in self.all():
            action.setEnabled(on)

    def for_key(self, key: int, mods) -> QAction | None:
        """The action whose shortcut is this key. As the bill always did, extra modifiers fall back to
        Alt, Ctrl or Shift alone, then none (Ctrl+F3 finds an item, Ctrl+Shift+F2 takes the customer off).
        Plain ints: enum arithmetic would cost more than the rest of a keystroke."""
        if not self._keys:
            for action in self.all():
                if not action.shortcut().isEmpty():
                    combo = action.shortcut()[0]
                    self._keys[(int(combo.key().value), int(combo.keyboardModifiers().value))] = action
        key = int(key.value) if hasattr(key, "value") else int(key)
        mods = int(mods.value) & _MODS
        if key not in self._shortcut_keys():
            return None
        keys = self._keys
        for candidate in (mods, mods & _ALT, mods & _CTRL, mods & _SHIFT, 0):
            action = keys.get((key, candidate))
            if action is not None:
                return action
        return None

    def _shortcut_keys(self) -> set[int]:
        if self._plain is None:
            self._plain = {key for key, _ in self._keys}
        return self._plain


class FieldKeys(QObject):
    """The keys read from the item field (and the profile box) before the field sees them."""

    def __init__(self, page, field, combo):
        super().__init__(page)
        self.page, self.field, self.combo = page, field, combo
        field.installEventFilter(self)
        combo.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() != event.Type.KeyPress:
            return False
        if watched is self.field:
            return self.handle(event)
        if watched is self.combo and event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Escape):
            self.field.setFocus()  # the profile is chosen: back to scanning
            chosen = self.combo.currentText()  # (in place of the hint "↑↓ choose the profile…")
            self.page.say(f"Profile {chosen}: the bill is priced by it" if chosen else "No profile on the bill",
                          "info")
            return True
        return False

    def handle(self, event) -> bool:
        page = self.page
        key, mods = event.key(), event.modifiers()
        action = page.commands.for_key(key, mods)
        if action is not None:
            if action.isEnabled():
                action.trigger()
            return True
        empty = not self.field.text()
        if empty and key in (Qt.Key_Plus, Qt.Key_Minus) and not mods & Qt.ControlModifier:
            page.change_quantity(1 if key == Qt.Key_Plus else -1)
            return True
        if empty and key == Qt.Key_Delete:
            page.remove_line()
            return True
        rows = page.model.rowCount()
        if key in (Qt.Key_Up, Qt.Key_Down) and rows:
            row = page.bill_lines_view.currentIndex().row()
            page.select_row(max(0, min(rows - 1, row + (1 if key == Qt.Key_Down else -1))))
            return True
        if key == Qt.Key_Escape and not empty:
            self.field.clear()
            return True
        result = page.sale_result
        if result.isVisible() and (key == Qt.Key_Escape or mods & Qt.ControlModifier and key in (Qt.Key_P, Qt.Key_E)):
            {Qt.Key_P: result.print_receipt, Qt.Key_E: result.email_receipt}.get(key, result.dismiss)()
            return True
        return False

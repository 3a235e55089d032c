"""Taking payment (F12): cash with change due, card, other, loyalty points, and split tender.

The method is preselected from the customer's preferred payment. The amount field starts at what is
still due; Enter completes the sale, F5 takes the typed amount as one part of a split payment. The sale
itself is committed by the page (app/billing.complete_sale); this dialog only collects the tenders and
shows what is wrong in words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
)

from app import billing, loyalty
from app.cart import Cart
from app.errors import TillError, ValidationError
from app.money import format_money, parse_money, to_decimal
from app.payment_methods import PaymentMethod
from ui.i18n import payment_label
from ui.style import set_state, style_class

METHOD_KEYS = {Qt.Key_F1: PaymentMethod.CASH, Qt.Key_F2: PaymentMethod.CARD, Qt.Key_F3: PaymentMethod.OTHER,
               Qt.Key_F4: PaymentMethod.LOYALTY}
BUSY_AFTER_MS = 150  # a commit slower than this shows "Completing the sale…" with the inputs greyed
NOTES = [1, 5, 10, 20, 50, 100, 500, 1000, 5000, 10000]  # in major units; the currency's own
# notes differ, but rounding up to these gives the amounts customers hand over


def quick_cash(due: int, currency: str) -> list[int]:
    """The exact amount, then the next three round amounts above it (what a customer hands over)."""
    unit = 10 ** (0 if currency in ("JPY", "KRW", "VND", "ISK", "CLP") else 2)
    amounts = [due]
    for note in NOTES:
        step = note * unit
        amount = -(-due // step) * step  # rounded up to the note
        if amount > amounts[-1]:
            amounts.append(amount)
        if len(amounts) == 4:
            break
    return amounts


class PaymentDialog(QDialog):
    def __init__(self, parent, cart: Cart, on_complete):
        super().__init__(parent)
        self.cart = cart
        self._on_complete = on_complete
        self.parts: list[billing.Tender] = []
        self.busy = False
        self._parsed: tuple[str, int] = ("", 0)  # the tendered text last parsed, and its amount
        self.setObjectName("paymentDialog")
        self.setAccessibleName("Payment")
        self.setWindowTitle(self.tr("Payment"))
        self.setWindowModality(Qt.WindowModal)
        self.setMinimumWidth(520)
        customer = cart.customer
        self.points = customer.points if customer else 0
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        who = QLabel(f"Payment · {customer.name}" if customer else "Payment · walk-in customer")
        style_class(who, "subheading")
        layout.addWidget(who)
        self.due_caption = QLabel(self.tr("Total to pay"))
        style_class(self.due_caption, "muted")
        layout.addWidget(self.due_caption)
        self.due_label = QLabel("")
        self.due_label.setObjectName("paymentDueLabel")
        self.due_label.setAccessibleName("Amount due")
        layout.addWidget(self.due_label)
        self.parts_list = QListWidget()
        self.parts_list.setObjectName("paymentPartsList")
        self.parts_list.setMaximumHeight(90)
        self.parts_list.setVisible(False)
        self.parts_list.setFocusPolicy(Qt.NoFocus)
        layout.addWidget(self.parts_list)

        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Method")), 0, 0)
        self.method_combo = QComboBox()
        self.method_combo.setObjectName("paymentMethodCombo")
        self.method_combo.setAccessibleName("Payment method")
        for method in PaymentMethod:
            if method is PaymentMethod.LOYALTY and customer is None:
                continue
            self.method_combo.addItem(payment_label(method), method.value)
        preferred = customer.preferred_payment if customer else None
        index = self.method_combo.findData(preferred) if preferred else -1
        self.method_combo.setCurrentIndex(max(index, 0))
        self.method_combo.currentIndexChanged.connect(self._method_changed)
        grid.addWidget(self.method_combo, 0, 1)
        if preferred and index >= 0:
            note = QLabel(f"★ {customer.name.split()[0]} prefers {self.method_combo.itemText(index).lower()}")
            note.setObjectName("preferredPaymentLabel")
            grid.addWidget(note, 0, 2)
        grid.addWidget(QLabel(self.tr("Amount")), 1, 0)
        self.tendered_edit = QLineEdit()
        self.tendered_edit.setObjectName("tenderedEdit")
        self.tendered_edit.setAccessibleName("Amount tendered")
        self.tendered_edit.textChanged.connect(self._update_change)
        self._typed = False  # the amount in the field was typed by the cashier (not prefilled)
        self.tendered_edit.textEdited.connect(lambda _text: setattr(self, "_typed", True))
        grid.addWidget(self.tendered_edit, 1, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        quick = QGridLayout()  # cash handed over, one key each: Alt+1 exact, Alt+2..4 round amounts
        self.quick_buttons = []
        for index in range(4):
            button = QPushButton("")
            button.setObjectName(f"quickCashButton{index + 1}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, i=index: self.quick_cash(i))
            shortcut = QShortcut(QKeySequence(f"Alt+{index + 1}"), self)  # before the amount field types it
            shortcut.activated.connect(lambda i=index: self.quick_cash(i))
            quick.addWidget(button, index // 2, index % 2)
            self.quick_buttons.append(button)
        layout.addLayout(quick)
        self.points_label = QLabel("")
        self.points_label.setObjectName("paymentPointsLabel")
        self.points_label.setTextFormat(Qt.PlainText)
        self.points_label.setWordWrap(True)
        layout.addWidget(self.points_label)
        self.change_label = QLabel("")
        self.change_label.setObjectName("changeDueLabel")
        self.change_label.setAccessibleName("Change due")
        layout.addWidget(self.change_label)
        self.message = QLabel("")
        self.message.setObjectName("paymentMessageLabel")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        hint = QLabel("F1 cash · F2 card · F3 other · F4 points · F5 split · Alt+1..4 cash given · Enter complete · "
                      "Esc cancel")
        hint.setWordWrap(True)
        style_class(hint, "hint-faint")
        layout.addWidget(hint)

        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(self.tr("Cancel  (Esc)"))
        self.cancel_button.setObjectName("cancelPaymentButton")
        self.cancel_button.clicked.connect(self.reject)
        self.split_button = QPushButton(self.tr("Split  (F5)"))
        self.split_button.setObjectName("splitTenderButton")
        self.split_button.clicked.connect(self.add_part)
        self.complete_button = QPushButton(self.tr("Complete sale  (Enter)"))
        self.complete_button.setObjectName("completeSaleButton")
        self.complete_button.setAccessibleName("Complete sale")
        self.complete_button.clicked.connect(self.complete)
        self.complete_button.setMinimumHeight(48)
        for button in (self.cancel_button, self.split_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.complete_button)
        self.complete_button.setDefault(True)
        layout.addLayout(buttons)
        for label in self.findChildren(QLabel):  # customer names are shop data, never markup
            label.setTextFormat(Qt.PlainText)
        self._prefill()
        self.tendered_edit.setFocus()

    # --- amounts -------------------------------------------------------------------------------------------------

    @property
    def currency(self) -> str:
        return self.cart.currency

    def method(self) -> str:
        return self.method_combo.currentData()

    def set_method(self, method: str) -> None:
        index = self.method_combo.findData(str(method))
        if index >= 0:
            self.method_combo.setCurrentIndex(index)

    def total(self) -> int:
        cash = self.method() == PaymentMethod.CASH or billing.uses_cash(self.parts)
        return self.cart.price(cash=cash).total

    def remaining(self) -> int:
        paid = sum(part.amount for part in self.parts)
        return max(self.total() - paid, 0)

    def points_value_left(self) -> int:
        used = sum(part.amount for part in self.parts if part.method == PaymentMethod.LOYALTY)
        return max(loyalty.value_of(self.points, self.cart.settings) - used, 0)

    def _plain(self, minor: int) -> str:
        return f"{to_decimal(minor, self.currency)}"

    def _prefill(self) -> None:
        due = self.remaining()
        if self.method() == PaymentMethod.LOYALTY:
            due = min(due, self.points_value_left())
        self.tendered_edit.setText(self._plain(due))
        self.tendered_edit.selectAll()
        self._typed = False
        self._refresh_labels()

    def _method_changed(self) -> None:
        self.message.clear()
        if self._typed and self.method() != PaymentMethod.LOYALTY:
            self._refresh_labels()  # the cash handed over, typed before the method was chosen, is kept
        else:
            self._prefill()

    def _refresh_labels(self) -> None:
        total, remaining = self.total(), self.remaining()
        if self.parts:
            self.due_caption.setText(f"Still to pay (of {format_money(total, self.currency)})")
            self.due_label.setText(format_money(remaining, self.currency))
        else:
            self.due_caption.setText(self.tr("Total to pay"))
            self.due_label.setText(format_money(total, self.currency))
        if self.method() == PaymentMethod.LOYALTY:
            worth = format_money(loyalty.value_of(self.points, self.cart.settings), self.currency)
            text = f"{self.cart.customer.name} has {self.points} points (worth {worth})."
            warning = loyalty.redeem_warning()
            self.points_label.setText(f"{text}\n{warning}" if warning else text)
        else:
            self.points_label.setText("")
        self._update_change()
        self.points_label.setVisible(bool(self.points_label.text()))
        amounts = quick_cash(remaining, self.currency) if self.method() == PaymentMethod.CASH and remaining else []
        for index, button in enumerate(self.quick_buttons):
            if index < len(amounts):
                money = format_money(amounts[index], self.currency)
                button.setText(f"{'Exact ' if index == 0 else ''}{money}  Alt+{index + 1}")
                button.setAccessibleName(f"Cash given {money}")
                button.setProperty("amount", amounts[index])
            button.setVisible(index < len(amounts))

    def quick_cash(self, index: int) -> None:
        """The customer hands over this much cash: it becomes the amount, the change shows, Enter completes."""
        button = self.quick_buttons[index]
        if self.busy or button.isHidden():
            return
        self.tendered_edit.setText(self._plain(int(button.property("amount"))))
        self.tendered_edit.setFocus()

    def typed_amount(self) -> int:
        text = self.tendered_edit.text().strip()
        if not text:
            raise ValidationError("Type the amount paid.", "tendered")
        if self._parsed[0] != text:  # parsed as it was typed (the change shown): Enter does not parse again
            self._parsed = (text, parse_money(text, self.currency))
        amount = self._parsed[1]
        if amount <= 0:
            raise ValidationError("A payment must be more than zero.", "tendered")
        if amount > 100 * max(self.total(), 100_00):
            raise ValidationError(f"{format_money(amount, self.currency)} is not a believable payment for this bill.",
                                  "tendered")
        return amount

    def _update_change(self) -> None:
        if self.method() != PaymentMethod.CASH:
            self.change_label.setText("")
            self.change_label.setVisible(False)
            return
        try:
            amount = self.typed_amount()
        except TillError:
            self.change_label.setText("")
            self.change_label.setVisible(False)
            return
        change = amount - self.remaining()
        self.change_label.setText(f"Change due: {format_money(change, self.currency)}" if change > 0 else "")
        self.change_label.setVisible(change > 0)

    # --- actions ----------------------------------------------------------------------------------------------

    def current_tender(self) -> billing.Tender:
        return billing.Tender(self.method(), self.typed_amount())

    def add_part(self) -> None:
        """F5: the typed amount pays part of the bill; the rest is paid next, by any method."""
        if self.busy:
            return
        try:
            tender = self.current_tender()
            remaining = self.remaining()
            if tender.amount >= remaining:
                self.complete()
                return
            if tender.method == PaymentMethod.LOYALTY:
                loyalty.points_for_amount(tender.amount, self.cart.settings)
                if tender.amount > self.points_value_left():
                    raise ValidationError(f"{self.cart.customer.name} has only {self.points} points.", "tendered")
        except TillError as exc:
            self.message.setText(exc.message)
            return
        self.parts.append(tender)
        label = payment_label(tender.method)
        self.parts_list.addItem(f"{label}: {format_money(tender.amount, self.currency)}")
        self.parts_list.setVisible(True)
        self.message.clear()
        # the next part is usually another method: cash after card, card after points
        if tender.method != PaymentMethod.CASH:
            self.set_method(PaymentMethod.CASH if tender.method != PaymentMethod.CASH else PaymentMethod.CARD)
        self._prefill()
        self.tendered_edit.setFocus()

    def complete(self) -> None:
        if self.busy:
            return
        try:
            tenders = [*self.parts, self.current_tender()]
            points = self.points if self.cart.customer else None
            billing.plan_payments(self.cart.price(cash=billing.uses_cash(tenders)).total, tenders,
                                  self.cart.settings, points)
        except TillError as exc:
            self.message.setText(exc.message)
            return
        self.busy = True  # from here keys, Esc and the buttons do nothing until the write answers
        self._on_complete(self, tenders)
        # A durable commit takes a few milliseconds: greying the dialog and moving its focus for that long
        # only costs the UI thread the time the answer needs. A slow disk still shows that it is working.
        QTimer.singleShot(BUSY_AFTER_MS, self, self._show_busy)  # (not after the dialog is deleted)

    def _show_busy(self) -> None:
        if self.busy and self.isVisible():
            self.message.setText(self.tr("Completing the sale…"))
            set_state(self.message, "tone", "busy")
            self._enable_inputs(False)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._enable_inputs(not busy)

    def _enable_inputs(self, enabled: bool) -> None:
        for widget in (self.complete_button, self.split_button, self.cancel_button, self.tendered_edit,
                       self.method_combo):
            widget.setEnabled(enabled)

    def failed(self, message: str) -> None:
        """The sale was refused (nothing was written): say why and let the cashier fix it."""
        self.set_busy(False)
        set_state(self.message, "tone", "")
        self.message.setText(message)
        self.tendered_edit.setFocus()

    def keyPressEvent(self, event):
        key = event.key()
        if self.busy:
            return
        if key in METHOD_KEYS:
            self.set_method(METHOD_KEYS[key])
            self.tendered_edit.setFocus()
            return
        if key == Qt.Key_F5:
            self.add_part()
            return
        if key in (Qt.Key_Return, Qt.Key_Enter):
            self.complete()
            return
        super().keyPressEvent(event)

    def reject(self):
        if self.busy:
            return
        super().reject()

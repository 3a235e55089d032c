""""Ask for allergies when a customer is chosen" (a customer-defaults setting): a customer whose allergies
nobody has recorded yet gets an amber prompt in the customer panel (``askAllergiesLabel``) telling the
cashier to ask; Alt+A opens ``recordAllergiesDialog``, where number keys tick the allergens the shop
tracks and Enter records the answer (every allergen yes or no, so "none" is an answer and the prompt does
not come back). It never takes the keyboard on its own: a cashier scanning on is not interrupted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app import cart as carts
from app import preferences
from app.changes import Changes
from ui import ops
from ui.style import style_class


class AllergyQuestion:
    def __init__(self, page):
        self.page = page
        self._recorded: dict[str, bool] = {}
        self.label = QLabel("")
        self.label.setObjectName("askAllergiesLabel")
        self.label.setAccessibleName("Ask about allergies")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.PlainText)
        self.label.setVisible(False)

    def needed(self, customer) -> bool:
        """On, a customer on the bill, and nothing recorded about their allergies."""
        if customer is None or customer.allergies or not self.page.cart.settings.ask_for_allergies:
            return False
        if customer.id not in self._recorded:
            self._recorded[customer.id] = preferences.allergies_recorded(customer.id)
        return not self._recorded[customer.id]

    def show_for(self, customer) -> None:
        if self.needed(customer):
            self.label.setText(f"Ask {customer.name.split()[0]} about food allergies: none recorded yet. "
                               "Alt+A records the answer.")
        self.label.setVisible(self.needed(customer))

    def ask(self):
        customer = self.page.cart.customer
        if customer is None:
            self.page.say("Choose a customer first (F2).")
            return None
        dialog = RecordAllergiesDialog(self.page.window_, customer.name, preferences.allergy_definitions(),
                                       set(customer.allergies), lambda chosen: self._record(customer.id, chosen))
        self.page.window_.keep_open(dialog)
        dialog.open()
        return dialog

    def _record(self, customer_id: str, chosen: set[str]) -> None:
        page = self.page

        def done(flagged):
            self._recorded[customer_id] = True
            if page.cart.customer is not None and page.cart.customer.id == customer_id:
                page.cart.refresh_customer(carts.load_customer(customer_id))
                page.refresh()
                page._queue_pending_allergens()  # lines already on the bill that carry them
            page.say(f"Allergies recorded: {', '.join(flagged)}" if flagged else "Recorded: no food allergies",
                     "info")

        ops.write(page.window_, preferences.record_allergies, customer_id, chosen, page.window_.till.user,
                  owner=page, changes=Changes.of("customer_preference")).success(
            done).failure(lambda exc: page.say(getattr(exc, "message", str(exc)))).run()


class RecordAllergiesDialog(QDialog):
    def __init__(self, parent, customer_name: str, definitions, flagged: set[str], on_answer):
        super().__init__(parent)
        self.setObjectName("recordAllergiesDialog")
        self.setAccessibleName("Record allergies")
        self.setWindowTitle(self.tr("Allergies"))
        self.setWindowModality(Qt.WindowModal)
        self._on_answer = on_answer
        layout = QVBoxLayout(self)
        heading = QLabel(f"Ask {customer_name}: any food allergies?")
        style_class(heading, "heading-small")
        layout.addWidget(heading)
        layout.addWidget(QLabel(self.tr("Number keys tick what they say; Enter records the answer (nothing ticked: none).")))
        self.checks: dict[str, QCheckBox] = {}
        for index, definition in enumerate(definitions[:9]):
            allergen = definition.key.split(".", 1)[1]
            check = QCheckBox(f"{index + 1}   {definition.label}")
            check.setObjectName(f"allergyCheck_{allergen}")
            check.setChecked(allergen in flagged)
            layout.addWidget(check)
            self.checks[allergen] = check
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = QPushButton(self.tr("Not now  (Esc)"))
        cancel.clicked.connect(self.reject)
        save = QPushButton(self.tr("Record  (Enter)"))
        save.setObjectName("recordAllergiesButton")
        save.clicked.connect(self.record)
        for button in (cancel, save):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        self.setFocus()

    def keyPressEvent(self, event):
        key = event.key()
        if key in (Qt.Key_Return, Qt.Key_Enter):
            self.record()
            return
        if Qt.Key_1 <= key <= Qt.Key_9:
            checks = list(self.checks.values())
            index = key - Qt.Key_1
            if index < len(checks):
                checks[index].toggle()
            return
        super().keyPressEvent(event)

    def chosen(self) -> set[str]:
        return {allergen for allergen, check in self.checks.items() if check.isChecked()}

    def record(self) -> None:
        self.accept()
        self._on_answer(self.chosen())

"""Ask the cashier to confirm a line whose item carries an allergen the customer is flagged for.

Enter keeps the line (the customer was told and still wants it), Esc takes it off the bill. A barcode
scanner that keeps typing while this is open is not mistaken for an answer: digits typed here are
collected, and the Enter that ends them hands the scanned code back to the bill (``scanned``) instead of
confirming; the warning stays until the cashier answers it.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ui.style import style_class


class AllergenConfirmDialog(QDialog):
    scanned = Signal(str)

    def __init__(self, parent, customer_name: str, item_name: str, allergens, on_answer):
        super().__init__(parent)
        self.setObjectName("allergenConfirmDialog")
        self.setAccessibleName("Allergy warning")
        self.setWindowTitle(self.tr("Allergy warning"))
        self.setWindowModality(Qt.WindowModal)
        self.setMinimumWidth(460)
        self._on_answer = on_answer
        self._answered = False
        self._typed = ""
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        title = QLabel(self.tr("⚠  Allergy warning"))
        title.setObjectName("allergenTitle")
        layout.addWidget(title)
        names = escape(", ".join(allergens))  # shop data inside markup is always escaped
        text = QLabel(
            f"<b>{escape(item_name)}</b> contains <b>{names}</b>.<br>"
            f"{escape(customer_name)} is flagged for <b>{names}</b>.<br><br>"
            "Tell the customer. Keep it on the bill only if they still want it.")
        text.setObjectName("allergenText")
        text.setTextFormat(Qt.RichText)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.scan_note = QLabel("")
        self.scan_note.setObjectName("allergenScanNote")
        style_class(self.scan_note, "hint")
        layout.addWidget(self.scan_note)
        buttons = QHBoxLayout()
        self.remove_button = QPushButton(self.tr("Remove line  (Esc)"))
        self.remove_button.setObjectName("removeLineButton")
        self.remove_button.clicked.connect(lambda: self._answer(False))
        self.keep_button = QPushButton(self.tr("Keep it, customer agreed  (Enter)"))
        self.keep_button.setObjectName("keepLineButton")
        self.keep_button.clicked.connect(lambda: self._answer(True))
        for button in (self.remove_button, self.keep_button):
            button.setAutoDefault(False)  # Enter is handled in keyPressEvent (scanner-aware)
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def keyPressEvent(self, event):
        key = event.key()
        if key in (Qt.Key_Return, Qt.Key_Enter):
            if self._typed:
                code, self._typed = self._typed, ""
                self.scan_note.setText(f"Scanned {code}: it goes on the bill after you answer this warning.")
                self.scanned.emit(code)
            else:
                self._answer(True)
            return
        if key == Qt.Key_Escape:
            self._answer(False)
            return
        text = event.text()
        if text and text.isprintable() and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier):
            self._typed += text
            return
        super().keyPressEvent(event)

    def reject(self):
        self._answer(False)

    def set_aside(self) -> None:
        """The session ends (sign-out, the till closed) before an answer: close without answering, so the line
        stays on the bill unconfirmed and is asked about again when the held bill is recalled."""
        self._answered = True
        self.done(QDialog.Rejected)

    def _answer(self, keep: bool):
        if self._answered:
            return
        self._answered = True
        self.done(QDialog.Accepted if keep else QDialog.Rejected)
        self._on_answer(keep)

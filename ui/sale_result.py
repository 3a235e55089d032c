"""What the last payment did, and the receipt choice, in one bar on the bill (no dialog over a dialog):
Ctrl+P prints the receipt (on the receipt printer, or Qt's print preview), Ctrl+E writes it to the
customer's email address in the shop's mail program, Esc or the next scan means no receipt."""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app import receipt, settings


class SaleResultBar(QFrame):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.bill_id: str | None = None
        self.email: str | None = None
        self.setObjectName("saleResultBar")
        layout = QVBoxLayout(self)  # the result on its own line, the receipt choice under it
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.label = QLabel("")
        self.label.setObjectName("lastSaleLabel")
        self.label.setAccessibleName("Last sale")
        self.label.setTextFormat(Qt.PlainText)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        row.setSpacing(6)
        layout.addLayout(row)
        self.print_button = self._button("Print  Ctrl+P", "printLastReceiptButton", "Print receipt", self.print_receipt)
        self.email_button = self._button("Email  Ctrl+E", "emailLastReceiptButton", "Email receipt", self.email_receipt)
        self.none_button = self._button("No receipt  Esc", "noReceiptButton", "No receipt", self.dismiss)
        row.addWidget(QLabel("Receipt:"))
        for button in (self.print_button, self.email_button, self.none_button):
            row.addWidget(button)
        row.addStretch(1)
        # Its place is kept while hidden: showing it after each payment then repaints the bar alone, where
        # a new place relaid out and repainted the whole bill (half of Enter-to-cleared-bill at 1366x768).
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.setVisible(False)

    def _button(self, text, name, accessible, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setProperty("class", "action")
        button.setFocusPolicy(Qt.NoFocus)  # keys, not focus: the item field keeps the keyboard
        button.clicked.connect(slot)
        return button

    def show_result(self, text: str, bill_id: str, email: str | None) -> None:
        self.bill_id, self.email = bill_id, email
        self.label.setText(text)
        self.email_button.setEnabled(bool(email))
        self.email_button.setToolTip(f"Write the receipt to {email}" if email else "No email address on the bill")
        self.setVisible(True)

    def warm(self, sample: str) -> None:
        """Draw the bar once, hidden, with text like a sale's: the first payment of a session then does not
        pay for styling the bar and finding the glyphs of its text (a few milliseconds once)."""
        if self.isVisible() or self.width() <= 0:
            return
        self.label.setText(sample)
        self.ensurePolished()
        for child in self.findChildren(QWidget):
            child.ensurePolished()
        self.grab()
        self.label.setText("")

    def dismiss(self) -> None:
        self.setVisible(False)
        self.bill_id = None

    def print_receipt(self):
        if self.bill_id is None:
            return None
        bill_id, spec = self.bill_id, settings.local("receipt_printer")
        self.dismiss()
        if spec:
            self.page.print_to_receipt_printer(bill_id, spec)
            self.page.say("Sent to the receipt printer", "info")
            return None
        from ui.receipt_view import print_preview

        self.page._shown_receipts.add(bill_id)
        return print_preview(self.page.window_, self.page.window_, receipt.build(bill_id))

    def email_receipt(self) -> bool:
        """Open the shop's mail program with the receipt written to the customer (the till sends no mail)."""
        if self.bill_id is None or not self.email:
            self.page.say("There is no email address for this bill's customer.")
            return False
        printed = receipt.build(self.bill_id)
        url = QUrl(f"mailto:{quote(self.email, safe='@')}?subject={quote(f'Your receipt {printed.receipt_no} from {printed.shop_name}')}"
                   f"&body={quote(printed.text())}")
        self.dismiss()
        if not QDesktopServices.openUrl(url):
            self.page.say("No mail program is set up on this computer to write the receipt email.")
            return False
        self.page.say(f"Receipt {printed.receipt_no} written to {self.email} in the mail program", "info")
        return True

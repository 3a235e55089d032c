"""Lists of bills the cashier picks from: held bills to recall (F6), recent sales to void (F8) or print
again (F10). Keyboard first: ↑↓ choose, Enter (or the named key) acts, Esc closes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app import billing
from app.money import format_money

IdRole = Qt.UserRole + 1


class _BillList(QDialog):
    def __init__(self, window, name: str, title: str, headers: list[str]):
        super().__init__(window)
        self.window_ = window
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModal)
        self.resize(680, 440)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setTextFormat(Qt.PlainText)
        heading.setStyleSheet("font-size: 20px; font-weight: 700")
        layout.addWidget(heading)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.message = QLabel("")
        self.message.setTextFormat(Qt.PlainText)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b42318; font-weight: 600")
        layout.addWidget(self.message)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)

    def add_button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def set_rows(self, rows: list[tuple[str, list[str]]]) -> None:
        self.table.setRowCount(len(rows))
        for r, (row_id, cells) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(IdRole, row_id)
                if c == len(cells) - 1:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        if rows:
            self.table.selectRow(0)
        self.table.setFocus()

    def current_id(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(IdRole) if item else None


class HeldBillsDialog(_BillList):
    """F6: bills parked with Hold (F5). Enter recalls; Del drops one for good."""

    def __init__(self, window, exclude_id: str | None, on_recall):
        super().__init__(window, "heldBillsDialog", "Held bills", ["Held at", "Bill", "Cashier"])
        self.table.setObjectName("heldBillsView")
        self.table.setAccessibleName("Held bills")
        self._on_recall = on_recall
        self._exclude = exclude_id
        self.add_button("Drop  (Del)", "dropHeldBillButton", self.drop)
        self.add_button("Close  (Esc)", "closeHeldBillsButton", self.reject)
        self.recall_button = self.add_button("Recall  (Enter)", "recallHeldBillButton", self.recall)
        self.reload()

    def reload(self) -> None:
        rows = []
        for held in billing.held_bills():
            if held.id == self._exclude:
                continue
            rows.append((held.id, [held.held_at.astimezone().strftime("%H:%M"), held.label, held.cashier.name]))
        self.set_rows(rows)
        if not rows:
            self.message.setText("No bills are on hold.")

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.recall()
            return
        if event.key() == Qt.Key_Delete:
            self.drop()
            return
        super().keyPressEvent(event)

    def recall(self) -> None:
        held_id = self.current_id()
        if held_id is None:
            return
        self.accept()
        self._on_recall(held_id)

    def drop(self) -> None:
        held_id = self.current_id()
        if held_id is not None:
            billing.drop_held(held_id)
            self.reload()


class RecentBillsDialog(_BillList):
    """F8 / F10: the latest bills. F8 voids the chosen sale (a manager approves), F10 shows its receipt."""

    def __init__(self, window, on_void, on_receipt, purpose: str = "void"):
        title = "Void a sale" if purpose == "void" else "Print a receipt again"
        super().__init__(window, "recentBillsDialog", title, ["Time", "Receipt", "Customer", "Total"])
        self.table.setObjectName("recentBillsView")
        self.table.setAccessibleName("Recent bills")
        self._on_void = on_void
        self._on_receipt = on_receipt
        self.purpose = purpose
        self.add_button("Close  (Esc)", "closeRecentBillsButton", self.reject)
        self.receipt_button = self.add_button("Receipt  (F10)", "reprintReceiptButton", self.receipt)
        self.void_button = self.add_button("Void sale  (F8)", "voidSaleButton", self.void)
        self.void_button.setProperty("class", "destructive")
        self.reload()

    def reload(self) -> None:
        currency = self.window_.sale_page.cart.currency
        self.bills = {b.id: b for b in billing.recent_bills(40)}
        rows = []
        for bill in self.bills.values():
            receipt_no = bill.receipt_no + (" · VOID" if bill.kind == "void" else " · RETURN" if bill.kind == "return"
                                            else " · voided" if bill.voided else "")
            rows.append((bill.id, [bill.completed_at.astimezone().strftime("%d %b %H:%M"), receipt_no,
                                   bill.customer_name or "Walk-in", format_money(bill.total, currency)]))
        self.set_rows(rows)
        if not rows:
            self.message.setText("No sales yet.")

    def keyPressEvent(self, event):
        key = event.key()
        if key == Qt.Key_F8 or (key in (Qt.Key_Return, Qt.Key_Enter) and self.purpose == "void"):
            self.void()
            return
        if key == Qt.Key_F10 or (key in (Qt.Key_Return, Qt.Key_Enter) and self.purpose == "receipt"):
            self.receipt()
            return
        super().keyPressEvent(event)

    def void(self) -> None:
        bill_id = self.current_id()
        if bill_id is None:
            return
        bill = self.bills[bill_id]
        if bill.kind == "void" or bill.voided:
            self.message.setText(f"{bill.receipt_no} is already void.")
            return
        if bill.kind == "return":
            self.message.setText(f"{bill.receipt_no} is a return: a return is not voided.")
            return
        self._on_void(self, bill)

    def receipt(self) -> None:
        bill_id = self.current_id()
        if bill_id is not None:
            self._on_receipt(bill_id)

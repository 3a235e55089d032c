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

from app import billing, dates
from app.money import format_money
from ui import ops
from ui.i18n import translate
from ui.style import style_class

IdRole = Qt.UserRole + 1


class _BillList(QDialog):
    def __init__(self, window, name: str, accessible: str, title: str, headers: list[str]):
        super().__init__(window)
        self.window_ = window
        self.setObjectName(name)
        self.setAccessibleName(accessible)  # the contract's name, never translated
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModal)
        self.resize(680, 440)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setTextFormat(Qt.PlainText)
        style_class(heading, "heading")
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
        style_class(self.message, "error")
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


def held_rows() -> list[tuple]:
    """The held bills as plain rows (id, held at, label, cashier), read on a worker."""
    return [(h.id, h.held_at, h.label, h.cashier.name) for h in billing.held_bills()]


class HeldBillsDialog(_BillList):
    """F6: bills parked with Hold (F5). Enter recalls; Del drops one for good."""

    def __init__(self, window, exclude_id: str | None, on_recall, held: list[tuple]):
        super().__init__(window, "heldBillsDialog", "Held bills", translate("HeldBillsDialog", "Held bills"),
                         [translate("HeldBillsDialog", "Held at"), translate("HeldBillsDialog", "Bill"),
                          translate("HeldBillsDialog", "Cashier")])
        self.table.setObjectName("heldBillsView")
        self.table.setAccessibleName("Held bills")
        self._on_recall = on_recall
        self._exclude = exclude_id
        self.add_button(self.tr("Drop  (Del)"), "dropHeldBillButton", self.drop)
        self.add_button(self.tr("Close  (Esc)"), "closeHeldBillsButton", self.reject)
        self.recall_button = self.add_button(self.tr("Recall  (Enter)"), "recallHeldBillButton", self.recall)
        self.show_held(held)

    def show_held(self, held: list[tuple]) -> None:
        rows = [(held_id, [dates.time(at), label, cashier]) for held_id, at, label, cashier in held
                if held_id != self._exclude]
        self.set_rows(rows)
        self.message.setText("" if rows else self.tr("No bills are on hold."))

    def reload(self) -> None:
        ops.read_after_writes(self.window_, held_rows, owner=self).success(self.show_held).run()

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
        if held_id is not None:  # dropped on the write worker; the list shows what is left
            ops.write(self.window_, billing.drop_held, held_id, owner=self).success(lambda _: self.reload()).failure(
                lambda exc: self.message.setText(getattr(exc, "message", str(exc)))).run()


class RecentBillsDialog(_BillList):
    """F8 / F10: the latest bills. F8 voids the chosen sale (a manager approves), F10 shows its receipt."""

    def __init__(self, window, on_void, on_receipt, purpose: str = "void"):
        title = "Void a sale" if purpose == "void" else "Print a receipt again"
        super().__init__(window, "recentBillsDialog", title,
                         translate("RecentBillsDialog", "Void a sale") if purpose == "void"
                         else translate("RecentBillsDialog", "Print a receipt again"),
                         [translate("RecentBillsDialog", "Time"), translate("RecentBillsDialog", "Receipt"),
                          translate("RecentBillsDialog", "Customer"), translate("RecentBillsDialog", "Total")])
        self.table.setObjectName("recentBillsView")
        self.table.setAccessibleName("Recent bills")
        self._on_void = on_void
        self._on_receipt = on_receipt
        self.purpose = purpose
        self.add_button(self.tr("Close  (Esc)"), "closeRecentBillsButton", self.reject)
        self.receipt_button = self.add_button(self.tr("Receipt  (F10)"), "reprintReceiptButton", self.receipt)
        self.void_button = self.add_button(self.tr("Void sale  (F8)"), "voidSaleButton", self.void)
        self.void_button.setProperty("class", "destructive")
        self.reload()

    def reload(self) -> None:
        currency = self.window_.sale_page.cart.currency
        self.bills = {b.id: b for b in billing.recent_bills(40)}
        rows = []
        for bill in self.bills.values():
            receipt_no = bill.receipt_no + (" · VOID" if bill.kind == "void" else " · RETURN" if bill.kind == "return"
                                            else " · voided" if bill.voided else "")
            rows.append((bill.id, [dates.date_time(bill.completed_at, year=False), receipt_no,
                                   bill.customer_name or self.tr("Walk-in"), format_money(bill.total, currency)]))
        self.set_rows(rows)
        if not rows:
            self.message.setText(self.tr("No sales yet."))

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
            self.message.setText(self.tr("{receipt} is already void.").format(receipt=bill.receipt_no))
            return
        if bill.kind == "return":
            self.message.setText(self.tr("{receipt} is a return: a return is not voided.").format(
                receipt=bill.receipt_no))
            return
        self._on_void(self, bill)

    def receipt(self) -> None:
        bill_id = self.current_id()
        if bill_id is not None:
            self.accept()  # the receipt takes the list's place: closing it puts the keyboard back on the bill
            self._on_receipt(bill_id)

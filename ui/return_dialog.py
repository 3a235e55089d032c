"""Returns at the counter (``returnDialog``, Shift+F8 on the bill): find the sale by its receipt number
(typed, or scanned from the receipt's barcode), choose the lines and quantities, refund.

Keyboard first: the receipt field has the focus; Enter finds the sale and moves to its lines. There ↑↓
choose a line, a digit sets how many to return, Space returns the whole line (or none), + / − one more or
less, F4 switches between the original payment method and cash, Enter refunds. The rules (what is still
returnable, the money, the manager's approval above the shop's limit) are app/returns.py; the refund is
written on the write worker.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app import dates, returns, settings
from app.errors import TillError
from app.money import format_money
from app.payment_methods import PaymentMethod
from ui import ops
from ui.i18n import payment_label
from ui.style import style_class

COL_RETURN, COL_ITEM, COL_SOLD, COL_RETURNED, COL_LEFT, COL_REFUND = range(6)
LineNoRole = Qt.UserRole + 1


def _named(widget, name: str, accessible: str):
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class ReturnLinesModel(QAbstractTableModel):
    """The sale's lines: how many were sold, returned already, can still be returned, and how many this
    return takes (editable; the check box takes the whole line)."""

    HEADERS = ["Return", "Item", "Sold", "Returned", "Can return", "Refund"]
    chosen_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bill: returns.ReturnableBill | None = None
        self.chosen: dict[int, int] = {}
        self.refunds: dict[int, int] = {}

    def set_bill(self, bill: returns.ReturnableBill | None) -> None:
        self.beginResetModel()
        self.bill = bill
        self.chosen = {}
        self.refunds = {}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() or self.bill is None else len(self.bill.lines)

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemNeverHasChildren
        if index.column() == COL_RETURN and self.bill.lines[index.row()].returnable:
            flags |= Qt.ItemIsEditable | Qt.ItemIsUserCheckable
        return flags

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or self.bill is None:
            return None
        line = self.bill.lines[index.row()]
        column = index.column()
        if role == LineNoRole:
            return line.line_no
        if role == Qt.CheckStateRole and column == COL_RETURN:
            return Qt.Checked if self.chosen.get(line.line_no) else Qt.Unchecked
        if role == Qt.EditRole and column == COL_RETURN:
            return self.chosen.get(line.line_no, 0)
        if role == Qt.DisplayRole:
            if column == COL_RETURN:
                return str(self.chosen[line.line_no]) if self.chosen.get(line.line_no) else ""
            if column == COL_ITEM:
                return f"{line.name}  ({line.code})"
            if column == COL_SOLD:
                return str(line.sold)
            if column == COL_RETURNED:
                return str(line.returned) if line.returned else ""
            if column == COL_LEFT:
                return str(line.returnable) if line.returnable else "Returned"
            if column == COL_REFUND:
                amount = self.refunds.get(line.line_no)
                return format_money(amount, self.bill.currency) if amount else ""
        if role == Qt.TextAlignmentRole and column != COL_ITEM:
            return int(Qt.AlignRight | Qt.AlignVCenter) if column != COL_RETURN else int(Qt.AlignCenter)
        if role == Qt.ForegroundRole and not line.returnable:
            from PySide6.QtGui import QBrush, QColor

            return QBrush(QColor("#94a3b8"))
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if not index.isValid() or index.column() != COL_RETURN or self.bill is None:
            return False
        line = self.bill.lines[index.row()]
        if role == Qt.CheckStateRole:
            checked = value in (Qt.Checked, Qt.Checked.value, 2)
            quantity = line.returnable if checked else 0
        elif role == Qt.EditRole:
            try:
                quantity = int(value)
            except (TypeError, ValueError):
                return False
        else:
            return False
        if not 0 <= quantity <= line.returnable:
            return False
        if quantity:
            self.chosen[line.line_no] = quantity
        else:
            self.chosen.pop(line.line_no, None)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        self.chosen_changed.emit()
        return True

    def set_refunds(self, refunds: dict[int, int]) -> None:
        self.refunds = refunds
        if self.rowCount():
            self.dataChanged.emit(self.index(0, COL_REFUND), self.index(self.rowCount() - 1, COL_REFUND))


class ReturnDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.return_id = returns.new_return_id()  # fixed per return: a double press or a retry cannot refund twice
        self.plan: returns.ReturnPlan | None = None
        self.busy = False
        self.setObjectName("returnDialog")
        self.setAccessibleName("Return")
        self.setWindowTitle(self.tr("Return"))
        self.setWindowModality(Qt.WindowModal)
        self.resize(820, 540)
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Return items from a past sale"))
        style_class(heading, "heading")
        layout.addWidget(heading)
        self.receipt_edit = _named(QLineEdit(), "returnReceiptEdit", "Receipt number")
        self.receipt_edit.setPlaceholderText(self.tr("Scan the receipt's barcode or type its number (T1-42), then Enter"))
        style_class(self.receipt_edit, "search")
        self.receipt_edit.returnPressed.connect(self.find)
        layout.addWidget(self.receipt_edit)
        self.sale_label = _named(QLabel(""), "returnSaleLabel", "Sale")
        self.sale_label.setTextFormat(Qt.PlainText)
        self.sale_label.setWordWrap(True)
        layout.addWidget(self.sale_label)

        self.model = ReturnLinesModel(self)
        self.lines_view = _named(QTableView(), "returnLinesView", "Lines of the sale")
        self.lines_view.setModel(self.model)
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.lines_view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.lines_view.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.lines_view.verticalHeader().setVisible(False)
        self.lines_view.verticalHeader().setDefaultSectionSize(34)
        self.lines_view.setAlternatingRowColors(True)
        self.lines_view.setShowGrid(False)
        header = self.lines_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(COL_ITEM, QHeaderView.Stretch)
        self.lines_view.installEventFilter(self)
        self.model.chosen_changed.connect(self._chosen_changed)
        layout.addWidget(self.lines_view, 1)
        hint = QLabel("↑↓ choose a line · a digit: how many · Space: the whole line · + / − · F4: refund in cash or "
                      "the original way · Enter: refund · Esc: close")
        style_class(hint, "hint-small")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Refund as  F4")))
        self.method_combo = _named(QComboBox(), "returnMethodCombo", "Refund method")
        self.method_combo.addItem("The original payment", returns.ORIGINAL)
        self.method_combo.addItem(payment_label(returns.CASH), returns.CASH)
        self.method_combo.setFocusPolicy(Qt.NoFocus)
        self.method_combo.currentIndexChanged.connect(lambda *_: self._chosen_changed())
        row.addWidget(self.method_combo)
        self.refund_label = _named(QLabel(""), "returnRefundLabel", "Refund")
        self.refund_label.setTextFormat(Qt.PlainText)
        row.addWidget(self.refund_label, 1)
        layout.addLayout(row)
        self.message = _named(QLabel(""), "returnMessageLabel", "Message")
        self.message.setTextFormat(Qt.PlainText)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton(self.tr("Close  Esc"))
        self.close_button.clicked.connect(self.reject)
        self.confirm_button = _named(QPushButton(self.tr("Refund  Enter")), "confirmReturnButton", "Refund the chosen lines")
        self.confirm_button.clicked.connect(self.confirm)
        for button in (self.close_button, self.confirm_button):
            button.setAutoDefault(False)
            button.setDefault(False)
            button.setFocusPolicy(Qt.NoFocus)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._set_bill(None)
        self.receipt_edit.setFocus()

    # --- finding the sale -------------------------------------------------------------------------------------

    def say(self, text: str, kind: str = "error") -> None:
        style_class(self.message, "error" if kind == "error" else "ok")
        self.message.setText(text)

    def find(self) -> None:
        try:
            bill = returns.find_sale(self.receipt_edit.text())
        except TillError as exc:
            self.say(exc.message)
            self.receipt_edit.selectAll()
            return
        self.say("")
        self._set_bill(bill)
        self.receipt_edit.clear()

    def _set_bill(self, bill: returns.ReturnableBill | None) -> None:
        self.model.set_bill(bill)
        self.plan = None
        if bill is None:
            self.sale_label.setText("")
        else:
            money = format_money(bill.total, bill.currency)
            parts = [f"Sale {bill.receipt_no}", dates.date_time(bill.completed_at),
                     bill.customer_name or "Walk-in customer", f"total {money}"]
            paid = ", ".join(f"{payment_label(m)} {format_money(a, bill.currency)}" for m, a in bill.paid_by)
            if paid:
                parts.append(f"paid {paid}")
            if bill.refunded:
                parts.append(f"refunded so far {format_money(bill.refunded, bill.currency)}")
            self.sale_label.setText("  ·  ".join(parts))
            if bill.fully_returned:
                self.say(f"Everything on {bill.receipt_no} was already returned.")
            first = next((r for r, line in enumerate(bill.lines) if line.returnable), 0)
            self.lines_view.setCurrentIndex(self.model.index(first, COL_RETURN))
            self.lines_view.setFocus()
        self._chosen_changed()

    # --- choosing ----------------------------------------------------------------------------------------------

    def current_row(self) -> int:
        index = self.lines_view.currentIndex()
        return index.row() if index.isValid() else -1

    def set_quantity(self, row: int, quantity: int) -> bool:
        bill = self.model.bill
        if bill is None or not 0 <= row < len(bill.lines):
            return False
        line = bill.lines[row]
        if quantity > line.returnable:
            self.say(f"Only {line.returnable} of {line.name} can be returned." if line.returnable
                     else f"{line.name} was already returned.")
            return False
        self.say("")
        return self.model.setData(self.model.index(row, COL_RETURN), max(quantity, 0), Qt.EditRole)

    def _chosen_changed(self, *_args) -> None:
        bill = self.model.bill
        self.plan = None
        if bill is None or not self.model.chosen:
            self.model.set_refunds({})
            self.refund_label.setText("")
            self.confirm_button.setEnabled(bill is not None and not bill.fully_returned)
            return
        try:
            self.plan = returns.plan(bill, self.model.chosen, self.method_combo.currentData())
        except TillError as exc:
            self.say(exc.message)
            self.refund_label.setText("")
            self.confirm_button.setEnabled(False)
            return
        self.model.set_refunds({entry[0]: entry[5] for entry in self.plan.lines})
        self.refund_label.setText(self.plan.describe())
        limit = returns.approval_limit()
        if returns.needs_approval(self.plan.refund, self.window_.till.user):
            self.refund_label.setText(self.plan.describe() + f"  (above {format_money(limit, bill.currency)}: "
                                                              "a manager approves)")
        self.confirm_button.setEnabled(not self.busy)

    def eventFilter(self, watched, event):
        if watched is self.lines_view and event.type() == event.Type.KeyPress and self.lines_view.state() != \
                QAbstractItemView.EditingState:
            key, text = event.key(), event.text()
            row = self.current_row()
            line = self.model.bill.lines[row] if self.model.bill is not None and row >= 0 else None
            if text.isdigit() and line is not None:
                self.set_quantity(row, int(text))
                return True
            if key == Qt.Key_Space and line is not None:
                self.set_quantity(row, 0 if self.model.chosen.get(line.line_no) else line.returnable)
                return True
            if key in (Qt.Key_Plus, Qt.Key_Minus) and line is not None:
                current = self.model.chosen.get(line.line_no, 0)
                self.set_quantity(row, max(current + (1 if key == Qt.Key_Plus else -1), 0))
                return True
            if key in (Qt.Key_Return, Qt.Key_Enter):
                self.confirm()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_F4:
            self.method_combo.setCurrentIndex(1 - self.method_combo.currentIndex())
            return
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and event.modifiers() & Qt.ControlModifier:
            self.confirm()
            return
        super().keyPressEvent(event)

    # --- refunding -----------------------------------------------------------------------------------------------

    def confirm(self) -> None:
        bill = self.model.bill
        if self.busy:
            return
        if bill is None:
            self.say("Scan or type the receipt number first.")
            self.receipt_edit.setFocus()
            return
        if not self.model.chosen:
            row = self.current_row()
            if row < 0 or not bill.lines[row].returnable:
                self.say("Choose what to return: a digit for how many, Space for the whole line.")
                return
            self.set_quantity(row, bill.lines[row].returnable)  # nothing marked: the chosen line, all of it
        if self.plan is None:
            return
        self._refund(None)

    def _refund(self, approver) -> None:
        if not shiboken6.isValid(self) or self.model.bill is None:
            return  # closed while the manager was typing the PIN
        bill, user = self.model.bill, self.window_.till.user
        quantities = dict(self.model.chosen)
        method = self.method_combo.currentData()
        self.busy = True
        self.confirm_button.setEnabled(False)

        def done(result: returns.ReturnResult):
            self.busy = False
            self._done(result)

        def failed(exc):
            self.busy = False
            self.confirm_button.setEnabled(True)
            if isinstance(exc, returns.NeedsApproval) and approver is None:
                self.say(exc.message)
                self.window_.run_as_manager(exc.what, self._refund)
                return
            self.say(exc.message if isinstance(exc, TillError) else f"The return was not saved: {exc}")

        ops.write(self.window_, returns.make_return, bill.id, quantities, user, method=method, approver=approver,
                  return_id=self.return_id, owner=self).success(done).failure(failed).run()

    def _done(self, result: returns.ReturnResult) -> None:
        currency = self.model.bill.currency
        self.return_id = returns.new_return_id()
        ways = ", ".join(f"{payment_label(m)} {format_money(a, currency)}" for m, a in result.payments
                         if m != PaymentMethod.LOYALTY)
        parts = [f"✔ Return {result.receipt_no} of {result.original_receipt_no}: refunded "
                 f"{format_money(result.refund, currency)}" + (f" ({ways})" if ways else "")]
        if result.points_back:
            parts.append(f"{result.points_back} points back")
        if result.points_taken:
            parts.append(f"{result.points_taken} points taken back")
        if result.approved_by:
            parts.append(f"approved by {result.approved_by}")
        parts.append("F10 on the bill prints its receipt")
        self.window_.sync_status.refresh()
        spec = settings.local("receipt_printer")
        if spec:
            self.window_.sale_page.print_to_receipt_printer(result.bill_id, spec)
        self._set_bill(returns.returnable(self.model.bill.id))
        self.say("   ·   ".join(parts), "info")
        self.receipt_edit.setFocus()

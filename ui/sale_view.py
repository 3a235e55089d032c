"""The bill's widgets: the item field, the lines, the totals and the buttons (no behaviour here).

``SaleView`` only builds and shows: what the buttons do is ``ui/sale_actions.py``, what the bill does is
``ui/sale_controller.py``. The customer panel on the right is ``ui/sale_customer_panel.py``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.money import format_money
from ui.bill_model import COL_DISCOUNT, COL_ITEM, COL_NO, COL_PRICE, COL_QTY, COL_TOTAL
from ui.flow_layout import FlowLayout


def named(widget, name: str, accessible: str):
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    if isinstance(widget, QLabel):
        widget.setTextFormat(Qt.PlainText)  # item and customer names are shop data, never markup
    return widget


def key_button(text: str, key: str, name: str, css_class: str = "action") -> QPushButton:
    """A button that shows its key; ``ui/sale_actions.py`` connects it to its action."""
    button = QPushButton(f"{text}  {key}")
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setProperty("class", css_class)
    button.setFocusPolicy(Qt.NoFocus)  # the focus stays in the item-code field
    button.setToolTip(f"{text} ({key})")
    return button


class SaleView:
    """Builds the bill's widgets into ``page`` (the SalePage) and shows a cart's totals."""

    def __init__(self, page: QWidget, model):
        self.page = page
        self.model = model
        layout = QHBoxLayout(page)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(14)
        layout.addLayout(self._build_bill(page), 3)
        from ui.sale_customer_panel import CustomerPanel

        self.customer = CustomerPanel(page)
        for button in self.customer.bill_buttons:  # hold, recall, void...: on the bill's row of keys
            self.actions_layout.addWidget(button)
        layout.addWidget(self.customer.panel, 2)
        for label in page.findChildren(QLabel):  # item and customer names are shop data, never markup
            label.setTextFormat(Qt.PlainText)

    def _build_bill(self, page) -> QVBoxLayout:
        left = QVBoxLayout()
        left.setSpacing(8)
        entry = QHBoxLayout()
        self.item_code_edit = named(QLineEdit(), "itemCodeEdit", "Item code or barcode")
        self.item_code_edit.setPlaceholderText("Scan or type a code, Enter adds it  ·  3*1001 adds three")
        self.item_code_edit.setToolTip("CODE or barcode: adds one · 3*CODE: adds three · 3*: the chosen line "
                                       "becomes three · + / −: one more or less · Del: remove the line")
        entry.addWidget(self.item_code_edit, 1)
        self.find_item_button = key_button("Find item", "F3", "findItemButton")
        entry.addWidget(self.find_item_button)
        left.addLayout(entry)
        self.message = named(QLabel(""), "saleMessageLabel", "Message")
        self.message.setWordWrap(True)
        left.addWidget(self.message)
        left.addWidget(self._build_lines(), 1)

        self.instructions_label = named(QLabel(""), "billInstructionsLabel", "Instructions")
        self.instructions_label.setWordWrap(True)
        left.addWidget(self.instructions_label)

        self.actions_row = QWidget()  # the function-key buttons: one row on a wide screen, wrapping on a narrow one
        self.actions_row.setObjectName("billActionsRow")
        self.actions_layout = FlowLayout(self.actions_row)
        self.qty_up_button = key_button("Qty", "+", "qtyUpButton")
        self.qty_up_button.setText("Qty +1  +")
        self.qty_down_button = key_button("Qty", "−", "qtyDownButton")
        self.qty_down_button.setText("Qty −1  −")
        self.remove_button = key_button("Remove", "Del", "removeLineButton")
        self.price_button = key_button("Price", "F7", "priceButton")
        self.line_discount_button = key_button("Line discount", "F4", "lineDiscountButton")
        self.bill_discount_button = key_button("Bill discount", "F9", "billDiscountButton")
        self.note_button = key_button("Note", "F11", "noteButton")
        for button in (self.qty_up_button, self.qty_down_button, self.remove_button, self.price_button,
                       self.line_discount_button, self.bill_discount_button, self.note_button):
            self.actions_layout.addWidget(button)
        left.addWidget(self.actions_row)

        # promotions applied on the bill (app/promotions.py), above the totals: the lines view gives way
        self.bill_promotions_label = named(QLabel(""), "billPromotionsLabel", "Promotions on the bill")
        self.bill_promotions_label.setVisible(False)
        left.addWidget(self.bill_promotions_label)
        left.addWidget(self._build_totals())
        from ui.sale_result import SaleResultBar

        self.sale_result = SaleResultBar(page)  # the payment's result and the receipt choice
        self.last_sale_label = self.sale_result.label
        left.addWidget(self.sale_result)
        return left

    def _build_lines(self) -> QTableView:
        view = self.bill_lines_view = named(QTableView(), "billLinesView", "Bill lines")
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectRows)
        view.setSelectionMode(QAbstractItemView.SingleSelection)
        view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        view.setFocusPolicy(Qt.NoFocus)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(38)
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        header = view.horizontalHeader()
        header.setSectionResizeMode(COL_ITEM, QHeaderView.Stretch)
        # Fixed widths that fit any amount: sizing to contents measured every row at each keystroke.
        view.ensurePolished()
        metrics = view.fontMetrics()
        wide = "-" + format_money(9_999_999, self.model.cart.currency)
        for column, sample in ((COL_NO, "999"), (COL_QTY, "Qty 99"), (COL_PRICE, wide), (COL_DISCOUNT, wide),
                               (COL_TOTAL, wide)):
            header.setSectionResizeMode(column, QHeaderView.Fixed)
            header.resizeSection(column, max(60, metrics.horizontalAdvance(sample) + 28))
        header.setMinimumSectionSize(60)
        return view

    def _build_totals(self) -> QFrame:
        totals = QFrame()
        totals.setObjectName("totalsPanel")
        grid = QGridLayout(totals)
        grid.setContentsMargins(14, 10, 14, 10)
        self.subtotal_label = named(QLabel(), "billSubtotalLabel", "Subtotal")
        self.discount_label = named(QLabel(), "billDiscountLabel", "Savings")
        self.tax_label = named(QLabel(), "billTaxLabel", "Tax")
        self.tax_caption = QLabel("Tax")
        for row, (caption, label) in enumerate([(QLabel("Subtotal"), self.subtotal_label),
                                                (QLabel("Savings"), self.discount_label),
                                                (self.tax_caption, self.tax_label)]):
            caption.setProperty("class", "totalsCaption")
            grid.addWidget(caption, row, 0)
            label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            grid.addWidget(label, row, 1)
        grid.setColumnMinimumWidth(2, 30)
        total_caption = QLabel("TOTAL")
        total_caption.setObjectName("totalCaption")
        total_caption.setAlignment(Qt.AlignRight | Qt.AlignBottom)
        grid.addWidget(total_caption, 0, 3, 1, 1)
        self.bill_total_label = named(QLabel(format_money(0, self.model.cart.currency)), "billTotalLabel", "Total")
        self.bill_total_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        grid.addWidget(self.bill_total_label, 1, 3, 2, 1)
        grid.setColumnStretch(3, 1)
        return totals

    # --- showing ---------------------------------------------------------------------------------------------

    def show_bill(self, cart) -> None:
        priced = cart.price()
        money = cart.currency
        self.model.refresh()
        self.bill_total_label.setText(format_money(priced.total, money))
        # shelf prices, and what the customer saves on them (profile and customer prices, discounts)
        shelf = sum(p.base_price * p.quantity for p in priced.lines)
        savings = shelf - (priced.total - priced.tax_added - priced.rounding)
        self.subtotal_label.setText(format_money(shelf, money))
        self.discount_label.setText(("-" if savings > 0 else "+") + format_money(abs(savings), money) if savings
                                    else format_money(0, money))
        self.tax_caption.setText("Tax (added)" if priced.tax_added else "Tax (included)")
        self.tax_label.setText(format_money(priced.tax_total, money))
        promos = [f"★ {p['name']}: " + (f"-{format_money(p['amount'], money)}" if "amount" in p else f"+{p['points']} points")
                  for p in cart.promotions_applied()] if cart.lines else []
        self.bill_promotions_label.setText("   ".join(promos))
        self.bill_promotions_label.setVisible(bool(promos))
        instructions = cart.instructions()
        self.instructions_label.setText("Instructions: " + instructions.replace("\n", " · ") if instructions else "")
        self.instructions_label.setVisible(bool(instructions))
        self.customer.pay_button.setText(f"Pay {format_money(priced.total, money)}  F12" if cart.lines else "Pay  F12")
        self.customer.show_customer(cart)

    def say(self, text: str, kind: str = "error") -> None:
        if text == self.message.text() and kind == self.message.property("kind"):
            return  # the same words again (a cleared bill says "" twice): no relayout, no restyle
        self.message.setText(text)
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def current_row(self) -> int | None:
        index = self.bill_lines_view.currentIndex()
        return index.row() if index.isValid() else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.bill_lines_view.selectRow(row)
            self.bill_lines_view.scrollTo(self.model.index(row, 0))

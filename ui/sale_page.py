"""The sales bill: the screen a cashier uses hundreds of times a day.

Keyboard first: the focus stays in the item-code field. A code, a barcode or QTY*CODE and Enter adds a
line; with the field empty, + / - change the chosen line's quantity, Del removes it and ↑↓ choose a line.
Every other action has a function key, shown on its button:

    F2 customer · Shift+F2 no customer · F3 find item · F4 line discount · F5 hold · F6 recall
    F7 price · F8 void · Shift+F8 return · F9 bill discount · F10 receipt · F11 note · F12 pay · Alt+1..5 order again
    Ctrl+N new bill

The page is thin: the bill is an app.cart.Cart, prices come from app.pricing, sales are committed by
app.billing on the write worker. Object names of UI_CONTRACT.md are kept.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import audit, billing, discount_limit, receipt, settings
from app import cart as carts
from app.cart import Cart
from app.errors import TillError
from app.money import format_money, parse_money
from ui.bill_model import COL_DISCOUNT, COL_ITEM, COL_NO, COL_PRICE, COL_QTY, COL_TOTAL, BillModel
from ui.flow_layout import FlowLayout

FAVOURITE_KEYS = [Qt.Key_1, Qt.Key_2, Qt.Key_3, Qt.Key_4, Qt.Key_5]

STYLE = """
QFrame#customerPanel, QFrame#totalsPanel { background: white; border: 1px solid #dfe3e8; border-radius: 10px; }
QLabel#billCustomerLabel { font-size: 22px; font-weight: 700; color: #0f172a; }
QLabel#customerDetailsLabel { color: #64748b; }
QLabel[class="statValue"] { font-size: 16px; font-weight: 700; color: #0f172a; }
QLabel[class="statCaption"] { color: #64748b; font-size: 12px; }
QLabel[class="sectionCaption"] { color: #64748b; font-size: 12px; font-weight: 700; letter-spacing: 1px; }
QLabel#customerAlertsLabel { background: #fde8e8; color: #9b1c1c; border: 1px solid #f5b5b5; border-radius: 8px;
    padding: 8px 10px; font-weight: 700; font-size: 15px; }
QLabel#billInstructionsLabel { background: #fff8e1; color: #7a4d00; border: 1px solid #f3d98b; border-radius: 8px;
    padding: 6px 10px; font-weight: 600; }
QLabel#totalCaption { font-size: 15px; font-weight: 700; color: #475569; }
QLabel#saleMessageLabel { font-weight: 600; padding: 2px 4px; }
QLabel#saleMessageLabel[kind="error"] { color: #b42318; }
QLabel#saleMessageLabel[kind="info"] { color: #15803d; }
QLabel#lastSaleLabel { background: #ecfdf3; color: #14532d; border: 1px solid #a7e3bd; border-radius: 8px;
    padding: 8px 12px; font-size: 15px; font-weight: 600; }
QLineEdit#itemCodeEdit { font-size: 20px; padding: 8px 10px; }
QPushButton[class="favourite"] { text-align: left; background: #f5f3ff; border: 1px solid #ddd6fe; color: #4c1d95;
    padding: 4px 10px; }
QPushButton[class="favourite"]:hover { background: #ede9fe; }
QPushButton[class="action"] { padding: 6px 10px; }
QPushButton#payButton { font-size: 22px; padding: 16px; }
QComboBox#customerProfileCombo { font-size: 15px; font-weight: 600; }
QTableView#billLinesView { font-size: 15px; }
"""


def _named(widget, name: str, accessible: str):
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    if isinstance(widget, QLabel):
        widget.setTextFormat(Qt.PlainText)  # item and customer names are shop data, never markup
    return widget


def _key_button(text: str, key: str, name: str, slot, css_class: str = "action") -> QPushButton:
    button = QPushButton(f"{text}  {key}")
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setProperty("class", css_class)
    button.setFocusPolicy(Qt.NoFocus)  # the focus stays in the item-code field
    button.setToolTip(f"{text} ({key})")
    button.clicked.connect(slot)
    return button


def _ago(when: dt.datetime | None) -> str:
    if when is None:
        return "never"
    days = (dt.datetime.now(dt.UTC).date() - when.astimezone(dt.UTC).date()).days
    date = when.astimezone().strftime("%d %b %Y")
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{date} ({days} days ago)" if days < 60 else date


class SalePage(QWidget):
    def __init__(self, window):
        super().__init__()
        self.setObjectName("salePage")
        self.window_ = window
        self.cart = Cart()
        self.last_sale: billing.SaleResult | None = None
        self._shown_receipts: set[str] = set()
        self._allergen_queue: list[tuple[str, int | None]] = []
        self._allergen_dialog = None
        self._scanned_queue: list[str] = []
        self.setStyleSheet(STYLE)
        self._build()
        self._reload_profiles()
        self._apply_profile_visibility()
        self.refresh()
        window.settings_changed.connect(self._on_settings_changed)
        window.changed.connect(self._on_data_changed)

    # --- layout ----------------------------------------------------------------------------------------------------

    def _build(self):
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(14)

        left = QVBoxLayout()
        left.setSpacing(8)
        entry = QHBoxLayout()
        self.item_code_edit = _named(QLineEdit(), "itemCodeEdit", "Item code or barcode")
        self.item_code_edit.setPlaceholderText("Scan or type a code, Enter adds it  ·  3*1001 adds three")
        self.item_code_edit.setToolTip("CODE or barcode: adds one · 3*CODE: adds three · 3*: the chosen line "
                                       "becomes three · + / −: one more or less · Del: remove the line")
        self.item_code_edit.returnPressed.connect(self.add_from_entry)
        self.item_code_edit.installEventFilter(self)
        entry.addWidget(self.item_code_edit, 1)
        self.find_item_button = _key_button("Find item", "F3", "findItemButton", self.find_item)
        entry.addWidget(self.find_item_button)
        left.addLayout(entry)
        self.message = _named(QLabel(""), "saleMessageLabel", "Message")
        self.message.setWordWrap(True)
        left.addWidget(self.message)

        self.model = BillModel(self.cart, self)
        self.bill_lines_view = _named(QTableView(), "billLinesView", "Bill lines")
        self.bill_lines_view.setModel(self.model)
        self.bill_lines_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.bill_lines_view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.bill_lines_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.bill_lines_view.setFocusPolicy(Qt.NoFocus)
        self.bill_lines_view.verticalHeader().setVisible(False)
        self.bill_lines_view.verticalHeader().setDefaultSectionSize(38)
        self.bill_lines_view.setShowGrid(False)
        self.bill_lines_view.setAlternatingRowColors(True)
        header = self.bill_lines_view.horizontalHeader()
        header.setSectionResizeMode(COL_ITEM, QHeaderView.Stretch)
        # Fixed widths that fit any amount: sizing to contents measured every row at each keystroke.
        self.bill_lines_view.ensurePolished()
        metrics = self.bill_lines_view.fontMetrics()
        wide = "-" + format_money(9_999_999, self.cart.currency)
        for column, sample in ((COL_NO, "999"), (COL_QTY, "Qty 99"), (COL_PRICE, wide), (COL_DISCOUNT, wide),
                               (COL_TOTAL, wide)):
            header.setSectionResizeMode(column, QHeaderView.Fixed)
            header.resizeSection(column, max(60, metrics.horizontalAdvance(sample) + 28))
        header.setMinimumSectionSize(60)
        left.addWidget(self.bill_lines_view, 1)

        self.instructions_label = _named(QLabel(""), "billInstructionsLabel", "Instructions")
        self.instructions_label.setWordWrap(True)
        left.addWidget(self.instructions_label)

        self.actions_row = QWidget()  # the function-key buttons: one row on a wide screen, wrapping on a narrow one
        self.actions_row.setObjectName("billActionsRow")
        actions = FlowLayout(self.actions_row)
        self.qty_up_button = _key_button("Qty", "+", "qtyUpButton", lambda: self.change_quantity(1))
        self.qty_up_button.setText("Qty +1  +")
        self.qty_down_button = _key_button("Qty", "−", "qtyDownButton", lambda: self.change_quantity(-1))
        self.qty_down_button.setText("Qty −1  −")
        self.remove_button = _key_button("Remove", "Del", "removeLineButton", self.remove_line)
        self.price_button = _key_button("Price", "F7", "priceButton", self.ask_price)
        self.line_discount_button = _key_button("Line discount", "F4", "lineDiscountButton", self.ask_line_discount)
        self.bill_discount_button = _key_button("Bill discount", "F9", "billDiscountButton", self.ask_bill_discount)
        self.note_button = _key_button("Note", "F11", "noteButton", self.ask_note)
        for button in (self.qty_up_button, self.qty_down_button, self.remove_button, self.price_button,
                       self.line_discount_button, self.bill_discount_button, self.note_button):
            actions.addWidget(button)
        left.addWidget(self.actions_row)

        totals = QFrame()
        totals.setObjectName("totalsPanel")
        grid = QGridLayout(totals)
        grid.setContentsMargins(14, 10, 14, 10)
        self.subtotal_label = _named(QLabel(), "billSubtotalLabel", "Subtotal")
        self.discount_label = _named(QLabel(), "billDiscountLabel", "Savings")
        self.tax_label = _named(QLabel(), "billTaxLabel", "Tax")
        self.tax_caption = QLabel("Tax")
        for row, (caption, label) in enumerate([(QLabel("Subtotal"), self.subtotal_label),
                                                (QLabel("Savings"), self.discount_label),
                                                (self.tax_caption, self.tax_label)]):
            caption.setStyleSheet("color: #64748b")
            grid.addWidget(caption, row, 0)
            label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            grid.addWidget(label, row, 1)
        grid.setColumnMinimumWidth(2, 30)
        total_caption = QLabel("TOTAL")
        total_caption.setObjectName("totalCaption")
        total_caption.setAlignment(Qt.AlignRight | Qt.AlignBottom)
        grid.addWidget(total_caption, 0, 3, 1, 1)
        self.bill_total_label = _named(QLabel(format_money(0, self.cart.currency)), "billTotalLabel", "Total")
        self.bill_total_label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.bill_total_label.setStyleSheet("font-size: 40px; font-weight: 800; color: #0f172a")
        grid.addWidget(self.bill_total_label, 1, 3, 2, 1)
        grid.setColumnStretch(3, 1)
        # promotions applied on the bill (app/promotions.py), above the totals: the lines view gives way
        self.bill_promotions_label = _named(QLabel(""), "billPromotionsLabel", "Promotions on the bill")
        self.bill_promotions_label.setTextFormat(Qt.PlainText)
        self.bill_promotions_label.setStyleSheet("background: #ecfdf5; color: #065f46; border: 1px solid #a7f3d0; "
                                                 "border-radius: 8px; padding: 4px 8px; font-weight: 600")
        self.bill_promotions_label.setVisible(False)
        left.addWidget(self.bill_promotions_label)
        left.addWidget(totals)
        from ui.sale_result import SaleResultBar

        self.sale_result = SaleResultBar(self)  # the payment's result and the receipt choice
        self.last_sale_label = self.sale_result.label
        left.addWidget(self.sale_result)
        layout.addLayout(left, 3)

        # --- the customer panel
        panel = QFrame()
        panel.setObjectName("customerPanel")
        panel.setMinimumWidth(320)
        panel.setMaximumWidth(460)
        right = QVBoxLayout(panel)
        right.setContentsMargins(16, 14, 16, 14)
        right.setSpacing(6)
        caption = QLabel("CUSTOMER")
        caption.setProperty("class", "sectionCaption")
        # the customer's segments beside the caption (app/segments.py): no extra height on a 768-pixel screen
        self.customer_segment_label = _named(QLabel(""), "customerSegmentLabel", "Customer segments")
        self.customer_segment_label.setTextFormat(Qt.PlainText)
        self.customer_segment_label.setStyleSheet("color: #0f766e; font-weight: 700; font-size: 11px")
        caption_row = QHBoxLayout()
        caption_row.addWidget(caption)
        caption_row.addStretch(1)
        caption_row.addWidget(self.customer_segment_label)
        right.addLayout(caption_row)
        self.bill_customer_label = _named(QLabel("Walk-in customer"), "billCustomerLabel", "Customer")
        self.bill_customer_label.setWordWrap(True)
        right.addWidget(self.bill_customer_label)
        self.customer_details_label = _named(QLabel(""), "customerDetailsLabel", "Customer contact")
        right.addWidget(self.customer_details_label)
        buttons = QHBoxLayout()
        self.select_customer_button = _key_button("Customer", "F2", "selectCustomerButton", self.pick_customer)
        self.select_customer_button.setAccessibleName("Select customer")
        self.remove_customer_button = _key_button("No customer", "Shift+F2", "removeCustomerButton",
                                                  self.remove_customer)
        buttons.addWidget(self.select_customer_button, 1)
        buttons.addWidget(self.remove_customer_button)
        right.addLayout(buttons)

        self.stats_frame = QWidget()
        stats = QGridLayout(self.stats_frame)
        stats.setContentsMargins(0, 4, 0, 4)
        stats.setHorizontalSpacing(14)
        self.stat_labels = {}
        for index, (key, text) in enumerate([("tier", "Tier"), ("points", "Points"), ("orders", "Orders"),
                                             ("spent", "Spent"), ("last", "Last visit")]):
            value = QLabel("")
            value.setObjectName(f"customer{key.title()}Label")
            value.setProperty("class", "statValue")
            caption_label = QLabel(text)
            caption_label.setProperty("class", "statCaption")
            if index < 4:
                stats.addWidget(value, 0, index)
                stats.addWidget(caption_label, 1, index)
            else:  # the last visit on one line, caption first: the panel must fit a 768-pixel screen
                stats.addWidget(caption_label, 2, 0)
                stats.addWidget(value, 2, 1, 1, 3)
            self.stat_labels[key] = value
        right.addWidget(self.stats_frame)

        self.profile_row = QWidget()
        self.profile_row.setObjectName("customerProfileRow")
        profile_layout = QHBoxLayout(self.profile_row)
        profile_layout.setContentsMargins(0, 0, 0, 0)
        profile_caption = QLabel("Profile  Alt+P")
        profile_caption.setStyleSheet("font-weight: 600")
        profile_layout.addWidget(profile_caption)
        self.customer_profile_combo = _named(QComboBox(), "customerProfileCombo", "Customer profile")
        self.customer_profile_combo.setMinimumWidth(150)
        self.customer_profile_combo.currentIndexChanged.connect(self._profile_chosen)
        self.customer_profile_combo.installEventFilter(self)
        profile_layout.addWidget(self.customer_profile_combo, 1)
        self.profile_rule_label = _named(QLabel(""), "profileRuleLabel", "Profile rule")
        self.profile_rule_label.setStyleSheet("color: #7c3aed; font-weight: 600")
        profile_layout.addWidget(self.profile_rule_label)
        right.addWidget(self.profile_row)

        self.customer_alerts_label = _named(QLabel(""), "customerAlertsLabel", "Customer alerts")
        self.customer_alerts_label.setWordWrap(True)
        right.addWidget(self.customer_alerts_label)
        from ui.allergy_question import AllergyQuestion

        self.allergy_question = AllergyQuestion(self)  # "ask for allergies" prompt, Alt+A
        right.addWidget(self.allergy_question.label)

        self.favourites_caption = QLabel("ORDER AGAIN")
        self.favourites_caption.setProperty("class", "sectionCaption")
        right.addWidget(self.favourites_caption)
        self.favourite_buttons = []
        for index in range(5):
            button = QPushButton("")
            button.setObjectName(f"favouriteButton{index + 1}")
            button.setProperty("class", "favourite")
            button.setFocusPolicy(Qt.NoFocus)
            button.clicked.connect(lambda _=False, i=index: self.order_again(i))
            button.setVisible(False)
            right.addWidget(button)
            self.favourite_buttons.append(button)
        right.addStretch(1)

        self.hold_button = _key_button("Hold", "F5", "holdButton", self.hold)
        self.recall_button = _key_button("Recall", "F6", "recallButton", self.recall)
        self.void_button = _key_button("Void sale", "F8", "voidButton", self.void)
        self.receipt_button = _key_button("Receipt", "F10", "receiptButton", self.show_receipts)
        self.return_button = _key_button("Return", "Shift+F8", "returnButton", self.start_return)
        self.new_bill_button = _key_button("New bill", "Ctrl+N", "newBillButton", self.new_bill)
        for button in [self.hold_button, self.recall_button, self.void_button, self.return_button,
                       self.receipt_button, self.new_bill_button]:
            actions.addWidget(button)
        self.pay_button = _named(QPushButton("Pay  F12"), "payButton", "Pay")
        self.pay_button.setFocusPolicy(Qt.NoFocus)
        self.pay_button.setToolTip("Take payment (F12)")
        self.pay_button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.pay_button.clicked.connect(self.pay)
        right.addWidget(self.pay_button)
        layout.addWidget(panel, 2)
        for label in self.findChildren(QLabel):  # item and customer names are shop data, never markup
            label.setTextFormat(Qt.PlainText)

    # --- showing the bill ----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        cart = self.cart
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
        self.pay_button.setText(f"Pay {format_money(priced.total, money)}  F12" if cart.lines else "Pay  F12")
        self._show_customer()
        if self.model.rowCount() and self.current_line_id() is None:
            self.select_row(self.model.rowCount() - 1)

    def _show_customer(self) -> None:
        customer = self.cart.customer
        money = self.cart.currency
        self.bill_customer_label.setText(customer.name if customer else "Walk-in customer")
        self.remove_customer_button.setEnabled(customer is not None)
        self.stats_frame.setVisible(customer is not None)
        from app.segments import describe

        self.customer_segment_label.setText(describe(customer.segments) if customer else "")
        self.customer_segment_label.setVisible(bool(customer and customer.segments))
        if customer is None:
            self.customer_details_label.setText("F2 finds a customer by name, phone or email")
            self._set_alerts("")
            for button in self.favourite_buttons:
                button.setVisible(False)
            self.favourites_caption.setVisible(False)
            self._sync_profile_combo()
            return
        from app.contact import format_phone

        contact = [format_phone(customer.phone, self.cart.settings.get("phone_region", "US"))]
        if customer.email:
            contact.append(customer.email)
        self.customer_details_label.setText("  ·  ".join(filter(None, contact)))
        tier = customer.loyalty.tier_name or "—"
        if customer.loyalty.tier_discount_bp:
            tier += f" ({customer.loyalty.tier_discount_bp / 100:g}% off)"
        self.stat_labels["tier"].setText(tier)
        self.stat_labels["points"].setText(f"{customer.points:,}")
        self.stat_labels["orders"].setText(f"{customer.orders:,}")
        self.stat_labels["spent"].setText(format_money(customer.spent, money))
        self.stat_labels["last"].setText(_ago(customer.last_visit))
        alerts = []
        if customer.allergies:
            alerts.append("⚠ ALLERGY: " + ", ".join(a.upper() for a in customer.allergies))
        if customer.diets:
            alerts.append("Diet: " + ", ".join(customer.diets))
        self._set_alerts("\n".join(alerts))
        self.favourites_caption.setVisible(bool(customer.favourites))
        for index, button in enumerate(self.favourite_buttons):
            if index < len(customer.favourites):
                item = customer.favourites[index]
                warn = " ⚠" if set(item.allergens) & set(customer.allergies) else ""
                button.setText(f"Alt+{index + 1}   {item.name}{warn}   {format_money(item.price, money)}")
                button.setToolTip(f"Order again: {item.name} (Alt+{index + 1})")
                button.setVisible(True)
            else:
                button.setVisible(False)
        self._sync_profile_combo()

    def _set_alerts(self, text: str) -> None:
        self.customer_alerts_label.setText(text)
        self.customer_alerts_label.setVisible(bool(text))
        self.allergy_question.show_for(self.cart.customer)

    def say(self, text: str, kind: str = "error") -> None:
        self.message.setText(text)
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def current_line_id(self) -> str | None:
        index = self.bill_lines_view.currentIndex()
        return self.model.line_id(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.bill_lines_view.selectRow(row)
            self.bill_lines_view.scrollTo(self.model.index(row, 0))

    def select_line(self, line_id: str) -> None:
        self.select_row(self.model.row_of(line_id))

    # --- profiles ---------------------------------------------------------------------------------------------

    def _reload_profiles(self) -> None:
        combo = self.customer_profile_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("", None)
        for profile in carts.active_profiles():
            combo.addItem(profile.name, profile.id)
        combo.blockSignals(False)
        self._sync_profile_combo()

    def _sync_profile_combo(self) -> None:
        combo = self.customer_profile_combo
        profile = self.cart.profile
        combo.blockSignals(True)
        index = combo.findData(profile.id) if profile else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        self.profile_rule_label.setText(profile.describe() if profile else "")

    def _apply_profile_visibility(self) -> None:
        on = self.cart.profiles_enabled
        self.profile_row.setVisible(on)
        self.customer_profile_combo.setVisible(on)

    def _profile_chosen(self, index: int) -> None:
        profile_id = self.customer_profile_combo.itemData(index)
        try:
            self.cart.set_profile(carts.load_profile(profile_id) if profile_id else None)
        except TillError as exc:
            self.say(exc.message)
        if profile_id and self.cart.profile is None:
            self.say("That profile is no longer active.")
            self._reload_profiles()
        self.refresh()

    def _on_settings_changed(self, changed: dict) -> None:
        said = self.cart.update_settings(changed)  # what it did to this bill, in words
        self._apply_profile_visibility()
        self.refresh()
        if said:
            self.say(said, "info")

    def _on_data_changed(self, changes) -> None:
        if "customer_profile" in changes:
            self._reload_profiles()

    # --- keys ------------------------------------------------------------------------------------------------------

    def eventFilter(self, watched, event):
        if watched is self.item_code_edit and event.type() == event.Type.KeyPress and self.handle_key(event):
            return True
        if (watched is getattr(self, "customer_profile_combo", None) and event.type() == event.Type.KeyPress
                and event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Escape)):
            self.item_code_edit.setFocus()  # the profile is chosen: back to scanning
            return True
        return super().eventFilter(watched, event)

    def choose_profile(self) -> None:
        """Alt+P: ↑↓ change the profile (the bill re-prices at once), Enter goes back to the item field."""
        if not self.profile_row.isVisible():
            self.say("Customer profiles are switched off in the business settings.")
            return
        self.customer_profile_combo.setFocus()
        self.say("↑↓ choose the profile, Enter goes back to the items", "info")

    def keyPressEvent(self, event):
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def handle_key(self, event) -> bool:
        key, mods = event.key(), event.modifiers()
        empty = not self.item_code_edit.text()
        if mods & Qt.AltModifier and key in FAVOURITE_KEYS:
            self.order_again(FAVOURITE_KEYS.index(key))
            return True
        if key == Qt.Key_F2:
            self.remove_customer() if mods & Qt.ShiftModifier else self.pick_customer()
            return True
        if key == Qt.Key_F8 and mods & Qt.ShiftModifier:
            self.start_return()
            return True
        actions = {Qt.Key_F3: self.find_item, Qt.Key_F4: self.ask_line_discount, Qt.Key_F5: self.hold,
                   Qt.Key_F6: self.recall, Qt.Key_F7: self.ask_price, Qt.Key_F8: self.void,
                   Qt.Key_F9: self.ask_bill_discount, Qt.Key_F10: self.show_receipts, Qt.Key_F11: self.ask_note,
                   Qt.Key_F12: self.pay}
        if key in actions:
            actions[key]()
            return True
        if key == Qt.Key_P and mods & Qt.AltModifier:
            self.choose_profile()
            return True
        if key == Qt.Key_A and mods & Qt.AltModifier:
            self.allergy_question.ask()
            return True
        if key == Qt.Key_N and mods & Qt.ControlModifier:
            self.new_bill()
            return True
        if empty and key in (Qt.Key_Plus, Qt.Key_Minus) and not mods & Qt.ControlModifier:
            self.change_quantity(1 if key == Qt.Key_Plus else -1)
            return True
        if empty and key == Qt.Key_Delete:
            self.remove_line()
            return True
        if key in (Qt.Key_Up, Qt.Key_Down) and self.model.rowCount():
            row = self.bill_lines_view.currentIndex().row()
            self.select_row(max(0, min(self.model.rowCount() - 1, row + (1 if key == Qt.Key_Down else -1))))
            return True
        if key == Qt.Key_Escape and not empty:
            self.item_code_edit.clear()
            return True
        if self.sale_result.isVisible() and (key == Qt.Key_Escape or mods & Qt.ControlModifier and key in (
                Qt.Key_P, Qt.Key_E)):
            {Qt.Key_P: self.sale_result.print_receipt, Qt.Key_E: self.sale_result.email_receipt}.get(
                key, self.sale_result.dismiss)()
            return True
        return False

    # --- lines ---------------------------------------------------------------------------------------------------

    def add_from_entry(self) -> None:
        text = self.item_code_edit.text()
        self.item_code_edit.clear()
        if self._allergen_dialog is not None:
            self._scanned_queue.append(text)
            return
        stripped = text.strip()
        if stripped.endswith("*") and stripped[:-1].strip().lstrip("-").isdigit():
            self.set_quantity(stripped[:-1])  # "3*" and Enter: the chosen line becomes three
            return
        try:
            result = self.cart.add_entry(text)
        except TillError as exc:
            self.say(exc.message)
            return
        self._added(result)

    def _added(self, result: carts.AddResult) -> None:
        self.sale_result.dismiss()  # the next sale has begun: no receipt for the last one
        item = result.line.item
        verb = "+1" if result.quantity_added == 1 else f"+{result.quantity_added}"
        self.say(f"{verb} {item.name}", "info")
        self.refresh()
        self.select_line(result.line.id)
        if result.needs_confirmation:
            self._allergen_queue.append((result.line.id, result.quantity_added))
            self._next_allergen()

    def add_item(self, item) -> None:
        try:
            result = self.cart.add_item(item, 1)
        except TillError as exc:
            self.say(exc.message)
            return
        self._added(result)

    def order_again(self, index: int) -> None:
        customer = self.cart.customer
        if customer is None or index >= len(customer.favourites):
            return
        self.add_item(customer.favourites[index])

    def change_quantity(self, delta: int) -> None:
        line_id = self.current_line_id()
        if line_id is None:
            self.say("Choose a line first (↑↓).")
            return
        try:
            line = self.cart.change_quantity(line_id, delta)
        except TillError as exc:
            message = exc.message
            if delta < 0 and self.cart.line(line_id).quantity == 1:
                message = "The quantity is already 1: Del removes the line."
            self.say(message)
            return
        self.say(f"{line.item.name}: quantity {line.quantity}", "info")
        self.refresh()

    def set_quantity(self, text: str) -> None:
        line_id = self.current_line_id()
        if line_id is None:
            self.say("Choose a line first (↑↓), then type the quantity and * (3* makes it three).")
            return
        try:
            line = self.cart.set_quantity(line_id, carts.parse_quantity(text))
        except TillError as exc:
            self.say(exc.message)
            return
        self.say(f"{line.item.name}: quantity {line.quantity}", "info")
        self.refresh()

    def remove_line(self) -> None:
        line_id = self.current_line_id()
        if line_id is None:
            self.say("Choose a line first (↑↓).")
            return
        row = self.model.row_of(line_id)
        line = self.cart.remove(line_id)
        self.say(f"Removed {line.item.name}", "info")
        self.refresh()
        self.select_row(min(row, self.model.rowCount() - 1))

    # --- allergens -------------------------------------------------------------------------------------------------

    def _queue_pending_allergens(self) -> None:
        queued = {line_id for line_id, _ in self._allergen_queue}
        for line in self.cart.pending_allergen_lines():
            if line.id not in queued:
                self._allergen_queue.append((line.id, None))
        self._next_allergen()

    def _next_allergen(self) -> None:
        if self._allergen_dialog is not None:
            return
        while self._allergen_queue:
            line_id, quantity = self._allergen_queue.pop(0)
            try:
                line = self.cart.line(line_id)
            except TillError:
                continue
            allergens = self.cart.unconfirmed_allergens(line)
            if not allergens:
                continue
            from ui.allergen_dialog import AllergenConfirmDialog

            dialog = AllergenConfirmDialog(
                self.window_, self.cart.customer.name, line.item.name, allergens,
                lambda keep, lid=line_id, qty=quantity: self._allergen_answered(lid, qty, keep))
            dialog.scanned.connect(self._scanned_queue.append)
            self._allergen_dialog = dialog
            self.window_.keep_open(dialog)
            dialog.open()
            return
        self._drain_scans()

    def _allergen_answered(self, line_id: str, quantity: int | None, keep: bool) -> None:
        self._allergen_dialog = None
        try:
            line = self.cart.line(line_id)
        except TillError:
            line = None
        if line is not None:
            if keep:
                self.cart.confirm_allergens(line_id)
                self.say(f"{line.item.name}: allergy warning confirmed with the customer", "info")
            else:
                self.cart.take_back(line_id, quantity or line.quantity)
                self.say(f"{line.item.name} taken off the bill (allergy)", "info")
        self.refresh()
        self.item_code_edit.setFocus()
        self._next_allergen()

    def _drain_scans(self) -> None:
        while self._scanned_queue and self._allergen_dialog is None:
            self.item_code_edit.setText(self._scanned_queue.pop(0))
            self.add_from_entry()

    # --- customer ------------------------------------------------------------------------------------------------

    def pick_customer(self) -> None:
        from ui.customer_picker import CustomerPickerDialog

        dialog = CustomerPickerDialog(self.window_)
        dialog.picked.connect(self.set_customer)
        self.window_.keep_open(dialog)
        dialog.open()
        dialog.search_edit.setFocus()
        return dialog

    def set_customer(self, customer_id: str | None) -> None:
        try:
            customer = carts.load_customer(customer_id) if customer_id else None
            self.cart.set_customer(customer)
        except TillError as exc:
            self.say(exc.message)
            return
        if customer is not None:
            audit.record(self.window_.till.user, "customer.view", "customer", customer.id, {"on": "bill"})
            self.say(f"{customer.name} is on the bill", "info")
        self.refresh()
        self.item_code_edit.setFocus()
        self._queue_pending_allergens()

    def remove_customer(self) -> None:
        if self.cart.customer is None:
            return
        self.cart.set_customer(None)
        self.say("No customer on the bill", "info")
        self.refresh()

    # --- prompts ---------------------------------------------------------------------------------------------------

    def _prompt(self, name, title, question, on_submit, text="", placeholder=""):
        from ui.prompt_dialog import PromptDialog

        dialog = PromptDialog(self.window_, name, title, question, on_submit, text, placeholder)
        self.window_.keep_open(dialog)
        dialog.finished.connect(lambda *_: self.item_code_edit.setFocus())
        dialog.open()
        return dialog

    def _with_approval(self, action, dialog_holder: list) -> str | None:
        """Run ``action(approver)``; a change that needs a manager asks for one, then applies it."""
        try:
            action(None)
        except carts.NeedsApproval as exc:
            def approved(manager):
                try:
                    action(manager)
                except TillError as again:
                    self.say(again.message)
                    return
                self.say(f"Approved by {manager.name}", "info")
                self.refresh()

            if dialog_holder:
                dialog_holder[0].accept()
            self.window_.run_as_manager(exc.what, approved)
            return None
        except TillError as exc:
            return exc.message
        self.refresh()
        return None

    def _selected_line(self):
        line_id = self.current_line_id()
        if line_id is None:
            self.say("Choose a line first (↑↓).")
            return None
        return self.cart.line(line_id)

    def ask_line_discount(self) -> None:
        line = self._selected_line()
        if line is None:
            return
        holder: list = []

        def submit(text):
            try:
                bp, amount = carts.parse_discount(text, self.cart.currency)
            except TillError as exc:
                return exc.message
            return self._with_approval(
                lambda approver: self.cart.set_line_discount(line.id, bp, amount, approver=approver), holder)

        limit = int(self.cart.settings.get("line_discount_limit_bp", 1000)) / 100
        holder.append(self._prompt("lineDiscountDialog", f"Discount on {line.item.name}",
                                   f"Type a percentage (10%) or an amount (1.50). Above {limit:g}% a manager "
                                   "approves. 0 removes the discount.", submit, placeholder="10%"))

    def ask_bill_discount(self) -> None:
        if self.cart.is_empty():
            self.say("The bill is empty: add an item first.")
            return
        holder: list = []

        def submit(text):
            try:
                bp, amount = carts.parse_discount(text, self.cart.currency)
            except TillError as exc:
                return exc.message
            return self._with_approval(
                lambda approver: self.cart.set_bill_discount(bp, amount, approver=approver), holder)

        holder.append(self._prompt("billDiscountDialog", "Bill discount",
                                   "Type a percentage (10%) or an amount (5.00) off the whole bill. 0 removes it.",
                                   submit, placeholder="10%"))

    def ask_price(self) -> None:
        line = self._selected_line()
        if line is None:
            return
        holder: list = []

        def submit(text):
            if not text.strip():
                self.cart.clear_manual_price(line.id)
                self.refresh()
                return None
            try:
                price = parse_money(text, self.cart.currency)
            except TillError as exc:
                return exc.message
            return self._with_approval(
                lambda approver: self.cart.set_manual_price(line.id, price, approver=approver), holder)

        current = line.manual_price if line.manual_price is not None else self.cart.price().lines[
            self.cart.index_of(line.id)].unit_price
        from app.money import to_decimal

        holder.append(self._prompt("priceDialog", f"Price of {line.item.name}",
                                   "Type the price for one. It stays when the customer or profile changes. "
                                   "Empty gives back the usual price.", submit,
                                   text=str(to_decimal(current, self.cart.currency))))

    def ask_note(self) -> None:
        def submit(text):
            if len(text) > 500:
                return "A note is at most 500 characters."
            self.cart.note = text.strip()
            self.refresh()
            return None

        self._prompt("noteDialog", "Note for this bill", "Instructions for the kitchen or the receipt.", submit,
                     text=self.cart.note)

    def find_item(self) -> None:
        from ui.item_search_dialog import ItemSearchDialog

        dialog = ItemSearchDialog(self.window_, self.cart.currency)
        dialog.chosen.connect(self.add_item)
        dialog.finished.connect(lambda *_: self.item_code_edit.setFocus())
        self.window_.keep_open(dialog)
        dialog.open()
        return dialog

    # --- payment ------------------------------------------------------------------------------------------------

    def pay(self):
        try:
            self.cart.check_ready()
        except carts.NeedsApproval as exc:  # the bill as it stands gives away more than the limit
            self.say(exc.message)
            cart = self.cart

            def approved(manager):
                discount_limit.approve_at_payment(cart, manager)
                if cart is self.cart:
                    self.pay()

            self.window_.run_as_manager(exc.what, approved)
            return None
        except TillError as exc:
            self.say(exc.message)
            if self.cart.pending_allergen_lines():
                self._queue_pending_allergens()
            return None
        from ui.payment_dialog import PaymentDialog

        dialog = PaymentDialog(self.window_, self.cart, self._complete)
        dialog.finished.connect(lambda *_: self.item_code_edit.setFocus())
        self.window_.keep_open(dialog)
        dialog.open()
        dialog.tendered_edit.setFocus()
        return dialog

    def _complete(self, dialog, tenders) -> None:
        cart, user = self.cart, self.window_.till.user

        def done(result):
            dialog.set_busy(False)
            dialog.accept()
            self._sale_done(cart, result)

        def failed(exc):
            message = exc.message if isinstance(exc, TillError) else f"The sale was not saved: {exc}"
            dialog.failed(message)

        self.window_.writes.submit(billing.complete_sale, cart, tenders, user, owner=self, on_done=done, on_error=failed)

    def _sale_done(self, cart: Cart, result: billing.SaleResult) -> None:
        self.last_sale = result
        money = cart.currency
        parts = [f"✔ Sale {result.receipt_no} complete: {format_money(result.total, money)}"]
        if result.change:
            parts.append(f"Change due {format_money(result.change, money)}")
        if result.points_earned:
            parts.append(f"+{result.points_earned} points")
        self.sale_result.show_result("   ·   ".join(parts), result.bill_id,
                                     cart.customer.email if cart.customer else None)
        self.start_new_cart()
        self.say("")
        self.window_.data_changed.emit("bill")
        self.window_.sync_status.refresh()
        spec = settings.local("receipt_printer")
        if spec:
            self.print_to_receipt_printer(result.bill_id, spec)

    def print_to_receipt_printer(self, bill_id: str, spec: str) -> None:
        from ui.receipt_view import print_escpos

        printed = receipt.build(bill_id)
        self._shown_receipts.add(bill_id)
        self.window_.reads.submit(print_escpos, printed, spec,
                                  owner=self, on_error=lambda exc: self.say(f"The receipt printer did not print: {exc}"))

    def start_new_cart(self, cart: Cart | None = None) -> None:
        self.say("")  # no message of the last bill stays on the next one
        self.cart = cart or Cart()
        self._allergen_queue.clear()
        self.model.set_cart(self.cart)
        self._apply_profile_visibility()
        self.refresh()
        self.item_code_edit.setFocus()

    def park_open_bill(self) -> None:
        """Signing out or closing: the lines on the bill are kept as a held bill, never lost or handed on."""
        if not self.cart.is_empty():
            try:
                billing.hold(self.cart, self.window_.till.user)
            except TillError as exc:
                self.say(exc.message)
                return
        self.start_new_cart()

    def session_started(self) -> None:
        """Someone signed in: no message of the last session stays on the bill; held bills are mentioned."""
        self.sale_result.dismiss()
        held = len(billing.held_bills())
        self.say(f"{held} held bill{'s' if held != 1 else ''} waiting: F6 recalls" if held else "", "info")

    def new_bill(self) -> None:
        if self.cart.is_empty() and self.cart.customer is None:
            return

        def submit(text):
            if text.strip().lower() not in ("", "y", "yes"):
                return "Press Enter to clear the bill, or Esc to keep it."
            billing.drop_held(self.cart.held_id)
            self.start_new_cart()
            self.say("The bill was cleared", "info")
            return None

        self._prompt("newBillDialog", "Clear this bill?",
                     "The lines and the customer are taken off and nothing is sold. Enter clears, Esc keeps it.",
                     submit)

    # --- hold, recall, void, receipts -------------------------------------------------------------------------

    def hold(self) -> None:
        try:
            held = billing.hold(self.cart, self.window_.till.user)
        except TillError as exc:
            self.say(exc.message)
            return
        self.start_new_cart()
        self.say(f"Held: {held.label}. F6 recalls it.", "info")

    def recall(self):
        from ui.held_bills_dialog import HeldBillsDialog

        dialog = HeldBillsDialog(self.window_, self.cart.held_id, self._recall)
        dialog.finished.connect(lambda *_: self.item_code_edit.setFocus())
        self.window_.keep_open(dialog)
        dialog.open()
        return dialog

    def _recall(self, held_id: str) -> None:
        if not self.cart.is_empty():
            try:
                billing.hold(self.cart, self.window_.till.user)  # swap: the open bill waits its turn
            except TillError as exc:
                self.say(exc.message)
                return
        try:
            cart, problems = billing.recall(held_id, None)
        except TillError as exc:
            self.say(exc.message)
            return
        self.start_new_cart(cart)
        self.say("Recalled" + (": " + "; ".join(problems) if problems else ""), "error" if problems else "info")
        self._queue_pending_allergens()

    def void(self):
        from ui.held_bills_dialog import RecentBillsDialog

        dialog = RecentBillsDialog(self.window_, self._void_bill, self.show_receipt, purpose="void")
        self.window_.keep_open(dialog)
        dialog.finished.connect(lambda *_: self.item_code_edit.setFocus())
        dialog.open()
        return dialog

    def _void_bill(self, dialog, bill) -> None:
        dialog.accept()

        def approved(manager):
            def done(result):
                self.say(f"{bill.receipt_no} is void (void receipt {result.receipt_no}).", "info")
                self.window_.data_changed.emit("bill")
                self.window_.sync_status.refresh()

            self.window_.writes.submit(billing.void_sale, bill.id, manager, "voided at the till", owner=self, on_done=done,
                                       on_error=lambda exc: self.say(getattr(exc, "message", str(exc))))

        self.window_.run_as_manager(f"void sale {bill.receipt_no} ({format_money(bill.total, self.cart.currency)})",
                                    approved)

    def start_return(self):
        from ui.return_dialog import ReturnDialog

        dialog = ReturnDialog(self.window_)
        dialog.finished.connect(lambda *_: self.item_code_edit.setFocus())
        self.window_.keep_open(dialog)
        dialog.open()
        dialog.receipt_edit.setFocus()
        return dialog

    def show_receipts(self):
        from ui.held_bills_dialog import RecentBillsDialog

        dialog = RecentBillsDialog(self.window_, self._void_bill, self.show_receipt, purpose="receipt")
        self.window_.keep_open(dialog)
        dialog.open()
        return dialog

    def show_receipt(self, bill_id: str):
        from ui.receipt_view import ReceiptDialog

        reprint = bill_id in self._shown_receipts
        self._shown_receipts.add(bill_id)
        if reprint:
            audit.record(self.window_.till.user, "sale.reprint", "bill", bill_id)
        dialog = ReceiptDialog(self.window_, receipt.build(bill_id, reprint=reprint))
        self.window_.keep_open(dialog)
        dialog.open()
        return dialog

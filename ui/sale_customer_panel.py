"""The customer panel on the bill: who is on it, their figures, alerts, profile, "order again" and Pay.

Widgets and how a cart's customer is shown; what the buttons do is ``ui/sale_actions.py``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import dates
from app.money import format_money
from ui.sale_view import key_button, named


def _ago(when: dt.datetime | None) -> str:
    if when is None:
        return "never"
    days = (dt.datetime.now(dt.UTC).date() - when.astimezone(dt.UTC).date()).days
    date = dates.day(when)
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{date} ({days} days ago)" if days < 60 else date


class CustomerPanel:
    def __init__(self, page):
        self.page = page
        self._shown = None  # (customer, profile, settings) the panel shows
        panel = self.panel = QFrame()
        panel.setObjectName("customerPanel")
        panel.setMinimumWidth(320)
        panel.setMaximumWidth(460)
        right = QVBoxLayout(panel)
        right.setContentsMargins(16, 14, 16, 14)
        right.setSpacing(6)
        caption = QLabel("CUSTOMER")
        caption.setProperty("class", "sectionCaption")
        # the customer's segments beside the caption (app/segments.py): no extra height on a 768-pixel screen
        self.customer_segment_label = named(QLabel(""), "customerSegmentLabel", "Customer segments")
        caption_row = QHBoxLayout()
        caption_row.addWidget(caption)
        caption_row.addStretch(1)
        caption_row.addWidget(self.customer_segment_label)
        right.addLayout(caption_row)
        self.bill_customer_label = named(QLabel("Walk-in customer"), "billCustomerLabel", "Customer")
        self.bill_customer_label.setWordWrap(True)
        right.addWidget(self.bill_customer_label)
        self.customer_details_label = named(QLabel(""), "customerDetailsLabel", "Customer contact")
        right.addWidget(self.customer_details_label)
        buttons = QHBoxLayout()
        self.select_customer_button = key_button("Customer", "F2", "selectCustomerButton")
        self.select_customer_button.setAccessibleName("Select customer")
        self.remove_customer_button = key_button("No customer", "Shift+F2", "removeCustomerButton")
        buttons.addWidget(self.select_customer_button, 1)
        buttons.addWidget(self.remove_customer_button)
        right.addLayout(buttons)
        right.addWidget(self._build_stats())
        right.addWidget(self._build_profile_row())

        self.customer_alerts_label = named(QLabel(""), "customerAlertsLabel", "Customer alerts")
        self.customer_alerts_label.setWordWrap(True)
        self.customer_alerts_label.setTextFormat(Qt.PlainText)
        shouted = self.customer_alerts_label.font()  # drawn in capitals; the text keeps the flags as recorded
        shouted.setCapitalization(QFont.AllUppercase)
        self.customer_alerts_label.setFont(shouted)
        right.addWidget(self.customer_alerts_label)
        from ui.allergy_question import AllergyQuestion

        self.allergy_question = AllergyQuestion(page)  # "ask for allergies" prompt, Alt+A
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
            button.setVisible(False)
            right.addWidget(button)
            self.favourite_buttons.append(button)
        right.addStretch(1)

        self.hold_button = key_button("Hold", "F5", "holdButton")
        self.recall_button = key_button("Recall", "F6", "recallButton")
        self.void_button = key_button("Void sale", "F8", "voidButton")
        self.receipt_button = key_button("Receipt", "F10", "receiptButton")
        self.return_button = key_button("Return", "Shift+F8", "returnButton")
        self.new_bill_button = key_button("New bill", "Ctrl+N", "newBillButton")
        self.bill_buttons = [self.hold_button, self.recall_button, self.void_button, self.return_button,
                             self.receipt_button, self.new_bill_button]
        self.pay_button = named(QPushButton("Pay  F12"), "payButton", "Pay")
        self.pay_button.setFocusPolicy(Qt.NoFocus)
        self.pay_button.setToolTip("Take payment (F12)")
        self.pay_button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        right.addWidget(self.pay_button)

    def _build_stats(self) -> QWidget:
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
        return self.stats_frame

    def _build_profile_row(self) -> QWidget:
        self.profile_row = QWidget()
        self.profile_row.setObjectName("customerProfileRow")
        profile_layout = QHBoxLayout(self.profile_row)
        profile_layout.setContentsMargins(0, 0, 0, 0)
        profile_caption = QLabel("Profile  Alt+P")
        profile_caption.setProperty("class", "profileCaption")
        profile_layout.addWidget(profile_caption)
        self.customer_profile_combo = named(QComboBox(), "customerProfileCombo", "Customer profile")
        self.customer_profile_combo.setMinimumWidth(150)
        profile_layout.addWidget(self.customer_profile_combo, 1)
        self.profile_rule_label = named(QLabel(""), "profileRuleLabel", "Profile rule")
        profile_layout.addWidget(self.profile_rule_label)
        return self.profile_row

    # --- showing ---------------------------------------------------------------------------------------------

    def show_customer(self, cart) -> None:
        customer = cart.customer
        # Called on every refresh of the bill (each line, each payment): the same customer, profile and
        # settings (all immutable) show the same panel, so nothing is set again, relaid out or repainted.
        shown = (customer, cart.profile, cart.settings)
        if self._shown is not None and all(a is b for a, b in zip(shown, self._shown, strict=True)):
            return
        self._shown = shown
        money = cart.currency
        self.bill_customer_label.setText(customer.name if customer else "Walk-in customer")
        self.remove_customer_button.setEnabled(customer is not None)
        self.stats_frame.setVisible(customer is not None)
        from app.segments import describe

        self.customer_segment_label.setText(describe(customer.segments) if customer else "")
        self.customer_segment_label.setVisible(bool(customer and customer.segments))
        if customer is None:
            self.customer_details_label.setText("F2 finds a customer by name, phone or email")
            self._set_alerts(cart, "")
            for button in self.favourite_buttons:
                button.setVisible(False)
            self.favourites_caption.setVisible(False)
            self.sync_profile(cart.profile)
            return
        from app.contact import format_phone

        contact = [format_phone(customer.phone, cart.settings.phone_region)]
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
            alerts.append("⚠ Allergy: " + ", ".join(customer.allergies))
        if customer.diets:
            alerts.append("Diet: " + ", ".join(customer.diets))
        self._set_alerts(cart, "\n".join(alerts))
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
        self.sync_profile(cart.profile)

    def _set_alerts(self, cart, text: str) -> None:
        self.customer_alerts_label.setText(text)
        self.customer_alerts_label.setVisible(bool(text))
        self.allergy_question.show_for(cart.customer)

    def fill_profiles(self, profiles, current) -> None:
        combo = self.customer_profile_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("", None)
        for profile in profiles:
            combo.addItem(profile.name, profile.id)
        combo.blockSignals(False)
        self.sync_profile(current)

    def sync_profile(self, profile) -> None:
        combo = self.customer_profile_combo
        combo.blockSignals(True)
        index = combo.findData(profile.id) if profile else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        self.profile_rule_label.setText(profile.describe() if profile else "")

    def show_profiles(self, on: bool) -> None:
        self.profile_row.setVisible(on)
        self.customer_profile_combo.setVisible(on)

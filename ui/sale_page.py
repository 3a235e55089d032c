"""The sales bill (skeleton from the foundation; the sales-bill work builds it out).

Every widget named in UI_CONTRACT.md exists here with its object name."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import settings
from app.money import format_money


def _named(widget, name: str, accessible: str):
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


class SalePage(QWidget):
    def __init__(self, window):
        super().__init__()
        self.setObjectName("salePage")
        self.window_ = window
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.item_code_edit = _named(QLineEdit(), "itemCodeEdit", "Item code or barcode")
        self.item_code_edit.setPlaceholderText("Scan or type a code, Enter to add (3*1001 adds three)")
        left.addWidget(self.item_code_edit)
        self.bill_lines_view = _named(QTableView(), "billLinesView", "Bill lines")
        left.addWidget(self.bill_lines_view, 1)
        self.bill_total_label = _named(QLabel(format_money(0, settings.get("currency"))), "billTotalLabel", "Total")
        left.addWidget(self.bill_total_label)
        layout.addLayout(left, 3)

        right = QGridLayout()
        self.select_customer_button = _named(QPushButton("Customer (F2)"), "selectCustomerButton", "Select customer")
        self.bill_customer_label = _named(QLabel("Walk-in customer"), "billCustomerLabel", "Customer")
        self.customer_profile_combo = _named(QComboBox(), "customerProfileCombo", "Customer profile")
        self.customer_alerts_label = _named(QLabel(""), "customerAlertsLabel", "Customer alerts")
        self.pay_button = _named(QPushButton("Pay (F12)"), "payButton", "Pay")
        for row, widget in enumerate([self.select_customer_button, self.bill_customer_label,
                                      self.customer_profile_combo, self.customer_alerts_label, self.pay_button]):
            right.addWidget(widget, row, 0)
        layout.addLayout(right, 2)
        self.customer_profile_combo.setVisible(bool(settings.get("show_customer_profile")))
        window.settings_changed.connect(self._on_settings_changed)

    def _on_settings_changed(self, changed: dict):
        if "show_customer_profile" in changed:
            self.customer_profile_combo.setVisible(bool(changed["show_customer_profile"]))

"""One bill as it was sold (``billDetailDialog``, from a customer's order history): lines, totals and
payments, read-only."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QPushButton, QVBoxLayout

from app.customer_card import BillDetail
from app.money import format_money
from ui.customer_view_tabs import local, table
from ui.form_helpers import hbox, named, set_role
from ui.i18n import payment_label


class BillDialog(QDialog):
    def __init__(self, parent, bill: BillDetail, currency: str):
        super().__init__(parent)
        self.setObjectName("billDetailDialog")
        self.setAccessibleName(f"Bill {bill.receipt_no}")
        self.setWindowTitle(self.tr("Bill {receipt}").format(receipt=bill.receipt_no))
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(720, 520)
        money = lambda v: format_money(v, bill.currency or currency)  # noqa: E731
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Receipt {receipt}").format(receipt=bill.receipt_no))
        title.setObjectName("pageTitle")
        state = self.tr("Voided {when}").format(when=local(bill.voided_at)) if bill.voided_at else self.tr("Completed")
        parts = [local(bill.completed_at), self.tr("Till {code}").format(code=bill.till_code),
                 self.tr("Cashier {name}").format(name=bill.cashier)]
        if bill.profile:
            parts.append(self.tr("Profile {name}").format(name=bill.profile))
        info = QLabel(" · ".join([*parts, state]))
        set_role(info, "hint")
        info.setTextFormat(Qt.PlainText)
        layout.addWidget(title)
        layout.addWidget(info)
        rows = [[code, name, quantity, money(price), money(discount) if discount else "", money(total)]
                for code, name, quantity, price, discount, total in bill.lines]
        self.lines_table = table("billLinesDetailView", [self.tr("Code"), self.tr("Item"), self.tr("Qty"),
                                                         self.tr("Price"), self.tr("Discount"), self.tr("Total")],
                                 rows)
        layout.addWidget(self.lines_table, 1)
        totals = QGridLayout()
        for n, (label, value, always) in enumerate([(self.tr("Subtotal"), bill.subtotal, True),
                                                    (self.tr("Discounts"), -bill.discount_total, False),
                                                    (self.tr("Tax"), bill.tax_total, True),
                                                    (self.tr("Rounding"), bill.rounding, False)]):
            if value or always:
                totals.addWidget(QLabel(label), n, 0)
                amount = QLabel(money(value))
                amount.setAlignment(Qt.AlignRight)
                totals.addWidget(amount, n, 1)
        total_label = named(QLabel(money(bill.total)), "billDetailTotalLabel", "Total")
        total_label.setAlignment(Qt.AlignRight)
        totals.addWidget(QLabel("<b>{}</b>".format(self.tr("Total"))), 10, 0)
        totals.addWidget(total_label, 10, 1)
        payments = ", ".join(f"{payment_label(method)} {money(amount)}" for method, amount in bill.payments)
        paid = QLabel(self.tr("Paid: {payments}").format(payments=payments or "–"))
        paid.setTextFormat(Qt.PlainText)
        set_role(paid, "hint")
        layout.addLayout(hbox(paid, None, totals))
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(None, close))
        self.setMinimumSize(QSize(560, 380))

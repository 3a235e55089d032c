"""The customer view's tabs, built from a ``customer_card.Card`` (plain values read on a worker)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import dates
from app.money import format_money
from ui.form_helpers import STATUS_ROLE, StatusBadgeDelegate, list_table, named, set_role
from ui.i18n import payment_label, translate

CONTEXT = "CustomerView"


def _t(text: str) -> str:
    return translate(CONTEXT, text)


def local(when) -> str:
    return dates.date_time(when) if when else "–"


def yes_no(value) -> str:
    return translate(CONTEXT, "Yes") if value is True else translate(CONTEXT, "No") if value is False else (
        value or "–")


def table(name: str, headers: list[str], rows: list[list], stretch: int = 1) -> QTableWidget:
    table = list_table(name, headers, row_height=32, stretch=stretch)
    table.setSelectionMode(QAbstractItemView.ExtendedSelection)  # rows can be copied out together
    fill(table, rows)
    return table


def fill(table: QTableWidget, rows: list[list]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, int | float) or (isinstance(value, str) and value[:1] in "$€£¥₹-" and c > 0):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            table.setItem(r, c, item)


def orders_tab(view, card, currency: str) -> tuple[QWidget, str]:
    states = {"voided": translate(CONTEXT, "Voided"), "returns": translate(CONTEXT, "Returns"),
              "completed": translate(CONTEXT, "Completed")}
    rows = [[local(o.completed_at), o.receipt_no, o.cashier, o.profile, format_money(o.total, currency),
             states[o.status]] for o in card.orders]
    page = QWidget()
    box = QVBoxLayout(page)
    view.bill_ids = [o.id for o in card.orders]
    view.orders_table = table("orderHistoryView", [translate(CONTEXT, "Date"), translate(CONTEXT, "Receipt"),
                                                   translate(CONTEXT, "Cashier"), translate(CONTEXT, "Profile"),
                                                   translate(CONTEXT, "Total"), translate(CONTEXT, "Status")], rows)
    for r, order in enumerate(card.orders):  # the badge's colour follows the status, whatever the language
        view.orders_table.item(r, 5).setData(STATUS_ROLE, order.status)
    view.orders_table.setItemDelegateForColumn(5, StatusBadgeDelegate(view.orders_table))
    view.orders_table.cellDoubleClicked.connect(lambda row, _c: view.open_bill(view.bill_ids[row]))
    box.addWidget(view.orders_table, 1)
    shown = len(card.orders)
    if card.orders_total > shown:
        text = translate(CONTEXT, "Showing the latest {shown} of {total} orders.").format(
            shown=shown, total=f"{card.orders_total:,}")
    else:
        text = translate(CONTEXT, "Double-click a bill to see it.") if shown else translate(CONTEXT, "No orders yet.")
    hint = QLabel(text)
    set_role(hint, "hint")
    box.addWidget(hint)
    return page, translate(CONTEXT, "Orders ({count})").format(count=f"{card.orders_total:,}")


def favourites_tab(card, currency: str) -> tuple[QWidget, str]:
    page = QWidget()
    box = QGridLayout(page)
    rows = [[code, name or translate(CONTEXT, "Unknown item"), count] for code, name, count in card.favourites]
    box.addWidget(QLabel("<b>{}</b>".format(translate(CONTEXT, "Favourite items"))), 0, 0)
    box.addWidget(table("favouriteItemsView", [translate(CONTEXT, "Code"), translate(CONTEXT, "Item"),
                                               translate(CONTEXT, "Bought")], rows), 1, 0)
    method_rows = [[payment_label(m), n] for m, n in card.payment_methods]
    box.addWidget(QLabel("<b>{}</b>".format(translate(CONTEXT, "Payment methods"))), 0, 1)
    box.addWidget(table("paymentMethodsView", [translate(CONTEXT, "Method"), translate(CONTEXT, "Times used")],
                        method_rows, stretch=0), 1, 1)
    special = [[code, name, format_money(price, currency) if price is not None
                else translate(CONTEXT, "{percent}% off").format(percent=f"{discount_bp / 100:g}")]
               for code, name, price, discount_bp in card.prices]
    if special:
        box.addWidget(QLabel("<b>{}</b>".format(translate(CONTEXT, "Their own prices"))), 2, 0)
        box.addWidget(table("customerPricesView", [translate(CONTEXT, "Code"), translate(CONTEXT, "Item"),
                                                   translate(CONTEXT, "Price")], special), 3, 0, 1, 2)
    return page, translate(CONTEXT, "Favourites and payments")


def loyalty_tab(card) -> tuple[QWidget, str]:
    rows = [[local(at), kind.title(), f"{points:+,}", receipt, note] for at, kind, points, receipt, note in card.loyalty]
    return table("loyaltyLedgerView", [translate(CONTEXT, "Date"), translate(CONTEXT, "Event"),
                                       translate(CONTEXT, "Points"), translate(CONTEXT, "Bill"),
                                       translate(CONTEXT, "Note")], rows, stretch=4), translate(CONTEXT, "Loyalty")


def preferences_tab(card) -> tuple[QWidget, str]:
    rows = [[category.capitalize(), label, yes_no(value),
             translate(CONTEXT, "Their own") if own else translate(CONTEXT, "Shop default"), yes_no(default)]
            for category, label, value, own, default in card.preferences]
    return table("customerPreferencesView", [translate(CONTEXT, "Group"), translate(CONTEXT, "Preference"),
                                             translate(CONTEXT, "Value"), translate(CONTEXT, "From"),
                                             translate(CONTEXT, "Shop default")], rows), translate(CONTEXT, "Preferences")


def addresses_tab(card) -> tuple[QWidget, str]:
    rows = [[kind.title() + (translate(CONTEXT, " (default)") if default else ""), text]
            for kind, default, text in card.addresses]
    return table("customerAddressesView", [translate(CONTEXT, "Kind"), translate(CONTEXT, "Address")], rows), \
        translate(CONTEXT, "Addresses")


def notes_tab(card) -> tuple[QWidget, str]:
    notes = named(QPlainTextEdit(card.customer.notes or ""), "customerNotesView", "Notes")
    notes.setReadOnly(True)
    notes.setPlaceholderText(translate(CONTEXT, "No notes."))
    return notes, translate(CONTEXT, "Notes")


def audit_rows(rows: list[tuple]) -> list[list]:
    shown = []
    for at, who, action, detail in rows:
        detail = detail or {}
        what = ", ".join(detail.get("fields", [])) if isinstance(detail, dict) and "fields" in detail else (
            ", ".join(f"{k}: {v}" for k, v in detail.items()) if isinstance(detail, dict) else str(detail))
        shown.append([local(at), who or translate(CONTEXT, "System"), action.replace("customer.", ""), what[:200]])
    return shown


def audit_tab(card) -> tuple[QWidget, str]:
    return table("customerAuditView", [translate(CONTEXT, "When"), translate(CONTEXT, "Who"),
                                       translate(CONTEXT, "What"), translate(CONTEXT, "Details")],
                 audit_rows(card.audit), stretch=3), translate(CONTEXT, "Audit trail")

"""The customer's reservations in the customer view (``reservationsTab``): every booking with its status,
and how often they came, did not show up, or cancelled."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from app import dates, reservations
from ui.form_helpers import StatusBadgeDelegate, list_table, named, set_role
from ui.i18n import translate


def reservations_tab(history: reservations.History) -> tuple[QWidget, str]:
    """(the page, its tab title) for the customer's booking history (read with the customer's card, off the
    UI thread)."""
    page = named(QWidget(), "reservationsTab", "Reservations")
    box = QVBoxLayout(page)
    counts = named(QLabel(translate("ReservationsTab", "Visits {visits} · No-shows {no_shows} · Cancellations "
                                    "{cancellations}").format(visits=history.visits, no_shows=history.no_shows,
                                                              cancellations=history.cancellations)),
                   "reservationCountsLabel", "Reservation counts")
    box.addWidget(counts)
    table = list_table("customerReservationsView", [
        translate("ReservationsTab", "Date"), translate("ReservationsTab", "Time"),
        translate("ReservationsTab", "Party"), translate("ReservationsTab", "Seating"),
        translate("ReservationsTab", "Status"), translate("ReservationsTab", "Notes")], row_height=32, stretch=5)
    table.setItemDelegateForColumn(4, StatusBadgeDelegate(table))
    table.setRowCount(len(history.bookings))
    for r, b in enumerate(history.bookings):
        day = dates.weekday(dt.date.fromisoformat(b.day))
        for c, text in enumerate([day, b.time, str(b.party_size), b.seating, b.status_label, b.notes]):
            item = QTableWidgetItem(text)
            if c == 2:
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            table.setItem(r, c, item)
    box.addWidget(table, 1)
    if not history.bookings:
        hint = QLabel(translate("ReservationsTab", "No reservations yet."))
        set_role(hint, "hint")
        box.addWidget(hint)
    return page, translate("ReservationsTab", "Reservations ({count})").format(count=len(history.bookings))

"""Covers and no-show rate by day and by the customer's profile: a tab of the reports window, run on the
read worker for the window's dates and profile filter each time the sales report is shown."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from app import dates, reservations
from ui.form_helpers import list_table, named


class ReservationsReportTab(QWidget):
    HEADERS = ["Reservations due", "Covers", "No-shows", "No-show rate"]

    def __init__(self, reports_window):
        super().__init__()
        self.reports_window = reports_window
        self.report: reservations.CoversReport | None = None
        self._generation = 0
        named(self, "reportReservationsTab", "Reservations")
        box = QVBoxLayout(self)
        self.total_label = named(QLabel(""), "reportCoversLabel", "Covers and no-show rate")
        box.addWidget(self.total_label)
        self.by_day = list_table("reportCoversByDayView", [self.tr("Day"), *self.HEADERS], row_height=28, stretch=0)
        self.by_profile = list_table("reportCoversByProfileView", [self.tr("Profile"), *self.HEADERS], row_height=28,
                                     stretch=0)
        box.addWidget(QLabel(self.tr("By day")))
        box.addWidget(self.by_day, 1)
        box.addWidget(QLabel(self.tr("By profile")))
        box.addWidget(self.by_profile, 1)
        reports_window.tabs.addTab(self, self.tr("Reservations"))
        reports_window.report_ready.connect(lambda _report: self.refresh())

    def refresh(self) -> None:
        start, end = self.reports_window.dates()
        profile = self.reports_window.profile_combo.currentData()
        self._generation += 1
        generation = self._generation
        self.reports_window.window_.reads.submit(reservations.covers_report, start, end, profile, owner=self,
                                                 on_done=lambda r: self._show(generation, r))

    def _show(self, generation: int, report: reservations.CoversReport) -> None:
        if generation != self._generation:
            return
        self.report = report
        total = report.total
        self.total_label.setText(self.tr("Covers {covers:,} · No-show rate {rate:.1%} ({no_shows} of {due} due)").format(
            covers=total.covers, rate=total.no_show_rate, no_shows=total.no_shows, due=total.reservations))
        for table, rows, day in ((self.by_day, report.by_day, True), (self.by_profile, report.by_profile, False)):
            table.setRowCount(len(rows))
            for n, row in enumerate(rows):
                label = dates.weekday(dt.date.fromisoformat(row.label)) if day else row.label
                cells = [label, str(row.reservations), str(row.covers), str(row.no_shows), f"{row.no_show_rate:.1%}"]
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if c:
                        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    table.setItem(n, c, item)

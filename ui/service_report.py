"""The Service tab of the reports window: checkout time for returning vs new customers, and how often the
till applied saved preferences (application rate) and kept them (accuracy), by day, profile or cashier,
with a bar chart. Read from ``service_summary`` on a worker (app/service_metrics.report)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QComboBox, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from app import service_metrics
from ui.form_helpers import hbox, list_table, named, set_role

GROUPS = [("By day", "day"), ("By profile", "profile"), ("By cashier", "cashier")]
HEADERS = ["", "Returning", "Time", "New", "Time", "Applied", "Kept"]
TIPS = ["", "Bills of returning customers", "Average checkout time of returning customers (first line to payment)",
        "Bills of new customers (their first visit)", "Average checkout time of new customers",
        "Customer bills on which the till applied a saved preference", "Applied preferences the cashier kept"]


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


class ServiceReport(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window_ = window
        self.rows: list[service_metrics.Row] = []
        self.loading = False
        self._generation = 0
        self._last = None
        self.setObjectName("serviceReportTab")
        self.setAccessibleName("Service report")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        self.group_combo = named(QComboBox(), "serviceGroupCombo", "Group the service report")
        for label, value in GROUPS:
            self.group_combo.addItem(label, value)
        self.group_combo.currentIndexChanged.connect(lambda _: self._again())
        self.summary = named(QLabel(""), "serviceSummaryLabel", "Service summary")
        self.summary.setTextFormat(Qt.PlainText)
        self.summary.setWordWrap(True)
        set_role(self.summary, "hint")
        layout.addLayout(hbox(self.group_combo, None))
        layout.addWidget(self.summary)
        self.chart = QChart()
        self.chart.setTitle("Average checkout time (seconds)")
        self.chart.setMargins(QMargins(2, 2, 2, 2))
        self.chart.legend().setAlignment(Qt.AlignBottom)
        self.chart_view = named(QChartView(self.chart), "serviceChartView", "Checkout time chart")
        self.chart_view.setRenderHint(QPainter.Antialiasing)
        self.chart_view.setMinimumHeight(200)
        layout.addWidget(self.chart_view, 1)
        self.table = list_table("serviceReportView", HEADERS, row_height=28, stretch=0)
        for column, tip in enumerate(TIPS):
            if tip:
                self.table.horizontalHeaderItem(column).setToolTip(tip)
        layout.addWidget(self.table, 1)

    def group(self) -> str:
        return self.group_combo.currentData()

    def refresh(self, start: dt.date, end: dt.date, profile_id: str | None) -> None:
        self._last = (start, end, profile_id)
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.window_.reads.submit(service_metrics.report, start, end, self.group(), profile_id, owner=self,
                                  on_done=lambda rows: self._show(generation, rows),
                                  on_error=lambda exc: self._failed(generation, exc))

    def _again(self) -> None:
        if self._last is not None:
            self.refresh(*self._last)

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self.loading = False
            self.summary.setText(f"Could not run the service report: {getattr(exc, 'message', exc)}")

    def _show(self, generation: int, rows: list[service_metrics.Row]) -> None:
        if generation != self._generation:
            return
        self.rows = rows
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderItem(0, QTableWidgetItem(self.group_combo.currentText()[3:].capitalize()))
        for n, row in enumerate(rows):
            label = row.label
            if self.group() == "day" and row.key:
                label = dt.date.fromisoformat(row.key).strftime("%a %d %b")
            cells = [label, f"{row.returning_bills:,}", _seconds(row.returning_avg_s), f"{row.new_bills:,}",
                     _seconds(row.new_avg_s), _pct(row.application_rate), _pct(row.accuracy)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(n, c, item)
        total = rows[-1]
        self.summary.setText(
            f"Checkout: returning {_seconds(total.returning_avg_s)}, new {_seconds(total.new_avg_s)} · "
            f"preferences applied on {_pct(total.application_rate)} of customer bills, kept "
            f"{_pct(total.accuracy)} of the time")
        self._draw(rows[:-1])
        self.loading = False

    def _draw(self, rows: list[service_metrics.Row]) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        rows = rows[-14:]  # the latest groups: a chart of hundreds of bars says nothing
        returning, new = QBarSet("Returning"), QBarSet("New")
        returning.setColor(QColor("#2563eb"))
        new.setColor(QColor("#ea580c"))
        labels = []
        for row in rows:
            returning.append(row.returning_avg_s or 0.0)
            new.append(row.new_avg_s or 0.0)
            labels.append(dt.date.fromisoformat(row.key).strftime("%d %b") if self.group() == "day" and row.key
                          else row.label[:12])
        series = QBarSeries()
        series.append(returning)
        series.append(new)
        self.chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append(labels)
        y_axis = QValueAxis()
        top = max([row.returning_avg_s or 0 for row in rows] + [row.new_avg_s or 0 for row in rows] + [1])
        y_axis.setRange(0, top * 1.15)
        y_axis.setLabelFormat("%.0f")
        self.chart.addAxis(x_axis, Qt.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)

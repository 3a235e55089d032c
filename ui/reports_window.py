"""Sales reports (``reportsWindow``): a date range, the Customer Profile as a filter
(``reportProfileFilterCombo``), the filtered total (``reportTotalLabel``), a chart of sales by profile
over time, and tables by day, profile, customer category, cashier, payment method and top customers;
export to CSV and PDF.

Reports are computed on a worker thread (app/reports.py reads per-day summaries), so the window never
freezes; an answer for filters that have since changed is dropped."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDate, QDateTime, QMargins, QSize, Qt, QTime, Signal
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import dates, export, reports, settings
from app.money import format_money
from app.private_files import open_private
from ui.flow_layout import FlowLayout
from ui.form_helpers import (
    PageHeader,
    StatCard,
    choose_save_path,
    hbox,
    named,
    primary,
    set_role,
)
from ui.report_ranges import RANGE_TEXTS, RANGES, _bucket, range_for
from ui.screen_fit import fit_to_screen, pair

PALETTE = ["#2563eb", "#16a34a", "#ea580c", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#475569", "#dc2626"]


class ReportsWindow(QWidget):
    report_ready = Signal(object)

    def __init__(self, window, manager):
        super().__init__(window, Qt.Window)
        self.window_ = window
        self.manager = manager
        self.currency = settings.shop().currency
        self.report: reports.SalesReport | None = None
        self._generation = 0
        self.loading = False
        self.setObjectName("reportsWindow")
        self.setAccessibleName("Reports")
        self.setWindowTitle(self.tr("Sales reports"))
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        fit_to_screen(self, 1200, 820, over=window)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        self.header = PageHeader(self.tr("Sales reports"), "")
        self.export_csv_button = named(QPushButton(self.tr("Export CSV…")), "exportReportCsvButton", "Export CSV")
        self.export_pdf_button = named(QPushButton(self.tr("Export PDF…")), "exportReportPdfButton", "Export PDF")
        self.export_sales_button = named(QPushButton(self.tr("Export bills…")), "exportSalesButton", "Export bills as CSV")
        self.export_csv_button.clicked.connect(lambda: self.export_csv())
        self.export_pdf_button.clicked.connect(lambda: self.export_pdf())
        self.export_sales_button.clicked.connect(lambda: self.export_sales())
        layout.addLayout(hbox(self.header, None, self.export_sales_button, self.export_csv_button,
                              self.export_pdf_button))

        self.range_combo = named(QComboBox(), "reportRangeCombo", "Period")
        for name, text in zip(RANGES, RANGE_TEXTS, strict=True):
            self.range_combo.addItem(self.tr(text), name)
        self.from_edit = named(QDateEdit(), "reportFromDateEdit", "From")
        self.to_edit = named(QDateEdit(), "reportToDateEdit", "To")
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(dates.qt_format("yMMMd"))
            edit.dateChanged.connect(self._dates_edited)
        self.profile_combo = named(QComboBox(), "reportProfileFilterCombo", "Customer profile")
        self.profile_combo.setMinimumWidth(200)
        self._fill_profiles()
        self.profile_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.range_combo.currentIndexChanged.connect(lambda _: self._range_chosen(self.range_combo.currentData()))
        self.refresh_button = primary(named(QPushButton(self.tr("Refresh")), "refreshReportButton", "Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = named(QLabel(""), "reportStatusLabel", "Report status")
        set_role(self.status, "hint")
        filters = QWidget()  # wraps onto a second row on a narrow screen
        flow = FlowLayout(filters, spacing=10)
        for part in (pair(QLabel(self.tr("Period")), self.range_combo), pair(QLabel(self.tr("From")), self.from_edit, QLabel(self.tr("to")),
                     self.to_edit), pair(QLabel(self.tr("Customer profile")), self.profile_combo), self.refresh_button,
                     self.status):
            flow.addWidget(part)
        layout.addWidget(filters)

        self.total_card = StatCard(self.tr("Total sales"), format_money(0, self.currency), "reportTotalLabel")
        self.total_label = self.total_card.value
        self.bills_card = StatCard(self.tr("Bills"), "0", "reportBillsLabel")
        self.average_card = StatCard(self.tr("Average bill"), format_money(0, self.currency), "reportAverageLabel")
        self.tax_card = StatCard(self.tr("Tax"), format_money(0, self.currency), "reportTaxLabel")
        self.discount_card = StatCard(self.tr("Discounts given"), format_money(0, self.currency), "reportDiscountLabel")
        layout.addLayout(hbox(self.total_card, self.bills_card, self.average_card, self.tax_card, self.discount_card))

        self.chart = QChart()
        self.chart.setTitle(self.tr("Sales by profile over time"))
        self.chart.legend().setAlignment(Qt.AlignBottom)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(8)
        self.chart_view = named(QChartView(self.chart), "reportChartView", "Sales by profile over time")
        self.chart_view.setRenderHint(QPainter.Antialiasing)
        self.chart_view.setMinimumHeight(260)

        self.tabs = named(QTabWidget(), "reportTabs", "Report tables")
        self.tables: dict[str, QTableWidget] = {}
        for title, key_name, _ in reports.SalesReport(dt.date.today(), dt.date.today(), None, self.currency).sections():
            table = named(QTableWidget(0, 4), "report_" + title.lower().replace(" ", "_") + "View", title)
            table.setHorizontalHeaderLabels([key_name, "Payments" if key_name == "Method" else "Bills", "Total", "Share"])
            table.verticalHeader().hide()
            table.setEditTriggers(QAbstractItemView.NoEditTriggers)
            table.setAlternatingRowColors(True)
            table.setShowGrid(False)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
            for column in (1, 2, 3):  # the figures take what they need, the name (a day, a profile) the rest
                table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeToContents)
            table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            table.verticalHeader().setDefaultSectionSize(30)
            self.tables[title] = table
            short = {"Sales by customer category": "Category", "Sales by payment method": "Payment",
                     "Top customers": "Customers"}.get(title)
            self.tabs.addTab(table, short or title.replace("Sales by ", "").capitalize())
        from ui.reservation_report_tab import ReservationsReportTab

        self.reservations_tab = ReservationsReportTab(self)  # covers and no-show rate
        from ui.service_report import ServiceReport

        self.service_tab = ServiceReport(window)  # checkout time and preferences applied (issue 14)
        self.tabs.addTab(self.service_tab, self.tr("Service"))
        body = hbox(self.chart_view, self.tabs)
        body.setStretch(0, 3)
        body.setStretch(1, 2)
        layout.addLayout(body, 1)

        window.changed.connect(self._data_changed)
        self._choose_range("Last 30 days")
        self._range_chosen("Last 30 days")
        self.range_combo.setFocus()  # opens on its first field, not on an export button

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape:  # as the reservations window: Esc gives the till back
            self.close()
        else:
            super().keyPressEvent(event)

    # --- filters ----------------------------------------------------------------------------------------

    def _fill_profiles(self) -> None:
        current = self.profile_combo.currentData() if self.profile_combo.count() else reports.ALL_PROFILES
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        for label, value in reports.profile_choices():
            self.profile_combo.addItem(label, value)
        index = next((i for i in range(self.profile_combo.count()) if self.profile_combo.itemData(i) == current), 0)
        self.profile_combo.setCurrentIndex(index)
        self.profile_combo.blockSignals(False)

    def _choose_range(self, name: str) -> None:
        self.range_combo.setCurrentIndex(self.range_combo.findData(name))

    def _range_chosen(self, name: str) -> None:
        if name == "Custom":
            return
        start, end = range_for(name, dt.date.today())
        self._setting_dates = True
        self.from_edit.setDate(QDate(start.year, start.month, start.day))
        self.to_edit.setDate(QDate(end.year, end.month, end.day))
        self._setting_dates = False
        self.refresh()

    def _dates_edited(self, *_):
        if getattr(self, "_setting_dates", False):
            return
        self.range_combo.blockSignals(True)
        self._choose_range("Custom")
        self.range_combo.blockSignals(False)
        self.refresh()

    def set_profile(self, profile_id: str | None) -> None:
        """Choose the profile filter by id (None: all profiles, "": bills with no profile)."""
        for i in range(self.profile_combo.count()):
            if self.profile_combo.itemData(i) == profile_id:
                self.profile_combo.setCurrentIndex(i)
                return
        raise ValueError(f"no profile {profile_id!r} in the filter")

    def dates(self) -> tuple[dt.date, dt.date]:
        return self.from_edit.date().toPython(), self.to_edit.date().toPython()

    def _data_changed(self, changes) -> None:
        if "customer_profile" in changes:
            self._fill_profiles()
        if changes.any_of("bill", "bill_line", "payment", "customer_profile"):
            self.refresh()

    # --- running --------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        start, end = self.dates()
        profile = self.profile_combo.currentData()
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.status.setText(self.tr("Updating…"))
        self.service_tab.refresh(start, end, profile)
        self.window_.reads.submit(reports.sales_report, start, end, profile,
                                  owner=self, on_done=lambda r: self._show(generation, r),
                                  on_error=lambda exc: self._failed(generation, exc))

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self.loading = False
            self.status.setText(self.tr("Could not run the report: {error}").format(error=getattr(exc, 'message', exc)))

    def _show(self, generation: int, report: reports.SalesReport) -> None:
        if generation != self._generation:
            return
        self.report = report
        money = lambda v: format_money(v, report.currency)  # noqa: E731
        self.total_card.set(money(report.total))
        self.bills_card.set(f"{report.bills:,}")
        self.average_card.set(money(report.average_bill))
        self.tax_card.set(money(report.tax))
        self.discount_card.set(money(report.discount))
        for title, _key, rows in report.sections():
            table = self.tables[title]
            table.setRowCount(len(rows))
            whole = sum(r.total for r in rows) or 1
            for n, row in enumerate(rows):
                label = row.label
                if title == "Sales by day":
                    label = dates.weekday(dt.date.fromisoformat(row.label))
                cells = [label, f"{row.bills:,}", money(row.total), f"{row.total * 100 / whole:.1f}%"]
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if c:
                        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    table.setItem(n, c, item)
        self._draw_chart(report)
        self.header.set_subtitle(f"{dates.day(report.start)} – {dates.day(report.end)} · "
                                 f"{self.profile_combo.currentText()}")
        self.status.setText(self.tr("Updated {time}").format(time=dates.time(dt.datetime.now(), seconds=True)))
        self.loading = False
        self.report_ready.emit(report)

    def _draw_chart(self, report: reports.SalesReport) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        days = (report.end - report.start).days + 1
        axis_x = QDateTimeAxis()
        axis_x.setFormat(dates.qt_format("MMMd" if days <= 62 else "yMMM"))
        axis_x.setTickCount(min(8, max(2, days)))
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%.0f")
        axis_y.setTitleText(report.currency)
        chart.addAxis(axis_x, Qt.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignLeft)
        peak = 0
        ordered = sorted(report.profile_series.items(), key=lambda kv: -sum(v for _, v in kv[1]))
        for n, (label, points) in enumerate(ordered):
            buckets: dict[dt.date, int] = defaultdict(int)
            for day, total in points:
                buckets[_bucket(day, days)] += total
            series = QLineSeries()
            series.setName(label)
            pen = QPen(QColor(PALETTE[n % len(PALETTE)]))
            pen.setWidthF(2.4)
            series.setPen(pen)
            series.setPointsVisible(days <= 31)
            for day, total in sorted(buckets.items()):
                moment = QDateTime(QDate(day.year, day.month, day.day), QTime(12, 0))
                value = total / (10 ** (0 if report.currency == "JPY" else 2))
                peak = max(peak, value)
                series.append(moment.toMSecsSinceEpoch(), value)
            chart.addSeries(series)
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)
        start = QDateTime(QDate(report.start.year, report.start.month, report.start.day), QTime(0, 0))
        end = QDateTime(QDate(report.end.year, report.end.month, report.end.day), QTime(23, 59))
        axis_x.setRange(start, end)
        axis_y.setRange(0, max(10, peak * 1.1))
        axis_y.applyNiceNumbers()
        chart.legend().setVisible(bool(ordered))
        chart.setTitle("Sales by profile over time" + ("" if ordered else ": no sales in this period"))

    # --- export -----------------------------------------------------------------------------------------------

    def _suggested(self, ext: str) -> str:
        start, end = self.dates()
        return f"sales-{start.isoformat()}-to-{end.isoformat()}.{ext}"

    def export_csv(self, path: str | None = None):
        if self.report is None:
            return None
        if path is None:
            return choose_save_path(self, self.tr("Export report as CSV"), self._suggested("csv"), "CSV files (*.csv)",
                                    self.export_csv)
        export.export_report(self.report, path, self.profile_combo.currentText())
        self.status.setText(self.tr("Saved {path}").format(path=path))
        return path

    def export_sales(self, path: str | None = None):
        """Every bill of the period (and profile) as CSV, written on a worker."""
        if path is None:
            return choose_save_path(self, self.tr("Export bills as CSV"), self._suggested("csv").replace("sales-", "bills-"),
                                    "CSV files (*.csv)", self.export_sales)
        start, end = self.dates()
        self.status.setText(self.tr("Exporting bills…"))
        self.window_.reads.submit(export.export_sales, path, start, end, self.profile_combo.currentData(),
                                  self.manager,
                                  owner=self, on_done=lambda n: self.status.setText(
                                      self.tr("Saved {n:,} bills to {path}").format(n=n, path=path)),
                                  on_error=lambda exc: self.status.setText(self.tr("Export failed: {exc}").format(exc=exc)))
        return None

    def export_pdf(self, path: str | None = None):
        if self.report is None:
            return None
        if path is None:
            return choose_save_path(self, self.tr("Export report as PDF"), self._suggested("pdf"), "PDF files (*.pdf)",
                                    self.export_pdf)
        open_private(path, "wb").close()  # created 0600: Qt writes into it and keeps the mode
        writer = QPdfWriter(path)
        writer.setPageSize(QPageSize(QPageSize.A4))
        writer.setPageOrientation(QPageLayout.Portrait)
        writer.setResolution(150)
        writer.setTitle(self.tr("Sales report"))
        document = QTextDocument()
        chart_image = self.chart_view.grab().toImage()
        document.addResource(QTextDocument.ImageResource, "chart.png", chart_image)
        document.setHtml(self.report_html(chart_width=min(900, chart_image.width())))
        document.setPageSize(writer.pageLayout().paintRectPixels(writer.resolution()).size().toSizeF())
        document.print_(writer)
        self.status.setText(self.tr("Saved {path}").format(path=path))
        return path

    def report_html(self, chart_width: int = 900) -> str:
        r = self.report
        money = lambda v: format_money(v, r.currency)  # noqa: E731
        esc = html.escape
        parts = [
            "<html><body style='font-family: sans-serif; font-size: 10pt'>",
            f"<h2>{esc(settings.shop().shop_name)}: sales report</h2>",
            f"<p>{dates.day(r.start)} – {dates.day(r.end)} · Profile: "
            f"{esc(self.profile_combo.currentText())}</p>",
            f"<p><b>Total {money(r.total)}</b> · {r.bills:,} bills · average {money(r.average_bill)} · "
            f"tax {money(r.tax)} · discounts {money(r.discount)}</p>",
            f"<p><img src='chart.png' width='{chart_width}'></p>",
        ]
        for title, key_name, rows in r.sections():
            if not rows:
                continue
            parts.append(f"<h3>{esc(title)}</h3><table border='0' cellspacing='0' cellpadding='3' width='100%'>")
            parts.append(f"<tr style='background:#eef1f5'><th align='left'>{esc(key_name)}</th>"
                         "<th align='right'>Bills</th><th align='right'>Total</th></tr>")
            for row in rows:
                parts.append(f"<tr><td>{esc(row.label)}</td><td align='right'>{row.bills:,}</td>"
                             f"<td align='right'>{money(row.total)}</td></tr>")
            parts.append("</table>")
        parts.append(f"<p style='color:#666'>Printed {dates.date_time(dt.datetime.now())}</p>")
        parts.append("</body></html>")
        return "".join(parts)

    def sizeHint(self):
        return QSize(1200, 820)

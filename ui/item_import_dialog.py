"""Import items from CSV (``itemImportDialog``): choose the file, check it (nothing written), import, and
read each rejected row's line and reason. Reading and importing run off the UI thread (app/item_import.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout

from app import item_import
from app.customer_import import read_table
from ui.form_helpers import (
    InlineMessage,
    PageHeader,
    choose_open_path,
    hbox,
    list_table,
    named,
    no_auto_default,
    primary,
    set_role,
)
from ui.screen_fit import fit_to_screen


class ItemImportDialog(QDialog):
    imported = Signal()

    def __init__(self, parent, window, manager):
        super().__init__(parent)
        self.window_ = window
        self.manager = manager
        self.path: Path | None = None
        self.table = None
        self.busy = False
        self.result: item_import.ItemImportResult | None = None
        self.setObjectName("itemImportDialog")
        self.setAccessibleName("Import items")
        self.setWindowTitle(self.tr("Import items"))
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        fit_to_screen(self, 820, 560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(PageHeader(
            self.tr("Import items"),
            self.tr("A CSV file (UTF-8) whose first row names the columns: code, name and price are required; barcode, "
            "tax_rate (%), allergens, tags, active and department are optional. A code already in the catalogue "
            "updates that item.")))
        self.choose_button = named(QPushButton(self.tr("Choose CSV file…")), "chooseItemFileButton", "Choose file")
        self.choose_button.clicked.connect(
            lambda: choose_open_path(self, self.tr("Items to import"), "CSV files (*.csv *.txt)", self.load_file))
        self.file_label = named(QLabel(self.tr("No file chosen")), "itemImportFileLabel", "File")
        self.file_label.setTextFormat(Qt.PlainText)
        set_role(self.file_label, "hint")
        layout.addLayout(hbox(self.choose_button, self.file_label, None))
        self.summary = InlineMessage("itemImportSummaryLabel")
        self.summary.setTextFormat(Qt.PlainText)
        self.check_button = named(QPushButton(self.tr("Check file")), "checkItemImportButton", "Check file")
        self.import_button = primary(named(QPushButton(self.tr("Import")), "runItemImportButton", "Import"))
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        layout.addLayout(hbox(self.summary, None, self.check_button, self.import_button))
        self.rejected_title = QLabel(self.tr("<b>Rejected rows</b>"))
        layout.addWidget(self.rejected_title)
        self.rejected = list_table("itemImportRejectedView", [self.tr("Line"), self.tr("Why it was not imported")], row_height=28,
                                   stretch=1)
        self.rejected.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        layout.addWidget(self.rejected, 1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(None, close))
        no_auto_default(self)
        self._update_buttons()

    def load_file(self, path: str) -> None:
        self.path = Path(path)
        self.file_label.setText(self.tr("Reading {name}…").format(name=self.path.name))
        self.busy = True
        self._update_buttons()
        self.window_.reads.submit(read_table, self.path, owner=self, on_done=self._loaded, on_error=self._failed)

    def _loaded(self, table) -> None:
        self.busy = False
        self.table = table
        self.file_label.setText(self.tr("{name} · {v1:,} rows · columns: {v2}").format(name=self.path.name, v1=len(table.rows), v2=', '.join(table.header)))
        self.summary.clear_message()
        self.rejected.setRowCount(0)
        self._update_buttons()

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.summary.bad(getattr(exc, "message", str(exc)))
        if self.path and self.table is None:
            self.file_label.setText(self.path.name)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.table is not None and not self.busy
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)
        self.choose_button.setEnabled(not self.busy)

    def run(self, dry_run: bool) -> None:
        if self.table is None or self.busy:
            return
        self.busy = True
        self._update_buttons()
        self.summary.ok(self.tr("Checking…") if dry_run else self.tr("Importing…"))
        self.window_.writes.submit(item_import.import_table, self.table, None, self.manager, dry_run=dry_run,
                                   source=self.path.name if self.path else "", owner=self, on_done=self._finished,
                                   on_error=self._failed)

    def _finished(self, result: item_import.ItemImportResult) -> None:
        self.busy = False
        self.result = result
        text = result.summary()
        if result.dry_run:
            text = "Check only, nothing written: " + text
        (self.summary.bad if result.rejected else self.summary.ok)(text)
        self.rejected_title.setText(self.tr("<b>Rejected rows</b> ({v0:,})").format(v0=len(result.rejected)))
        self.rejected.setRowCount(len(result.rejected))
        for r, rejected in enumerate(result.rejected):
            line = QTableWidgetItem(str(rejected.line))
            line.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.rejected.setItem(r, 0, line)
            self.rejected.setItem(r, 1, QTableWidgetItem(rejected.reason))
        if not result.dry_run and (result.added or result.updated):
            self.imported.emit()
            self.window_.data_changed.emit("item")
        self._update_buttons()

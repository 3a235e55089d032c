"""Import customers from CSV (``importDialog``): choose the file, see a preview, map its columns to the
customer's fields, check it (nothing written), import, and read the rows that were rejected and why.
Reading and importing run off the UI thread; a broken file imports nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app import customer_import
from app.customer_import import FIELD_LABELS, FIELDS, REQUIRED
from ui.form_helpers import (
    InlineMessage,
    PageHeader,
    choose_open_path,
    hbox,
    named,
    no_auto_default,
    primary,
    set_role,
)

PREVIEW_ROWS = 12


def _table(name: str) -> QTableWidget:
    table = named(QTableWidget(0, 0), name, name)
    table.verticalHeader().setDefaultSectionSize(28)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    return table


class ImportDialog(QDialog):
    def __init__(self, parent, window, manager):
        super().__init__(parent)
        self.window_ = window
        self.manager = manager
        self.path: Path | None = None
        self.table: customer_import.Table | None = None
        self.result: customer_import.ImportResult | None = None
        self.busy = False
        self.setObjectName("importDialog")
        self.setAccessibleName("Import customers")
        self.setWindowTitle(self.tr("Import customers"))
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(1000, 720)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(PageHeader(
            self.tr("Import customers"),
            self.tr("A CSV file (UTF-8) whose first row names the columns. Name and phone are required; a phone that "
            "is already a customer's updates that customer.")))

        self.choose_button = named(QPushButton(self.tr("Choose CSV file…")), "chooseImportFileButton", "Choose file")
        self.choose_button.clicked.connect(
            lambda: choose_open_path(self, self.tr("Customers to import"), "CSV files (*.csv *.txt)", self.load_file))
        self.file_label = named(QLabel(self.tr("No file chosen")), "importFileLabel", "File")
        set_role(self.file_label, "hint")
        self.file_label.setTextFormat(Qt.PlainText)  # the file name and its column names are not markup
        layout.addLayout(hbox(self.choose_button, self.file_label, None))

        self.preview = _table("importPreviewView")
        layout.addWidget(self.preview, 1)

        mapping = QFrame()
        mapping.setObjectName("sidePanel")
        grid = QGridLayout(mapping)
        grid.addWidget(QLabel(self.tr("<b>Columns</b>: which column of the file fills each field")), 0, 0, 1, 6)
        self.mapping_combos: dict[str, QComboBox] = {}
        for n, field in enumerate(FIELDS):
            combo = named(QComboBox(), f"map_{field}Combo", f"Column for {FIELD_LABELS[field]}")
            combo.currentIndexChanged.connect(lambda _: self._mapping_changed())
            self.mapping_combos[field] = combo
            label = QLabel(FIELD_LABELS[field] + (" *" if field in REQUIRED else ""))
            grid.addWidget(label, 1 + n // 3, (n % 3) * 2)
            grid.addWidget(combo, 1 + n // 3, (n % 3) * 2 + 1)
        layout.addWidget(mapping)

        self.overwrite_names_check = named(QCheckBox(self.tr("Overwrite the names of existing customers")),
                                           "overwriteNamesCheck", "Overwrite names")
        self.overwrite_names_check.setToolTip(self.tr("A row whose phone is an existing customer's may rename that "
                                              "customer. Check the changes below first."))
        layout.addWidget(self.overwrite_names_check)
        self.summary = InlineMessage("importSummaryLabel")
        self.check_button = named(QPushButton(self.tr("Check file")), "checkImportButton", "Check file")
        self.import_button = primary(named(QPushButton(self.tr("Import")), "runImportButton", "Import"))
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        for button in (self.choose_button, self.check_button, self.import_button):
            button.setAutoDefault(False)
        layout.addLayout(hbox(self.summary, None, self.check_button, self.import_button))

        self.changes_title = QLabel(self.tr("<b>Changes to existing customers</b>"))
        layout.addWidget(self.changes_title)
        self.changes = _table("importChangesView")  # per customer: which field, from what, to what
        self.changes.setColumnCount(5)
        self.changes.setHorizontalHeaderLabels(["Line", "Customer", "Field", "Now", "After the import"])
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.changes.horizontalHeader().setStretchLastSection(True)
        self.changes.verticalHeader().hide()
        layout.addWidget(self.changes, 2)
        self.rejected_title = QLabel(self.tr("<b>Rejected rows</b>"))
        layout.addWidget(self.rejected_title)
        self.rejected = _table("importRejectedView")
        self.rejected.setColumnCount(2)
        self.rejected.setHorizontalHeaderLabels(["Line", "Why it was not imported"])
        self.rejected.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.rejected.verticalHeader().hide()
        layout.addWidget(self.rejected, 1)
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(None, close))
        no_auto_default(self)
        self._update_buttons()

    # --- file -----------------------------------------------------------------------------------------------

    def load_file(self, path: str) -> None:
        """Read the file on a worker, then show the preview and the guessed column mapping."""
        self.path = Path(path)
        self.file_label.setText(self.tr("Reading {name}…").format(name=self.path.name))
        self.busy = True
        self._update_buttons()
        self.window_.reads.submit(customer_import.read_table, self.path, owner=self, on_done=self._loaded,
                                  on_error=self._failed)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.table = None
        self.summary.bad(getattr(exc, "message", str(exc)))
        self.file_label.setText(self.path.name if self.path else self.tr("No file chosen"))
        self._update_buttons()

    def _loaded(self, table: customer_import.Table) -> None:
        self.busy = False
        self.table = table
        self.file_label.setText(self.tr("{name} · {v1:,} rows · columns: {v2}").format(name=self.path.name, v1=len(table.rows), v2=', '.join(table.header)))
        self.preview.clear()
        self.preview.setColumnCount(len(table.header))
        self.preview.setHorizontalHeaderLabels(table.header)
        shown = table.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(shown))
        self.preview.setVerticalHeaderLabels([str(line) for line, _ in shown])
        for r, (_line, fields) in enumerate(shown):
            for c, value in enumerate(fields[: len(table.header)]):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        guessed = customer_import.auto_mapping(table.header)
        for field, combo in self.mapping_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(not imported)"), None)
            for index, name in enumerate(table.header):
                combo.addItem(name or f"Column {index + 1}", index)
            combo.setCurrentIndex(max(0, combo.findData(guessed.get(field))))
            combo.blockSignals(False)
        self.summary.clear_message()
        self.rejected.setRowCount(0)
        self._mapping_changed()

    def mapping(self) -> dict[str, int]:
        return {f: c.currentData() for f, c in self.mapping_combos.items() if c.currentData() is not None}

    def _mapping_changed(self) -> None:
        missing = [FIELD_LABELS[f] for f in REQUIRED if f not in self.mapping()]
        if self.table is not None and missing:
            self.summary.bad(self.tr("Choose the column for {v0}.").format(v0=' and '.join(missing)))
        elif self.table is not None:
            self.summary.clear_message()
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.table is not None and not self.busy and all(f in self.mapping() for f in REQUIRED)
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)
        self.choose_button.setEnabled(not self.busy)

    # --- import --------------------------------------------------------------------------------------------

    def run(self, dry_run: bool) -> None:
        if self.table is None:
            return
        self.busy = True
        self._update_buttons()
        self.summary.ok(self.tr("Checking…") if dry_run else self.tr("Importing…"))
        runner = self.window_.reads if dry_run else self.window_.writes
        runner.submit(customer_import.import_table, self.table, self.mapping(), self.manager, dry_run=dry_run,
                      source=self.path.name if self.path else "",
                      allow_renames=self.overwrite_names_check.isChecked(), owner=self, on_done=self._finished,
                      on_error=self._failed)

    def _show_changes(self, result: customer_import.ImportResult) -> None:
        rows = [(c, f, old, new) for c in result.changes for f, (old, new) in c.fields.items()]
        more = " (the first ones)" if len(result.changes) >= customer_import.MAX_CHANGES_SHOWN else ""
        self.changes_title.setText(self.tr("<b>Changes to existing customers</b> ({v0:,}{more})").format(v0=len(result.changes), more=more))
        self.changes.setRowCount(len(rows))
        for r, (change, field, old, new) in enumerate(rows):
            after = str(new or "") + ("   (not without “Overwrite names”)" if change.needs_tick and field == "name"
                                      else "")
            for c, text in enumerate([str(change.line), change.name, FIELD_LABELS.get(field, field),
                                      str(old or ""), after]):
                self.changes.setItem(r, c, QTableWidgetItem(text))

    def _finished(self, result: customer_import.ImportResult) -> None:
        self.busy = False
        self.result = result
        text = result.summary()
        if result.dry_run:
            text = "Check only, nothing written: " + text
        (self.summary.bad if result.rejected else self.summary.ok)(text)
        self._show_changes(result)
        self.rejected_title.setText(self.tr("<b>Rejected rows</b> ({v0:,})").format(v0=len(result.rejected)))
        self.rejected.setRowCount(len(result.rejected))
        for r, rejected in enumerate(result.rejected):
            line = QTableWidgetItem(str(rejected.line))
            line.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.rejected.setItem(r, 0, line)
            self.rejected.setItem(r, 1, QTableWidgetItem(rejected.reason))
        if not result.dry_run and (result.added or result.updated):
            self.window_.data_changed.emit("customer")
        self._update_buttons()

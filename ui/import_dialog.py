"""Import customers from CSV (``importDialog``): choose the file, see a preview, map its columns to the
customer's fields, check it (nothing written), import, and read the rows that were rejected and why.
Reading and importing run off the UI thread; a broken file imports nothing. The frame is the one the item
import shares (ui/import_base.py)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)

from app import customer_import
from app.customer_import import FIELD_LABELS, FIELDS, REQUIRED
from ui import ops
from ui.form_helpers import named
from ui.import_base import CsvImportDialog
from ui.screen_fit import fit_to_screen

PREVIEW_ROWS = 12


def _table(name: str) -> QTableWidget:
    table = named(QTableWidget(0, 0), name, name)
    table.verticalHeader().setDefaultSectionSize(28)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    return table


class ImportDialog(CsvImportDialog):
    def __init__(self, parent, window, manager):
        self.mapping_combos: dict[str, QComboBox] = {}
        super().__init__(
            parent, window, manager, name="importDialog", accessible="Import customers",
            title=self.tr("Import customers"),
            help_text=self.tr("A CSV file (UTF-8) whose first row names the columns. Name and phone are required; "
                              "a phone that is already a customer's updates that customer."),
            file_title=self.tr("Customers to import"),
            names={"choose": "chooseImportFileButton", "file": "importFileLabel", "summary": "importSummaryLabel",
                   "check": "checkImportButton", "run": "runImportButton", "rejected": "importRejectedView"})
        fit_to_screen(self, 1000, 720)  # no bigger than a 1024x768 screen leaves

    def add_sections(self, layout) -> None:
        self.preview = _table("importPreviewView")
        layout.addWidget(self.preview, 1)
        mapping = QFrame()
        mapping.setObjectName("sidePanel")
        grid = QGridLayout(mapping)
        grid.addWidget(QLabel(self.tr("<b>Columns</b>: which column of the file fills each field")), 0, 0, 1, 6)
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

    def add_results(self, layout) -> None:
        self.changes_title = QLabel("<b>{}</b>".format(self.tr("Changes to existing customers")))
        layout.addWidget(self.changes_title)
        self.changes = _table("importChangesView")  # per customer: which field, from what, to what
        self.changes.setColumnCount(5)
        self.changes.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Customer"), self.tr("Field"), self.tr("Now"),
                                                self.tr("After the import")])
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.changes.horizontalHeader().setStretchLastSection(True)
        self.changes.verticalHeader().hide()
        layout.addWidget(self.changes, 2)

    # --- file -----------------------------------------------------------------------------------------------

    def shown(self, table: customer_import.Table) -> None:
        """The preview and the guessed column mapping."""
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
                combo.addItem(name or self.tr("Column {number}").format(number=index + 1), index)
            combo.setCurrentIndex(max(0, combo.findData(guessed.get(field))))
            combo.blockSignals(False)
        self._mapping_changed()

    def mapping(self) -> dict[str, int]:
        return {f: c.currentData() for f, c in self.mapping_combos.items() if c.currentData() is not None}

    def _mapping_changed(self) -> None:
        missing = [FIELD_LABELS[f] for f in REQUIRED if f not in self.mapping()]
        if self.table is not None and missing:
            self.summary.bad(self.tr("Choose the column for {fields}.").format(fields=" and ".join(missing)))
        elif self.table is not None:
            self.summary.clear_message()
        self._update_buttons()

    def ready(self) -> bool:
        return all(f in self.mapping() for f in REQUIRED)

    # --- import --------------------------------------------------------------------------------------------

    def job(self, dry_run: bool):
        op = ops.read if dry_run else ops.write  # a check writes nothing and announces nothing
        return op(self.window_, customer_import.import_table, self.table, self.mapping(), self.manager,
                  dry_run=dry_run, source=self.path.name if self.path else "",
                  allow_renames=self.overwrite_names_check.isChecked(), owner=self)

    def finished(self, result: customer_import.ImportResult) -> None:
        rows = [(c, f, old, new) for c in result.changes for f, (old, new) in c.fields.items()]
        more = self.tr(" (the first ones)") if len(result.changes) >= customer_import.MAX_CHANGES_SHOWN else ""
        self.changes_title.setText("<b>{}</b> ({:,}{})".format(self.tr("Changes to existing customers"),
                                                              len(result.changes), more))
        self.changes.setRowCount(len(rows))
        for r, (change, field, old, new) in enumerate(rows):
            after = str(new or "") + (self.tr("   (not without “Overwrite names”)")
                                      if change.needs_tick and field == "name" else "")
            for c, text in enumerate([str(change.line), change.name, FIELD_LABELS.get(field, field),
                                      str(old or ""), after]):
                self.changes.setItem(r, c, QTableWidgetItem(text))

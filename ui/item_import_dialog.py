"""Import items from CSV (``itemImportDialog``): choose the file, check it (nothing written), import, and
read each rejected row's line and reason. Reading and importing run off the UI thread (app/item_import.py);
the frame is the one the customer import shares (ui/import_base.py)."""

from __future__ import annotations

from PySide6.QtCore import Signal

from app import item_import
from app.changes import Changes
from ui import ops
from ui.import_base import CsvImportDialog
from ui.screen_fit import fit_to_screen


class ItemImportDialog(CsvImportDialog):
    imported = Signal()

    def __init__(self, parent, window, manager):
        super().__init__(
            parent, window, manager, name="itemImportDialog", accessible="Import items",
            title=self.tr("Import items"),
            help_text=self.tr("A CSV file (UTF-8) whose first row names the columns: code, name and price are "
                              "required; barcode, tax_rate (%), allergens, tags, active and department are "
                              "optional. A code already in the catalogue updates that item."),
            file_title=self.tr("Items to import"),
            names={"choose": "chooseItemFileButton", "file": "itemImportFileLabel",
                   "summary": "itemImportSummaryLabel", "check": "checkItemImportButton",
                   "run": "runItemImportButton", "rejected": "itemImportRejectedView"})
        fit_to_screen(self, 820, 560)

    def job(self, dry_run: bool):
        source = self.path.name if self.path else ""
        if dry_run:
            return ops.read(self.window_, item_import.import_table, self.table, None, self.manager, dry_run=True,
                            source=source, owner=self)
        return ops.write(self.window_, item_import.import_table, self.table, None, self.manager, dry_run=False,
                         source=source, owner=self, changes=Changes.tables(["item"]))

    def finished(self, result: item_import.ItemImportResult) -> None:
        if not result.dry_run and (result.added or result.updated):
            self.imported.emit()

"""The frame both CSV imports share (customers: ui/import_dialog.py, items: ui/item_import_dialog.py): choose
the file, read it off the UI thread, check it (nothing written, a read op), import it (a write op that
announces what changed), and list each rejected row's line and reason. A subclass adds its own sections
between the file and the buttons, and says how to run its import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout

from ui import ops
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
from ui.i18n import translate


class CsvImportDialog(QDialog):
    """``names``: the object names of the parts (choose, file, summary, check, run, rejected)."""

    def __init__(self, parent, window, manager, *, name: str, accessible: str, title: str, help_text: str,
                 file_title: str, names: dict[str, str]):
        super().__init__(parent)
        self.window_ = window
        self.manager = manager
        self.path: Path | None = None
        self.table = None
        self.result = None
        self.busy = False
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.layout_ = layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        header = PageHeader(title, help_text)
        header.subtitle.setWordWrap(True)  # it wraps on a 1024-pixel screen instead of widening the dialog
        layout.addWidget(header)
        self.choose_button = named(QPushButton(translate("CsvImportDialog", "Choose CSV file…")), names["choose"],
                                   "Choose file")
        self.choose_button.clicked.connect(
            lambda: choose_open_path(self, file_title, translate("CsvImportDialog", "CSV files (*.csv *.txt)"),
                                     self.load_file))
        self.file_label = named(QLabel(translate("CsvImportDialog", "No file chosen")), names["file"], "File")
        set_role(self.file_label, "hint")
        self.file_label.setTextFormat(Qt.PlainText)  # the file name and its column names are not markup
        layout.addLayout(hbox(self.choose_button, self.file_label, None))
        self.add_sections(layout)
        self.summary = InlineMessage(names["summary"])
        self.summary.setTextFormat(Qt.PlainText)
        self.check_button = named(QPushButton(translate("CsvImportDialog", "Check file")), names["check"], "Check file")
        self.import_button = primary(named(QPushButton(translate("CsvImportDialog", "Import")), names["run"], "Import"))
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        layout.addLayout(hbox(self.summary, None, self.check_button, self.import_button))
        self.add_results(layout)
        self.rejected_title = QLabel("<b>{}</b>".format(translate("CsvImportDialog", "Rejected rows")))
        layout.addWidget(self.rejected_title)
        self.rejected = list_table(names["rejected"],
                                   [translate("CsvImportDialog", "Line"), translate("CsvImportDialog", "Why it was not imported")],
                                   row_height=28, stretch=1)
        self.rejected.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        layout.addWidget(self.rejected, 1)
        close = QPushButton(translate("CsvImportDialog", "Close"))
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(None, close))
        no_auto_default(self)
        self._update_buttons()

    # --- what a subclass adds ------------------------------------------------------------------------------

    def add_sections(self, layout) -> None:
        """Widgets between the file and the buttons (a preview, the column mapping)."""

    def add_results(self, layout) -> None:
        """Widgets between the buttons and the rejected rows."""

    def shown(self, table) -> None:
        """The file was read: show what it holds."""

    def ready(self) -> bool:
        return True

    def job(self, dry_run: bool):
        """The import as an op (``ops.read`` for a check, ``ops.write`` for the import)."""
        raise NotImplementedError

    def finished(self, result) -> None:
        """After the rejected rows are shown."""

    # --- the frame -----------------------------------------------------------------------------------------

    def load_file(self, path: str) -> None:
        """Read the file on a worker, then show it."""
        from app.customer_import import read_table

        self.path = Path(path)
        self.table = None  # a new file: the old one is no longer what an import would read
        self.file_label.setText(translate("CsvImportDialog", "Reading {name}…").format(name=self.path.name))
        self.busy = True
        self._update_buttons()
        ops.read(self.window_, read_table, self.path, owner=self).success(self._loaded).failure(self._failed).run()

    def _loaded(self, table) -> None:
        self.busy = False
        self.table = table
        self.file_label.setText(translate("CsvImportDialog", "{name} · {rows} rows · columns: {columns}").format(
            name=self.path.name, rows=f"{len(table.rows):,}", columns=", ".join(table.header)))
        self.summary.clear_message()
        self.rejected.setRowCount(0)
        self.shown(table)
        self._update_buttons()

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.summary.bad(getattr(exc, "message", str(exc)))
        if self.table is None:
            self.file_label.setText(self.path.name if self.path else translate("CsvImportDialog", "No file chosen"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.table is not None and not self.busy and self.ready()
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)
        self.choose_button.setEnabled(not self.busy)

    def run(self, dry_run: bool) -> None:
        if self.table is None or self.busy:
            return
        self.busy = True
        self._update_buttons()
        self.summary.ok(translate("CsvImportDialog", "Checking…") if dry_run
                        else translate("CsvImportDialog", "Importing…"))
        self.job(dry_run).success(self._finished).failure(self._failed).run()

    def _finished(self, result) -> None:
        self.busy = False
        self.result = result
        text = result.summary()
        if result.dry_run:
            text = translate("CsvImportDialog", "Check only, nothing written: {summary}").format(summary=text)
        (self.summary.bad if result.rejected else self.summary.ok)(text)
        self.rejected_title.setText("<b>{}</b> ({:,})".format(translate("CsvImportDialog", "Rejected rows"),
                                                             len(result.rejected)))
        self.rejected.setRowCount(len(result.rejected))
        for r, rejected in enumerate(result.rejected):
            line = QTableWidgetItem(str(rejected.line))
            line.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.rejected.setItem(r, 0, line)
            self.rejected.setItem(r, 1, QTableWidgetItem(rejected.reason))
        self.finished(result)
        self._update_buttons()

"""Start-up of the GUI: open the database (asking for a passphrase when there is no keyring), show the
window, and turn errors into dialogs instead of silent exits."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from app.errors import TillError
from app.resources import resource_path
from app.till import open_till
from db.errors import TillDatabaseError

log = logging.getLogger(__name__)


def ask_passphrase(path: Path, create: bool) -> str | None:
    """No keyring backend: ask for the database passphrase (window-modal, waited on locally)."""
    dialog = QInputDialog()
    dialog.setObjectName("passphraseDialog")
    dialog.setWindowTitle("Database passphrase")
    verb = "Choose a passphrase for the new" if create else "Type the passphrase of the"
    dialog.setLabelText(f"No keyring is available on this computer.\n{verb} till database:\n{path}")
    dialog.setTextEchoMode(QLineEdit.Password)
    loop = QEventLoop()
    dialog.finished.connect(loop.quit)
    dialog.open()
    loop.exec()
    return dialog.textValue() if dialog.result() == QInputDialog.Accepted else None


def apply_style(app: QApplication) -> None:
    try:
        app.setStyleSheet(resource_path("till.qss").read_text(encoding="utf-8"))
    except FileNotFoundError:
        log.warning("stylesheet missing; using the platform style")


def build_window(path: Path, *, demo: bool = False):
    from ui.till_window import TillWindow

    app = QApplication.instance()
    apply_style(app)
    till = open_till(path, demo_data=demo, passphrase_prompt=ask_passphrase)
    window = TillWindow(till)
    window.show()
    window.sign_in_page.pin_edit.setFocus()
    return window


def _fatal(title: str, message: str) -> int:
    box = QMessageBox(QMessageBox.Critical, title, message)
    box.setObjectName("startupErrorBox")
    loop = QEventLoop()
    box.finished.connect(loop.quit)
    box.open()
    loop.exec()
    return 2


def run_gui(path: Path, *, demo: bool = False) -> int:
    from app.logs import log_dir

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("The Till")
    app.setOrganizationName("the-till")

    def excepthook(kind, value, tb):
        log.critical("unexpected error", exc_info=(kind, value, tb))
        box = QMessageBox(QMessageBox.Critical, "Unexpected error",
                          f"{value}\n\nThe details are in the log at {log_dir()}.")
        box.setObjectName("unexpectedErrorBox")
        box.show()

    sys.excepthook = excepthook
    try:
        window = build_window(path, demo=demo)
    except (TillDatabaseError, TillError) as exc:
        log.error("cannot start: %s", exc.message)
        print(f"pos-till: {exc.message}", file=sys.stderr)
        return _fatal(getattr(exc, "title", "Cannot start"), exc.message)
    code = app.exec()
    window.till.close()
    return code

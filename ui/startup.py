"""Start-up of the GUI: open the database (asking for a passphrase when there is no keyring), show the
window, and turn errors into dialogs instead of silent exits."""

from __future__ import annotations

import gc
import json
import logging
import sys
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import TillDatabaseError, TillError
from app.resources import resource_path
from app.till import open_till

log = logging.getLogger(__name__)


def ask_passphrase(path: Path, create: bool) -> str | None:
    """No keyring backend: ask for the database passphrase (twice for a new database)."""
    from ui.passphrase_dialog import ask_passphrase as ask

    return ask(path, create)


def apply_style(app: QApplication) -> None:
    try:
        app.setStyleSheet(resource_path("till.qss").read_text(encoding="utf-8"))
    except FileNotFoundError:
        log.warning("stylesheet missing; using the platform style")


def build_window(path: Path, *, demo: bool = False, defer_bill: bool = False, fit: bool = False):
    from ui.till_window import TillWindow

    app = QApplication.instance()
    apply_style(app)
    from ui.upgrade_notice import UpgradeNotice

    notice = UpgradeNotice()
    try:
        till = open_till(path, demo_data=demo, passphrase_prompt=ask_passphrase, progress=notice.step)
    finally:
        notice.close()
    from app.money import current_locale
    from ui import i18n

    i18n.install(app, current_locale())  # before any widget is made: widgets translate their text once
    window = TillWindow(till, defer_bill=defer_bill)
    if fit:  # the real till: no bigger than its screen, maximised where a window manager does that
        from ui.screen_fit import fit_to_screen

        fit_to_screen(window, 1280, 800)
        window.showMaximized()
    else:
        window.show()
    window.activateWindow()  # a kiosk desktop with no window manager activates nothing by itself
    window.sign_in_page.pin_edit.setFocus()
    from app.shop_setup import needs_setup

    if needs_setup():  # a new database without --demo: set up the shop, or join one
        from ui.setup_wizard import open_if_needed

        open_if_needed(window)
    if gc.get_freeze_count() == 0:
        # What start-up made (modules, Qt wrappers, caches) lives as long as the till: move it out of the
        # collector's reach, so a full collection walks only what the shift made. Without this, full
        # collections held the UI thread 57 ms at a time in the 20,000-sale soak. Once per process (a
        # test builds many windows); no collection first, which would itself stall ~50 ms.
        gc.freeze()
    return window


def _fatal(title: str, message: str) -> int:
    box = QMessageBox(QMessageBox.Critical, title, message)
    box.setObjectName("startupErrorBox")
    loop = QEventLoop()
    box.finished.connect(loop.quit)
    box.open()
    loop.exec()
    return 2


def log_file() -> Path:
    from app.logs import LOG_NAME, log_dir

    return log_dir() / LOG_NAME


class ErrorDialogs:
    """``sys.excepthook`` while the window runs: log the error, then show it in a dialog that says where
    the log file is (never a silent exit). In a smoke test the error goes to stderr and the run fails."""

    def __init__(self, app: QApplication, smoke_test: bool = False):
        self.app = app
        self.smoke_test = smoke_test
        self.boxes: list[QMessageBox] = []  # a parentless box lives only while Python holds it

    def __call__(self, kind, value, tb):
        log.critical("unexpected error", exc_info=(kind, value, tb))
        if self.smoke_test:
            traceback.print_exception(kind, value, tb)  # to stderr (a no-op when a windowed build has none)
            self.app.exit(70)
            return
        box = QMessageBox(QMessageBox.Critical, "Unexpected error",
                          f"Something went wrong: {value}\n\nThe details are in the log file:\n{log_file()}")
        box.setObjectName("unexpectedErrorBox")
        box.finished.connect(lambda *_: self.boxes.remove(box) if box in self.boxes else None)
        self.boxes.append(box)
        box.show()


class _FirstPaint(QObject):
    """Calls back once, just after the watched widget was first painted (the window is on screen)."""

    def __init__(self, widget, callback):
        super().__init__(widget)
        self.callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.callback)
        return False


def run_gui(path: Path, *, demo: bool = False, smoke_test: bool = False, startup_stamp: Path | None = None) -> int:
    """Run the till window until it is closed.

    smoke_test: exit 0 as soon as the sign-in page has been painted (the frozen-app CI check).
    startup_stamp: write the wall-clock time the sign-in page was first painted to this JSON file."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("The Till")
    app.setOrganizationName("the-till")
    app.setDesktopFileName("pos-till")  # matches the .desktop entry, so the shell shows the till's icon
    try:
        app.setWindowIcon(QIcon(str(resource_path("icons/till.png"))))
    except FileNotFoundError:
        log.warning("window icon missing")

    sys.excepthook = ErrorDialogs(app, smoke_test)
    try:
        window = build_window(path, demo=demo, defer_bill=True, fit=True)
    except (TillDatabaseError, TillError) as exc:
        log.error("cannot start: %s", exc.message)
        print(f"pos-till: {exc.message}", file=sys.stderr)
        if smoke_test:
            return 2
        return _fatal(getattr(exc, "title", "Cannot start"), exc.message)
    except Exception as exc:
        log.critical("cannot start: unexpected error", exc_info=True)
        if smoke_test:
            traceback.print_exc()
            return 70
        _fatal("Cannot start", f"The till could not start: {exc}\n\nThe details are in the log file:\n{log_file()}")
        return 70

    def shown():
        if startup_stamp:
            startup_stamp.write_text(json.dumps({
                "shown_at_ns": time.time_ns(), "window": window.objectName(),
                "page": window.pages.currentWidget().objectName(), "visible": window.isVisible(),
                "styled": bool(app.styleSheet()), "icon": not app.windowIcon().isNull()}))
        # The bill is built now, while the cashier types a PIN; a smoke test ends once it stands.
        QTimer.singleShot(0, window, lambda: (window.ensure_sale_page(), smoke_test and app.exit(0)))

    _FirstPaint(window.sign_in_page.pin_edit, shown)
    if smoke_test:
        def too_slow():
            print("pos-till: smoke test: the window was not shown within 60 s", file=sys.stderr)
            app.exit(4)

        QTimer.singleShot(60_000, app, too_slow)
    code = app.exec()
    if smoke_test:
        window.close()
    window.till.close()
    return code

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

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import start_hint
from app.errors import TillDatabaseError, TillError
from app.resources import resource_path

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


def open_till_here(path: Path, demo: bool = False):
    """Open the database on the UI thread: a passphrase asked for where there is no keyring, an upgrade's
    steps shown while they run."""
    from app.till import open_till
    from ui.upgrade_notice import UpgradeNotice

    notice = UpgradeNotice()
    try:
        return open_till(path, demo_data=demo, passphrase_prompt=ask_passphrase, progress=notice.step)
    finally:
        notice.close()


def show_window(window, fit: bool) -> None:
    if fit:  # the real till: no bigger than its screen, maximised where a window manager does that
        from ui.screen_fit import fit_to_screen

        fit_to_screen(window, 1280, 800)
        window.showMaximized()
    else:
        window.show()
    give_pin_the_keyboard(window)


def give_pin_the_keyboard(window) -> None:
    window.activateWindow()  # a kiosk desktop with no window manager activates nothing by itself
    window.sign_in_page.pin_edit.setFocus()


def build_window(path: Path, *, demo: bool = False, defer_bill: bool = False, fit: bool = False):
    """Open the database, then build and show the window on it (the way a new database starts)."""
    from ui.till_window import TillWindow

    app = QApplication.instance()
    apply_style(app)
    till = open_till_here(path, demo)
    from app.money import current_locale
    from ui import i18n

    i18n.install(app, current_locale())  # before any widget is made: widgets translate their text once
    window = TillWindow(till, defer_bill=defer_bill)
    show_window(window, fit)
    from ui.activation import activate_now

    activate_now(window)  # the PIN field has the keyboard as soon as this returns (or the wizard, opened next)
    opened(window)
    return window


def opened(window) -> None:
    """What follows the database's opening, whichever way the window was built."""
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


def _cannot_start(exc: Exception, smoke_test: bool) -> int:
    """Say why the till cannot start (stderr, and a dialog unless a smoke test); the exit code."""
    if isinstance(exc, (TillDatabaseError, TillError)):
        log.error("cannot start: %s", exc.message)
        print(f"pos-till: {exc.message}", file=sys.stderr)
        return 2 if smoke_test else _fatal(getattr(exc, "title", "Cannot start"), exc.message)
    log.critical("cannot start: unexpected error", exc_info=exc)
    if smoke_test:
        traceback.print_exception(exc)
        return 70
    _fatal("Cannot start", f"The till could not start: {exc}\n\nThe details are in the log file:\n{log_file()}")
    return 70


class GuiStart:
    """The window painted first, the database opened after, while the cashier types a PIN, when
    app/start_hint knows the shop's name and language; else (a new database, the first start) the database
    first. ``shown_at_ns`` and ``ready_at_ns`` say when the sign-in page was painted and when the database
    had opened; ``on_ready`` runs once both have happened, ``on_failed(exit code)`` if the open failed."""

    def __init__(self, app: QApplication, path: Path, *, demo: bool = False, smoke_test: bool = False,
                 fit: bool = True, on_ready=None, on_failed=None, open_when_painted: bool = True):
        """``open_when_painted=False`` (tests): the database opens when ``open_database()`` is called."""
        self.app, self.path, self.demo, self.smoke_test, self.fit = app, path, demo, smoke_test, fit
        self.open_when_painted = open_when_painted
        self.on_ready, self.on_failed = on_ready, on_failed
        self.window = None
        self.hint = None
        self.shown_at_ns = self.ready_at_ns = None

    def start(self) -> None:
        """Show the window. Raises TillDatabaseError / TillError when the database opens first and fails."""
        self.hint = start_hint.read(self.path)
        if self.hint is None:
            self.window = build_window(self.path, demo=self.demo, defer_bill=True, fit=self.fit)
            self._opened()
        else:
            from ui import i18n
            from ui.till_window import TillWindow

            i18n.install(self.app, self.hint.locale)
            apply_style(self.app)
            self.window = TillWindow(None, defer_bill=True, shop_name=self.hint.shop_name)
            show_window(self.window, self.fit)
        _FirstPaint(self.window.sign_in_page.pin_edit, self._shown)

    def _shown(self) -> None:
        self.shown_at_ns = time.time_ns()
        if self.window.till is None and self.open_when_painted:
            self.open_database()
        self._maybe_ready()

    def open_database(self) -> None:
        try:
            till = open_till_here(self.path, self.demo)
        except Exception as exc:  # noqa: BLE001 - every failure is said, then the till exits
            code = _cannot_start(exc, self.smoke_test)  # its dialog over the sign-in window
            if self.on_failed:
                self.on_failed(code)
            self.window.close()
            return
        if not self.window.isVisible():  # closed while a passphrase was asked for
            till.close()
            return
        from app.money import current_locale

        if current_locale() == self.hint.locale:
            self.window.attach(till)
            if till.user is None:  # a passphrase dialog may have had the keyboard: give it back to the PIN
                give_pin_the_keyboard(self.window)
        else:  # the shop's language changed since the last start: build the window again in it
            self._rebuild(till, current_locale())
        self._opened()

    def _rebuild(self, till, locale: str) -> None:
        from ui import i18n
        from ui.till_window import TillWindow

        i18n.install(self.app, locale)
        old = self.window
        self.window = TillWindow(till, defer_bill=True)
        self.window.sign_in_page.pin_edit.setText(old.sign_in_page.pin_edit.text())
        show_window(self.window, self.fit)
        old.close()
        old.deleteLater()
        if old.sign_in_page.waiting:
            self.window.sign_in_page.pin_edit.returnPressed.emit()

    def _opened(self) -> None:
        opened(self.window)
        start_hint.keep(self.window.till)
        self.ready_at_ns = time.time_ns()
        self._maybe_ready()

    def _maybe_ready(self) -> None:
        if self.shown_at_ns is not None and self.ready_at_ns is not None and self.on_ready:
            ready, self.on_ready = self.on_ready, None
            ready()


_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING}


def qt_messages(mode, context, message: str) -> None:
    """Qt's own messages go to the log, and warnings also to stderr as before; the offscreen and minimal
    platforms' notice that they cannot pass size hints on (every window, every start) is dropped, so
    stderr holds what matters (a start-up error is one line)."""
    if "propagateSizeHints" in message:
        return
    level = _QT_LEVELS.get(mode, logging.ERROR)
    log.log(level, "Qt: %s", message)
    if level >= logging.WARNING:
        print(message, file=sys.stderr)


def run_gui(path: Path, *, demo: bool = False, smoke_test: bool = False, startup_stamp: Path | None = None) -> int:
    """Run the till window until it is closed.

    smoke_test: exit 0 as soon as the sign-in page has been painted and the database has opened (the
    frozen-app CI check). startup_stamp: write the wall-clock times of both to this JSON file."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("The Till")
    app.setOrganizationName("the-till")
    app.setDesktopFileName("pos-till")  # matches the .desktop entry, so the shell shows the till's icon
    try:
        app.setWindowIcon(QIcon(str(resource_path("icons/till.png"))))
    except FileNotFoundError:
        log.warning("window icon missing")

    sys.excepthook = ErrorDialogs(app, smoke_test)
    previous_handler = qInstallMessageHandler(qt_messages)
    try:
        return _run(app, path, demo, smoke_test, startup_stamp)
    finally:
        qInstallMessageHandler(previous_handler)


def _run(app: QApplication, path: Path, demo: bool, smoke_test: bool, startup_stamp: Path | None) -> int:
    def ready():
        window = start.window
        if startup_stamp:
            startup_stamp.write_text(json.dumps({
                "shown_at_ns": start.shown_at_ns, "ready_at_ns": start.ready_at_ns,
                "painted_before_open": start.hint is not None, "window": window.objectName(),
                "page": window.pages.currentWidget().objectName(), "visible": window.isVisible(),
                "styled": bool(app.styleSheet()), "icon": not app.windowIcon().isNull()}))
        # The bill is built now, while the cashier types a PIN; a smoke test ends once it stands.
        QTimer.singleShot(0, window, lambda: (window.ensure_sale_page(), smoke_test and app.exit(0)))

    start = GuiStart(app, path, demo=demo, smoke_test=smoke_test, on_ready=ready, on_failed=app.exit)
    try:
        start.start()
    except Exception as exc:  # noqa: BLE001 - the database opened first and failed
        return _cannot_start(exc, smoke_test)
    if smoke_test:
        def too_slow():
            print("pos-till: smoke test: the window was not shown within 60 s", file=sys.stderr)
            app.exit(4)

        QTimer.singleShot(60_000, app, too_slow)
    code = app.exec()
    window = start.window
    if smoke_test:
        window.close()
    if window.till is not None:
        window.till.close()
    return code

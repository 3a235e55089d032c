"""The till's main window: sign-in, the sales bill, menus and the status bar.

The window is a thin shell: the bill lives in ``ui/sale_page.py``, manager screens open through
``ui/backoffice.py`` and the sync status through ``ui/sync_status.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.errors import TillError
from ui.activation import activate_now
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from app.till import Till


class SignInPage(QWidget):
    def __init__(self, window: TillWindow, shop_name: str):
        super().__init__()
        self.setObjectName("signInPage")
        self.window_ = window
        self.waiting = False  # Enter was pressed before the database had opened
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        card = QFrame()
        card.setObjectName("signInCard")
        card.setMaximumWidth(420)
        layout = QVBoxLayout(card)
        self.title = QLabel(shop_name)
        self.title.setTextFormat(Qt.PlainText)  # the shop's name and the users' names are shop data
        self.title.setObjectName("signInTitle")
        self.title.setAlignment(Qt.AlignCenter)
        layout.addWidget(self.title)
        hint = QLabel(self.tr("Type your PIN and press Enter to start selling"))
        hint.setAlignment(Qt.AlignCenter)
        hint.setObjectName("signInHint")
        layout.addWidget(hint)
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("pinEdit")
        self.pin_edit.setAccessibleName("PIN")
        self.pin_edit.setEchoMode(QLineEdit.Password)
        self.pin_edit.setAlignment(Qt.AlignCenter)
        self.pin_edit.setPlaceholderText(self.tr("PIN"))
        self.pin_edit.setMaxLength(8)
        self.pin_edit.returnPressed.connect(self._submit)
        layout.addWidget(self.pin_edit)
        self.message = QLabel("")
        self.message.setTextFormat(Qt.PlainText)
        self.message.setObjectName("signInMessageLabel")
        self.message.setWordWrap(True)  # a lockout message is longer than the card is wide
        self.message.setAlignment(Qt.AlignCenter)
        layout.addWidget(self.message)
        outer.addWidget(card, 0, Qt.AlignHCenter)
        outer.addStretch(3)

    def _submit(self):
        if self.window_.till is None:  # still opening: the PIN is kept and tried when it has opened
            self.waiting = True
            return
        pin = self.pin_edit.text()
        self.pin_edit.clear()
        try:
            user = self.window_.till.sign_in(pin)
        except TillError as exc:
            self.message.setText(exc.message)
            return
        self.message.clear()
        self.window_.on_signed_in(user)

    def database_open(self) -> None:
        if self.waiting:
            self.waiting = False
            self._submit()


class _ElidedLabel(QLabel):
    """A one-line label that ends in … when narrower than its text (the whole text is in the tooltip)."""

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        painter.drawText(rect, Qt.AlignVCenter | Qt.AlignLeft,
                         self.fontMetrics().elidedText(self.text(), Qt.ElideRight, rect.width()))


class _FocusReturn(QObject):
    """When a dialog or window the till opened hides, the window it belongs to becomes active again, so the
    next keystroke lands where its focus was (a window manager does this; a bare or kiosk display may not)."""

    def __init__(self, window: TillWindow):
        super().__init__(window)
        self.window_ = window

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Show and watched.isWindow():  # as a window manager activates a new window
            activate_now(watched)
        if event.type() == QEvent.Hide and watched.isWindow():
            parent = watched.parentWidget()
            owner = parent.window() if parent is not None else self.window_
            self.window_.restore_focus(owner)  # now: the next key typed has somewhere to go
            QTimer.singleShot(0, self.window_, lambda: self._again(owner))
        return False

    def _again(self, owner) -> None:
        """Once more after the platform's own activation answers, unless a window opened meanwhile has it."""
        active = QApplication.activeWindow()
        if active is None or not active.isVisible() or active is owner:
            self.window_.restore_focus(owner)


class TillWindow(QMainWindow):
    signed_in = Signal(object)
    signed_out = Signal()
    settings_changed = Signal(dict)  # emitted after a manager saves settings; pages react at once
    changed = Signal(object)  # app.changes.Changes: what a write here or a pull from another till changed
    data_changed = Signal(str)  # compatibility only: a table name emitted here is announced as Changes

    def __init__(self, till: Till | None = None, defer_bill: bool = False, *, shop_name: str = ""):
        """``defer_bill``: build the sale page on first use instead of now, so the sign-in page shows sooner
        (the till builds it right after the first paint, while the cashier types a PIN).

        Without ``till`` this is the window before the database has opened (app/start_hint): the sign-in
        page with ``shop_name``, taking keys; ``attach`` gives it the till."""
        super().__init__()
        self.till = None
        self.setObjectName("tillWindow")
        self.setAccessibleName("Till")
        self._set_title(shop_name)
        self.checkpointer = self.writes = self.reads = self.sync_status = self.integrity = None
        self._dialogs: list = []
        self.data_changed.connect(lambda table: self.announce(Changes.of(table)))
        self._focus_return = _FocusReturn(self)
        self._closed = False
        self._defer_bill = defer_bill

        self.pages = QStackedWidget()
        self.sign_in_page = SignInPage(self, shop_name)
        self.pages.addWidget(self.sign_in_page)
        self._sale_page = None
        self.setCentralWidget(self.pages)

        self.signed_in_label = QLabel(self.tr("Not signed in"))
        self.signed_in_label.setTextFormat(Qt.PlainText)
        self.signed_in_label.setObjectName("signedInLabel")
        self.signed_in_label.setAccessibleName("Signed in user")
        self.statusBar().addWidget(self.signed_in_label)
        self.signed_in_role_label = QLabel("")  # the label above is the person's name alone (UI_CONTRACT.md)
        self.signed_in_role_label.setTextFormat(Qt.PlainText)
        self.signed_in_role_label.setObjectName("signedInRoleLabel")
        self.signed_in_role_label.setAccessibleName("Signed in as")
        self.signed_in_role_label.setProperty("class", "hint")
        self.statusBar().addWidget(self.signed_in_role_label)
        self._build_menus()
        self._set_signed_in(False)
        self.resize(1280, 800)
        if till is not None:
            self.attach(till)

    def _set_title(self, shop_name: str) -> None:
        self.setWindowTitle(self.tr("The Till: {shop}").format(shop=shop_name))

    def attach(self, till: Till) -> None:
        """The database is open: the workers, the sync status and the integrity watch start, and a PIN
        entered while it opened is tried."""
        from app import checkpoint, settings
        from ui.integrity_watch import watch_integrity
        from ui.sync_status import SyncStatus

        self.till = till
        shop_name = settings.shop().shop_name
        if shop_name != self.sign_in_page.title.text():
            self._set_title(shop_name)
            self.sign_in_page.title.setText(shop_name)
        self.checkpointer = checkpoint.Checkpointer()  # the WAL checkpoint: off the sale, off the write worker
        self.writes = TaskRunner(self, threads=1, when_idle=self.checkpointer.request)
        self.reads = TaskRunner(self, threads=2)
        if not self._defer_bill:
            self.ensure_sale_page()
        self.sync_status = SyncStatus(self)
        self.statusBar().addPermanentWidget(self.sync_status.label)
        for warning in till.warnings:
            warn = _ElidedLabel(f"⚠ {warning}")
            warn.setToolTip(warning)
            warn.setMinimumWidth(80)  # the status bar must not make the window wider than a 1024-pixel screen
            warn.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
            warn.setObjectName("demoWarningLabel")
            self.statusBar().addWidget(warn, 1)
        self.integrity = watch_integrity(self)  # a file too big to check before use is checked meanwhile
        self.sync_now_action.setEnabled(True)
        self.sign_in_page.database_open()

    # --- menus -------------------------------------------------------------------------------------------

    def _action(self, menu, name: str, text: str, shortcut: str | None, slot) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ApplicationShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self):
        till_menu = self.menuBar().addMenu(self.tr("&Till"))
        self.sync_now_action = self._action(till_menu, "syncNowAction", self.tr("Sync now"), "Ctrl+Shift+S",
                                            lambda: self.sync_status.sync_now())
        self.sync_now_action.setEnabled(False)  # until the database has opened (attach)
        self.sign_out_action = self._action(till_menu, "signOutAction", self.tr("Sign out"), "Ctrl+L", self.sign_out)
        self.reservations_action = self._action(till_menu, "reservationsAction", self.tr("Reservations…"), "Ctrl+Shift+B",
                                                self.open_reservations)  # every signed-in person: hosts book
        self.bill_menu = self.menuBar().addMenu(self.tr("&Bill"))  # the bill's commands and keys (ui/sale_actions.py)
        if self._sale_page is not None:  # a deferred bill fills it when it is built
            self._sale_page.commands.fill_menu(self.bill_menu)
        manage = self.menuBar().addMenu(self.tr("&Manage"))
        self.settings_action = self._action(manage, "settingsAction", self.tr("Settings…"), "Ctrl+,",
                                            lambda: self.open_manager_screen("settings"))
        self.customers_action = self._action(manage, "customersAction", self.tr("Customers…"), "Ctrl+Shift+C",
                                             lambda: self.open_manager_screen("customers"))
        self.profiles_action = self._action(manage, "profilesAction", self.tr("Customer profiles…"), "Ctrl+Shift+P",
                                            lambda: self.open_manager_screen("profiles"))
        self.reports_action = self._action(manage, "reportsAction", self.tr("Reports…"), "Ctrl+Shift+R",
                                           lambda: self.open_manager_screen("reports"))
        self.staff_action = self._action(manage, "staffAction", self.tr("Staff…"), "Ctrl+Shift+U",
                                         lambda: self.open_manager_screen("staff"))
        self.items_action = self._action(manage, "itemsAction", self.tr("Items…"), "Ctrl+Shift+I",
                                         lambda: self.open_manager_screen("items"))
        self.failed_pins_action = self._action(manage, "failedPinsAction", self.tr("Failed PIN attempts…"), None,
                                               lambda: self.open_manager_screen("failed_pins"))
        self.manager_actions = [self.settings_action, self.customers_action, self.profiles_action,
                                self.reports_action, self.staff_action, self.items_action, self.failed_pins_action]
        self.promotions_action = self._action(manage, "promotionsAction", self.tr("Promotions…"), None,
                                              lambda: self.open_manager_screen("promotions"))
        self.preference_audit_action = self._action(manage, "preferenceAuditAction", self.tr("Preference audit…"), None,
                                                    lambda: self.open_manager_screen("preference_audit"))
        self.manager_actions += [self.promotions_action, self.preference_audit_action]

    # --- the bill ---------------------------------------------------------------------------------------------

    def ensure_sale_page(self):
        if self._sale_page is None:
            from ui.sale_page import SalePage

            self._sale_page = SalePage(self)
            self._sale_page.setEnabled(self.till.user is not None)
            self.pages.addWidget(self._sale_page)
            if getattr(self, "bill_menu", None) is not None:
                self._sale_page.commands.fill_menu(self.bill_menu)
        return self._sale_page

    @property
    def sale_page(self):
        return self.ensure_sale_page()

    # --- sign-in -------------------------------------------------------------------------------------------

    def _set_signed_in(self, on: bool):
        self.pages.setCurrentWidget(self.sale_page if on else self.sign_in_page)
        if self._sale_page is not None:
            self._sale_page.setEnabled(on)
        for action in self.manager_actions + [self.sign_out_action, self.reservations_action]:
            action.setEnabled(on)
        if on:
            self.sale_page.item_code_edit.setFocus()  # the next keystroke or scan goes to the bill
        else:
            self.signed_in_label.setText(self.tr("Not signed in"))
            self.signed_in_role_label.setText("")
            self.sign_in_page.pin_edit.setFocus()

    def on_signed_in(self, user):
        from app import auth

        role = self.tr("Manager") if auth.is_manager(user) else self.tr("Cashier")
        self.signed_in_label.setText(user.name)
        self.signed_in_role_label.setText(role)
        self.sale_page.session_started()
        self._set_signed_in(True)
        self.signed_in.emit(user)

    def sign_out(self):
        self._settle_writes()
        if self._sale_page is not None:  # not taken as "remove the line" when its dialog closes below
            self._sale_page.controller.set_aside_allergen_question()
        for widget in list(self._dialogs):  # the bill's dialogs (payment, picker…) go with the session
            if shiboken6.isValid(widget) and widget.isVisible() and widget.parentWidget() is self:
                widget.close()
        if self._sale_page is not None:
            self._sale_page.park_open_bill()  # the next person starts empty; the bill waits under F6
        self.till.sign_out()
        self._set_signed_in(False)
        self.signed_out.emit()

    # --- manager-only screens ---------------------------------------------------------------------------------

    def run_as_manager(self, what: str, fn) -> None:
        """Run ``fn(manager)`` now if a manager is signed in, else after a manager types their PIN."""
        from app import auth
        from ui.manager_approval import ManagerApprovalDialog

        if auth.is_manager(self.till.user):
            fn(self.till.user)
            return
        dialog = ManagerApprovalDialog(self, what, fn, guard=self.till.lockout)
        self.keep_open(dialog)
        dialog.open()

    def open_manager_screen(self, name: str) -> None:
        from ui import backoffice

        opener, what = backoffice.SCREENS[name]
        self.run_as_manager(what, lambda manager: opener(self, manager))

    def open_reservations(self):
        from ui.reservations_window import open_reservations

        return open_reservations(self)

    def keep_open(self, widget) -> None:
        """Hold a reference to a non-blocking dialog or window until it is closed."""
        self._dialogs.append(widget)
        widget.installEventFilter(self._focus_return)
        widget.destroyed.connect(lambda *_: self._dialogs.remove(widget) if widget in self._dialogs else None)
        widget.setAttribute(Qt.WA_DeleteOnClose, True)

    def announce(self, changes: Changes) -> None:
        """Tell every open view what changed (they reload what it touches)."""
        if changes:
            self.changed.emit(changes)

    def restore_focus(self, owner=None) -> None:
        """A dialog closed: activate ``owner``, the window it was opened over, or a modal dialog still open
        over that window. On the bill, a focus that is nowhere goes back to the item field. (Activation is
        asynchronous on some platforms, so it is asked for, not checked.)"""
        if not self.isVisible():
            return
        owner = owner if owner is not None and shiboken6.isValid(owner) and owner.isVisible() else self
        # a modal dialog still open over the same window (a manager's PIN after the list that asked for it)
        # keeps the keyboard; a separate window that happens to be open (Customers) does not take it
        over_owner = [w for w in self._dialogs if shiboken6.isValid(w) and w.isWindow() and w.isVisible()
                      and w.isModal() and w.parentWidget() is not None and w.parentWidget().window() is owner]
        target = over_owner[-1] if over_owner else owner
        activate_now(target)
        if target is self and self._sale_page is not None and self.pages.currentWidget() is self._sale_page:
            focus = self.focusWidget()
            if focus is None or not focus.isVisible():
                self.sale_page.item_code_edit.setFocus()

    def notify_settings_changed(self, changed: dict) -> None:
        self.settings_changed.emit(changed)

    def show_error(self, title: str, message: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, self)
        box.setObjectName("errorMessageBox")
        self.keep_open(box)
        box.open()
        return box

    def show_info(self, title: str, message: str, name: str = "infoMessageBox") -> QMessageBox:
        box = QMessageBox(QMessageBox.Information, title, message, QMessageBox.Ok, self)
        box.setObjectName(name)
        box.setAccessibleName(title)
        self.keep_open(box)
        box.open()
        return box

    def pending_changes(self) -> int:
        return self.till.pending_changes()

    def _settle_writes(self) -> None:
        """A sale being saved finishes and its result is delivered (its bill cleared), so it is not also
        kept as a held bill."""
        self.writes.wait(10000)
        QCoreApplication.sendPostedEvents(self.writes)

    def closeEvent(self, event):
        """Keep an open bill as a held bill, then stop the workers and close the database (the file is free
        again, also for this process)."""
        if self._closed:
            super().closeEvent(event)
            return
        self._closed = True
        if self.till is None:  # closed before the database had opened: the start-up closes what it opens
            super().closeEvent(event)
            return
        self._settle_writes()
        if self.till.user is not None and self._sale_page is not None:
            self._sale_page.park_open_bill()
        for widget in list(self._dialogs):  # nothing of a closed till stays on the screen
            if shiboken6.isValid(widget) and widget.isVisible():
                widget.close()
        if self.integrity is not None:
            self.integrity.stop()
        self.sync_status.stop()
        self.writes.shutdown(10000)
        self.reads.shutdown(10000)
        self.checkpointer.shutdown()
        self.till.close()
        super().closeEvent(event)

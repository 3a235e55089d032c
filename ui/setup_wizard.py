"""First run (``setupWizard``): set up a new shop on this till, or join a shop that has a central store.

Shown over the sign-in page while the database has no staff. Everything is on one page and reached with
Tab and Enter: the shop (name, currency, phone region, tax), then its first manager (name, PIN twice).
"Join an existing shop" asks for the central store's address and this till's token instead, then fetches
the shop on a worker with a progress bar. Either way the wizard closes onto the sign-in page.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import currencies, settings, shop_setup
from app.changes import NONE, Changes
from app.errors import TillError
from app.sync import state as sync_state
from ui import ops
from ui.form_helpers import (
    InlineMessage,
    hbox,
    mark_invalid,
    named,
    no_auto_default,
    primary,
)
from ui.screen_fit import fit_to_screen
from ui.setup_parts import _card, _hint, _label, _line, _locale_defaults, _section, region_name


class _Relay(QObject):
    progress = Signal(int, str)  # emitted on the worker thread, delivered on the UI thread


class SetupWizard(QDialog):
    FIELD_WIDGETS = {"shop_name": "shop_name_edit", "currency": "currency_combo", "phone_region": "region_combo",
                     "default_tax_rate": "tax_rate_edit", "manager_name": "manager_name_edit",
                     "pin": "manager_pin_edit", "manager_pin_repeat": "manager_pin_repeat_edit"}

    def __init__(self, window, *, join: bool = False):
        super().__init__(window)
        self.window_ = window
        self.busy = False
        self.setObjectName("setupWizard")
        self.setAccessibleName("Set up the till")
        self.setWindowTitle("Set up the Till")
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # its look: resources/till.qss
        fit_to_screen(self, 760, 600)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 18)
        layout.setSpacing(10)
        title = named(QLabel("Welcome to the Till"), "wizardTitle", "Welcome")
        layout.addWidget(title)
        self.subtitle = named(QLabel(""), "wizardSubtitle", "What to do")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)
        self.new_page = self._build_new_shop()
        self.join_page = self._build_join()
        self.pages.addWidget(self.new_page)
        self.pages.addWidget(self.join_page)
        self._relay = _Relay(self)
        self._relay.progress.connect(self._progress)
        window.installEventFilter(self)  # the till window closing takes the wizard with it
        no_auto_default(self)
        if join:
            self.show_join()
        else:
            self.show_new_shop()

    # --- a new shop ------------------------------------------------------------------------------------------

    def _build_new_shop(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)
        currency, region = _locale_defaults()

        shop_card, box = _card()
        box.addWidget(_section("Your shop"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        self.shop_name_edit = _line("shopNameEdit", "Shop name", "e.g. Rosa's Bakery (printed on receipts)")
        self.currency_combo = named(QComboBox(), "currencyCombo", "Currency")
        for code in shop_setup.currency_codes():
            self.currency_combo.addItem(code, code)
            self.currency_combo.setItemData(self.currency_combo.count() - 1, currencies.name(code), Qt.ToolTipRole)
        self.currency_label = QLabel()
        self.currency_label.setTextFormat(Qt.PlainText)
        self.currency_combo.currentTextChanged.connect(lambda code: self.currency_label.setText(currencies.name(code)))
        self.currency_combo.setCurrentText(currency)
        self.region_combo = named(QComboBox(), "phoneRegionCombo", "Phone region")
        for code in shop_setup.region_codes():
            self.region_combo.addItem(code, code)
            self.region_combo.setItemData(self.region_combo.count() - 1, region_name(code), Qt.ToolTipRole)
        self.region_label = QLabel()
        self.region_label.setTextFormat(Qt.PlainText)
        self.region_combo.currentTextChanged.connect(lambda code: self.region_label.setText(region_name(code)))
        self.region_combo.setCurrentText(region)
        self.currency_label.setText(currencies.name(self.currency_combo.currentText()))
        self.region_label.setText(region_name(self.region_combo.currentText()))
        for combo in (self.currency_combo, self.region_combo):
            combo.setMinimumWidth(110)
        self.prices_include_tax_check = named(QCheckBox("Shelf prices include tax"), "pricesIncludeTaxCheck",
                                              "Prices include tax")
        self.prices_include_tax_check.setChecked(True)
        self.tax_rate_edit = _line("defaultTaxRateEdit", "Default tax rate in percent", "e.g. 8.25", length=8)
        self.tax_rate_edit.setMaximumWidth(110)
        tax_unit = QLabel("%  (new items start with this rate)")
        grid.addWidget(_label("Shop name"), 0, 0)
        grid.addWidget(self.shop_name_edit, 0, 1, 1, 3)
        grid.addWidget(_label("Currency"), 1, 0)
        grid.addWidget(self.currency_combo, 1, 1)
        grid.addWidget(self.currency_label, 1, 2, 1, 2)
        grid.addWidget(_label("Phone numbers from"), 2, 0)
        grid.addWidget(self.region_combo, 2, 1)
        grid.addWidget(self.region_label, 2, 2, 1, 2)
        grid.addWidget(_label("Tax"), 3, 0)
        grid.addWidget(self.prices_include_tax_check, 3, 1, 1, 3)
        grid.addWidget(_label("Default tax rate"), 4, 0)
        grid.addWidget(self.tax_rate_edit, 4, 1)
        grid.addWidget(tax_unit, 4, 2, 1, 2)
        grid.setColumnStretch(3, 1)
        box.addLayout(grid)
        outer.addWidget(shop_card)

        manager_card, box = _card()
        box.addWidget(_section("The first manager"))
        box.addWidget(_hint("Managers add staff and items, change settings and approve refunds. Each person "
                            "signs in with their own PIN (4 to 8 digits)."))
        form = QGridLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        self.manager_name_edit = _line("managerNameEdit", "Manager name", "e.g. Rosa Diaz", length=60)
        self.manager_pin_edit = _line("managerPinEdit", "Manager PIN", "4 to 8 digits", password=True, length=8)
        self.manager_pin_repeat_edit = _line("managerPinRepeatEdit", "Manager PIN again", "the same PIN again",
                                             password=True, length=8)
        for edit in (self.manager_pin_edit, self.manager_pin_repeat_edit):
            edit.setMaximumWidth(200)
        for row, (label, edit) in enumerate((("Name", self.manager_name_edit), ("PIN", self.manager_pin_edit),
                                             ("PIN again", self.manager_pin_repeat_edit))):
            form.addWidget(_label(label), row, 0)
            form.addWidget(edit, row, 1, 1, 2 if edit is self.manager_name_edit else 1)
        form.setColumnStretch(2, 1)
        box.addLayout(form)
        outer.addWidget(manager_card)
        outer.addStretch(1)

        self.message = InlineMessage("setupMessageLabel")
        self.message.setTextFormat(Qt.PlainText)
        outer.addWidget(self.message)
        self.join_shop_button = named(QPushButton("Join an existing shop instead…"), "joinShopButton",
                                      "Join an existing shop")
        self.join_shop_button.clicked.connect(self.show_join)
        self.finish_button = primary(named(QPushButton("Finish setup  (Enter)"), "finishSetupButton", "Finish setup"))
        self.finish_button.clicked.connect(self.finish)
        outer.addLayout(hbox(self.join_shop_button, None, self.finish_button))

        self.form_edits = [self.shop_name_edit, self.tax_rate_edit, self.manager_name_edit, self.manager_pin_edit]
        for edit in self.form_edits:
            edit.returnPressed.connect(self.focusNextChild)
        self.manager_pin_repeat_edit.returnPressed.connect(self.finish)
        QWidget.setTabOrder(self.shop_name_edit, self.currency_combo)
        QWidget.setTabOrder(self.currency_combo, self.region_combo)
        QWidget.setTabOrder(self.region_combo, self.prices_include_tax_check)
        QWidget.setTabOrder(self.prices_include_tax_check, self.tax_rate_edit)
        QWidget.setTabOrder(self.tax_rate_edit, self.manager_name_edit)
        QWidget.setTabOrder(self.manager_name_edit, self.manager_pin_edit)
        QWidget.setTabOrder(self.manager_pin_edit, self.manager_pin_repeat_edit)
        QWidget.setTabOrder(self.manager_pin_repeat_edit, self.finish_button)
        QWidget.setTabOrder(self.finish_button, self.join_shop_button)
        return page

    def show_new_shop(self) -> None:
        self.pages.setCurrentWidget(self.new_page)
        self.subtitle.setText("Set up this till for your shop. You can change all of this later in Settings.")
        self.shop_name_edit.setFocus()

    def details(self) -> shop_setup.ShopDetails:
        return shop_setup.ShopDetails(
            shop_name=self.shop_name_edit.text(), currency=self.currency_combo.currentText(),
            phone_region=self.region_combo.currentText(),
            prices_include_tax=self.prices_include_tax_check.isChecked(),
            default_tax_rate=self.tax_rate_edit.text(), manager_name=self.manager_name_edit.text(),
            manager_pin=self.manager_pin_edit.text(), manager_pin_repeat=self.manager_pin_repeat_edit.text())

    def finish(self) -> None:
        if self.busy:
            return
        for attr in self.FIELD_WIDGETS.values():
            mark_invalid(getattr(self, attr), False)
        details = self.details()
        try:
            shop_setup.validate(details)  # cheap checks here, so a mistake is shown at once
        except TillError as exc:
            self._refused(exc)
            return
        self._set_busy(True)
        self.message.ok("Setting up the shop…")
        # what changed is announced once the shop is ready (shop_ready): every table a new shop fills
        ops.write(self.window_, shop_setup.set_up_shop, details, owner=self, changes=NONE).success(
            self._set_up).failure(self._refused).run()

    def _refused(self, exc: Exception) -> None:
        self._set_busy(False)
        self.message.bad(getattr(exc, "message", str(exc)))
        attr = self.FIELD_WIDGETS.get(getattr(exc, "field", None) or "")
        if attr:
            widget = getattr(self, attr)
            mark_invalid(widget, True)
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()

    def _set_up(self, manager) -> None:
        self.busy = False
        self._done(f"{settings.shop().shop_name} is ready. {manager.name}, sign in with your PIN.")

    # --- joining a shop --------------------------------------------------------------------------------------

    def _build_join(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)
        card, box = _card()
        box.addWidget(_section("Join a shop that has a central store"))
        box.addWidget(_hint("The shop's manager makes a token for this till on the central store "
                            "(pos-central enroll-till --store SHOP --till CODE). The till then fetches the shop: "
                            "its staff, items, customers and settings."))
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        self.central_url_edit = _line("centralUrlEdit", "Central store URL", "https://hq.example.com:8700",
                                      length=300)
        self.central_url_edit.setText(sync_state.load().central_url)
        self.till_token_edit = _line("tillTokenEdit", "Till token", "the token printed for this till",
                                     password=True, length=400)
        form.addRow("Central store URL", self.central_url_edit)
        form.addRow("Till token", self.till_token_edit)
        box.addLayout(form)
        self.progress_bar = named(QProgressBar(), "joinProgressBar", "Fetching the shop")
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setVisible(False)
        box.addWidget(self.progress_bar)
        self.progress_label = named(QLabel(""), "joinProgressLabel", "Progress")
        self.progress_label.setTextFormat(Qt.PlainText)
        box.addWidget(self.progress_label)
        outer.addWidget(card)
        outer.addStretch(1)
        self.join_message = InlineMessage("joinMessageLabel")
        self.join_message.setTextFormat(Qt.PlainText)
        outer.addWidget(self.join_message)
        self.back_button = named(QPushButton("Set up a new shop instead"), "newShopButton", "Set up a new shop")
        self.back_button.clicked.connect(self.show_new_shop)
        self.join_button = primary(named(QPushButton("Join  (Enter)"), "joinButton", "Join the shop"))
        self.join_button.clicked.connect(self.join)
        outer.addLayout(hbox(self.back_button, None, self.join_button))
        self.central_url_edit.returnPressed.connect(self.focusNextChild)
        self.till_token_edit.returnPressed.connect(self.join)
        QWidget.setTabOrder(self.central_url_edit, self.till_token_edit)
        QWidget.setTabOrder(self.till_token_edit, self.join_button)
        return page

    def show_join(self) -> None:
        self.pages.setCurrentWidget(self.join_page)
        self.subtitle.setText("Link this till to your shop's central store.")
        (self.till_token_edit if self.central_url_edit.text() else self.central_url_edit).setFocus()

    def join(self) -> None:
        if self.busy:
            return
        url, token = self.central_url_edit.text().strip(), self.till_token_edit.text().strip()
        if not url.startswith(("http://", "https://")):
            self.join_message.bad("The central store URL starts with http:// or https://.")
            self.central_url_edit.setFocus()
            return
        if not token:
            self.join_message.bad("Paste the till token the shop's manager made for this till.")
            self.till_token_edit.setFocus()
            return
        self._set_busy(True)
        self.join_message.clear_message()
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(True)
        path = self.window_.till.path
        ops.write(self.window_, shop_setup.join_shop, path, url, token, self._relay.progress.emit, owner=self,
                  changes=NONE).success(self._joined).failure(self._join_failed).run()

    def _progress(self, percent: int, text: str) -> None:
        self.progress_bar.setValue(percent)
        self.progress_label.setText(text)

    def _join_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.progress_bar.setVisible(False)
        self.progress_label.setText("")
        self.join_message.bad(getattr(exc, "message", str(exc)))
        self.till_token_edit.setFocus()

    def _joined(self, report) -> None:
        self.busy = False
        if shop_setup.needs_setup():
            # linked, but the shop has nobody who can sign in yet: set up its first manager here
            self._set_busy(False)
            self.progress_bar.setVisible(False)
            self.show_new_shop()
            self.shop_name_edit.setText(str(settings.shop().shop_name))
            self.message.bad("Joined, but the shop has no staff yet: set up its first manager here.")
            self.manager_name_edit.setFocus()
            return
        self._done(f"Joined {settings.shop().shop_name}: {report.bootstrapped + report.pulled:,} records fetched. "
                   "Sign in with your PIN.")

    # --- both ------------------------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.finish_button, self.join_button, self.join_shop_button, self.back_button,
                       self.central_url_edit, self.till_token_edit):
            widget.setEnabled(not busy)

    def _done(self, text: str) -> None:
        window = self.window_
        self.accept()
        shop_ready(window, text)

    def eventFilter(self, watched, event):
        if watched is self.window_ and event.type() == QEvent.Close:
            QDialog.done(self, QDialog.Rejected)
        return False

    def reject(self) -> None:
        """Esc or the close box: the till cannot be used without a shop, so closing the wizard closes the
        till (nothing was written). Never while a setup or a download is running."""
        if self.busy:
            return
        super().reject()
        self.window_.close()


def shop_ready(window, text: str = "") -> None:
    """After setup or joining: the open till shows the shop's name and settings, and the sign-in page."""
    values = settings.all_settings()
    title = window.sign_in_page.findChild(QLabel, "signInTitle")
    if title is not None:
        title.setTextFormat(Qt.PlainText)  # shop data, never markup
        title.setText(values["shop_name"])
    window.setWindowTitle(f"The Till: {values['shop_name']}")
    window.notify_settings_changed(values)
    window.announce(Changes.tables(["setting", "user", "item", "customer", "customer_profile"]))
    window.sync_status.refresh()
    message = window.sign_in_page.findChild(QLabel, "signInMessageLabel")
    if message is not None and text:
        message.setTextFormat(Qt.PlainText)
        message.setText(text)
    window.activateWindow()  # the wizard was the active window: give the keyboard back to the till
    window.sign_in_page.pin_edit.setFocus()


def open_if_needed(window) -> SetupWizard | None:
    """Show the wizard when the till has no shop yet (no staff); a till linked to a central store but not
    yet synced opens on the join page."""
    if not shop_setup.needs_setup():
        return None
    from app.sync import engine

    wizard = SetupWizard(window, join=engine.linked())
    window.keep_open(wizard)
    wizard.open()
    (wizard.till_token_edit if engine.linked() else wizard.shop_name_edit).setFocus()
    return wizard

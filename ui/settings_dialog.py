"""Business settings (``settingsDialog``): what the shop is, money and tax, this till, customer defaults.

Update (or F4) saves everything in one transaction (shop-wide settings, this till's own configuration and
the default preferences) and the open till reacts at once through ``window.notify_settings_changed``."""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import plurals, preference_defaults, settings, settings_save
from app.errors import TillError, ValidationError
from app.money import SYMBOLS, format_money
from app.sync import state as sync_state
from ui import ops
from ui.form_helpers import (
    InlineMessage,
    MoneyEdit,
    PageHeader,
    PercentEdit,
    hbox,
    mark_invalid,
    named,
    primary,
)
from ui.screen_fit import fit_to_screen

CURRENCIES = sorted(SYMBOLS) + ["CHF", "NZD", "SGD", "ZAR"]
ROUNDINGS = [(0, QT_TRANSLATE_NOOP("SettingsDialog", "No rounding")),  # translated where shown (self.tr)
             (1, QT_TRANSLATE_NOOP("SettingsDialog", "To the nearest 0.01")),
             (5, QT_TRANSLATE_NOOP("SettingsDialog", "To the nearest 0.05")),
             (10, QT_TRANSLATE_NOOP("SettingsDialog", "To the nearest 0.10")),
             (25, QT_TRANSLATE_NOOP("SettingsDialog", "To the nearest 0.25")),
             (50, QT_TRANSLATE_NOOP("SettingsDialog", "To the nearest 0.50")),
             (100, QT_TRANSLATE_NOOP("SettingsDialog", "To the nearest 1.00"))]
REGIONS = ["US", "CA", "GB", "IE", "AU", "NZ", "IN", "DE", "FR", "ES", "IT", "NL", "JP", "SG", "ZA"]
TILL_CODE = re.compile(r"^[A-Z0-9]{1,8}$")
URL = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/\S*)?$")
NONE_CHOICE = "(no default)"


def _scrolled(page: QWidget) -> QScrollArea:
    """A tab's page scrolls when the screen is lower than the page (a 768-pixel counter screen): the dialog's
    Update button stays on the screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.NoFrame)
    area.setWidget(page)
    return area


class SettingsDialog(QDialog):
    def __init__(self, window, manager):
        super().__init__(window)
        self.window_ = window
        self.manager = manager
        self.setObjectName("settingsDialog")
        self.setAccessibleName("Settings")
        self.setWindowTitle(self.tr("Settings"))
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        fit_to_screen(self, 760, 620, over=window)
        current = settings.shop()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(PageHeader(self.tr("Settings"), self.tr("How this shop sells, charges and looks after its customers")))
        self.tabs = named(QTabWidget(), "settingsTabs", "Settings sections")
        layout.addWidget(self.tabs, 1)
        self._fields: dict[str, tuple[QWidget, int]] = {}  # field -> (widget, tab index) for error display
        self._build_business(current)
        self._build_money(current)
        self._build_till(current)
        self._build_customers(current)
        from ui.printer_settings import PrinterSettingsTab

        self.printer_tab = PrinterSettingsTab(window)
        self.tabs.addTab(_scrolled(self.printer_tab), self.tr("Receipt printer"))
        self._fields["receipt_printer"] = (self.printer_tab.kind_combo, self.tabs.count() - 1)

        self.message = InlineMessage("settingsMessageLabel")
        self.update_button = primary(QPushButton(self.tr("Update (F4)")))
        named(self.update_button, "updateButton", "Update")
        self.update_button.setAutoDefault(False)
        self.update_button.clicked.connect(self.save)
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        layout.addLayout(hbox(self.message, None, close, self.update_button))
        self.show_profile_check.setFocus()  # opens on its first field, not on the tab bar

    # --- the sections ------------------------------------------------------------------------------------

    def _tab(self, title: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(16, 16, 16, 16)
        box.setSpacing(12)
        self.tabs.addTab(_scrolled(page), title)
        return page, box

    def _field(self, form: QFormLayout, label: str, widget: QWidget, key: str, hint: str = "") -> QWidget:
        form.addRow(label, widget)
        if hint:
            note = QLabel(hint)
            note.setProperty("role", "hint")
            note.setWordWrap(True)
            form.addRow("", note)
        self._fields[key] = (widget, self.tabs.count() - 1)
        return widget

    def _build_business(self, current: settings.ShopSettings) -> None:
        _, box = self._tab(self.tr("Business"))
        group = QGroupBox(self.tr("Business Configuration"))
        inner = QVBoxLayout(group)
        self.show_profile_check = named(QCheckBox(self.tr("Show Customer Profile")), "showCustomerProfileCheck",
                                        "Show Customer Profile")
        self.show_profile_check.setChecked(bool(current.show_customer_profile))
        inner.addWidget(self.show_profile_check)
        hint = QLabel(self.tr("On: each bill has a Customer Profile (Retail, Wholesale, Staff…) that sets its prices; it "
                      "starts at the chosen customer's default profile and the cashier can change it. Off: no bill "
                      "has a profile and the dropdown is hidden: items sell at shelf prices (a customer's own item "
                      "prices and category or tier discount still apply). Switching it during a sale re-prices "
                      "the open bill and says so on it."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        inner.addWidget(hint)
        box.addWidget(group)

        receipts = QGroupBox(self.tr("On receipts"))
        form = QFormLayout(receipts)
        self.shop_name_edit = named(QLineEdit(current.shop_name), "shopNameEdit", "Shop name")
        self.shop_name_edit.setMaxLength(80)
        self._field(form, self.tr("Shop name"), self.shop_name_edit, "shop_name")
        self.shop_address_edit = named(QPlainTextEdit(current.shop_address), "shopAddressEdit", "Shop address")
        self.shop_address_edit.setFixedHeight(72)
        self._field(form, self.tr("Address"), self.shop_address_edit, "shop_address")
        self.tax_number_edit = named(QLineEdit(current.shop_tax_number), "shopTaxNumberEdit", "Tax number")
        self.tax_number_edit.setMaxLength(40)
        self._field(form, self.tr("Tax number"), self.tax_number_edit, "shop_tax_number")
        self.region_combo = named(QComboBox(), "phoneRegionCombo", "Phone region")
        regions = REGIONS if current.phone_region in REGIONS else REGIONS + [current.phone_region]
        self.region_combo.addItems(regions)
        self.region_combo.setCurrentText(current.phone_region)
        self._field(form, self.tr("Phone numbers from"), self.region_combo, "phone_region",
                    self.tr("Numbers typed without a country code are read as numbers of this country."))
        box.addWidget(receipts)
        box.addStretch(1)

    def _build_money(self, current: settings.ShopSettings) -> None:
        _, box = self._tab(self.tr("Money and tax"))
        group = QGroupBox(self.tr("Prices and payments"))
        form = QFormLayout(group)
        self.currency_combo = named(QComboBox(), "currencyCombo", "Currency")
        currencies = CURRENCIES if current.currency in CURRENCIES else CURRENCIES + [current.currency]
        for code in currencies:
            self.currency_combo.addItem(f"{code}  {SYMBOLS.get(code, '')}".strip(), code)
        self.currency_combo.setCurrentIndex(currencies.index(current.currency))
        self._field(form, self.tr("Currency"), self.currency_combo, "currency")
        self.rounding_combo = named(QComboBox(), "cashRoundingCombo", "Cash rounding")
        options = ROUNDINGS if any(v == current.cash_rounding for v, _ in ROUNDINGS) else ROUNDINGS + [
            (current.cash_rounding, self.tr("To {units} minor units").format(units=current.cash_rounding))]
        for value, label in options:
            self.rounding_combo.addItem(self.tr(label), value)
        self.rounding_combo.setCurrentIndex([v for v, _ in options].index(current.cash_rounding))
        self._field(form, self.tr("Cash rounding"), self.rounding_combo, "cash_rounding",
                    self.tr("Cash totals are rounded this way; card payments are never rounded."))
        self.tax_inclusive_check = named(QCheckBox(self.tr("Shelf prices include tax")), "pricesIncludeTaxCheck",
                                         "Prices include tax")
        self.tax_inclusive_check.setChecked(bool(current.prices_include_tax))
        self._field(form, self.tr("Tax"), self.tax_inclusive_check, "prices_include_tax")
        self.default_tax_edit = PercentEdit("defaultTaxRateEdit", "Default tax rate")
        self.default_tax_edit.set_bp(current.default_tax_rate_bp)
        self._field(form, self.tr("Default tax rate"), self.default_tax_edit, "default_tax_rate_bp",
                    self.tr("New items start with this tax rate."))
        self.line_discount_edit = PercentEdit("lineDiscountLimitEdit", "Line discount limit")
        self.line_discount_edit.set_bp(current.line_discount_limit_bp)
        self._field(form, self.tr("Line discount limit"), self.line_discount_edit, "line_discount_limit_bp",
                    self.tr("A cashier needs a manager's PIN to give more than this off one line."))
        self.return_limit_edit = MoneyEdit("returnApprovalLimitEdit", "Refund limit", current.currency)
        self.return_limit_edit.set_minor(current.return_approval_limit)
        self._field(form, self.tr("Refund limit"), self.return_limit_edit, "return_approval_limit",
                    self.tr("A cashier needs a manager's PIN to refund more than this on a return."))
        box.addWidget(group)
        box.addStretch(1)

    def _build_till(self, current: settings.ShopSettings) -> None:
        _, box = self._tab(self.tr("This till"))
        group = QGroupBox(self.tr("This till"))
        form = QFormLayout(group)
        self.till_code_edit = named(QLineEdit(sync_state.load().till_code), "tillCodeEdit", "Till code")
        self.till_code_edit.setMaxLength(8)
        self.till_code_edit.textChanged.connect(self._upper_till_code)
        self._field(form, self.tr("Till code"), self.till_code_edit, "till_code",
                    self.tr("Receipts are numbered CODE-1, CODE-2… Use a different code on each till of the shop."))
        box.addWidget(group)
        sync = QGroupBox(self.tr("Central store"))
        form = QFormLayout(sync)
        self.central_url_edit = named(QLineEdit(sync_state.load().central_url), "centralUrlEdit",
                                      "Central store URL")
        self.central_url_edit.setPlaceholderText(self.tr("https://hq.example.com:8700"))
        self._field(form, self.tr("Central store URL"), self.central_url_edit, "central_url",
                    self.tr("Empty: this till works on its own. Link it with 'pos-till enroll' to sync."))
        self.sync_interval_spin = named(QSpinBox(), "syncIntervalSpin", "Sync interval")
        self.sync_interval_spin.setRange(10, 3600)
        self.sync_interval_spin.setSuffix(self.tr(" s"))
        self.sync_interval_spin.setValue(int(current.sync_interval_s))
        self._field(form, self.tr("Sync every"), self.sync_interval_spin, "sync_interval_s",
                    self.tr("How often every till of the shop sends and fetches changes when online."))
        box.addWidget(sync)
        box.addStretch(1)

    def _build_customers(self, current: settings.ShopSettings) -> None:
        _, box = self._tab(self.tr("Customer defaults"))
        group = QGroupBox(self.tr("At the till"))
        inner = QVBoxLayout(group)
        self.ask_allergies_check = named(QCheckBox(self.tr("Ask for allergies when a customer is chosen")),
                                         "askForAllergiesCheck", "Ask for allergies")
        self.ask_allergies_check.setChecked(bool(current.ask_for_allergies))
        inner.addWidget(self.ask_allergies_check)
        box.addWidget(group)
        defaults = QGroupBox(self.tr("Default preferences (a customer's own choice overrides these)"))
        form = QFormLayout(defaults)
        self.preference_editors: dict[str, QWidget] = {}
        for definition in preference_defaults.definitions():
            editor = self._preference_editor(definition)
            self.preference_editors[definition.key] = editor
            form.addRow(definition.label, editor)
            self._fields[definition.key] = (editor, self.tabs.count() - 1)
        box.addWidget(defaults)
        box.addStretch(1)

    def _preference_editor(self, definition) -> QWidget:
        name = "pref_" + re.sub(r"\W", "_", definition.key)
        if definition.value_type == "bool":
            editor = named(QCheckBox(self.tr("On")), name, definition.label)
            editor.setChecked(bool(definition.default))
        elif definition.value_type == "choice":
            editor = named(QComboBox(), name, definition.label)
            editor.addItem(NONE_CHOICE, None)
            for choice in definition.choices:
                editor.addItem(choice, choice)
            editor.setCurrentIndex(max(0, editor.findData(definition.default)))
        else:
            editor = named(QLineEdit(definition.default or ""), name, definition.label)
        return editor

    def _upper_till_code(self, text: str) -> None:
        if text != text.upper():
            self.till_code_edit.setText(text.upper())

    # --- saving ------------------------------------------------------------------------------------------

    def keyPressEvent(self, event):
        # F4 saves from anywhere in the dialog (keys its fields do not use reach the dialog)
        if event.key() == Qt.Key_F4:
            self.save()
            return
        super().keyPressEvent(event)

    def values(self) -> dict:
        """The shop-wide settings as the form shows them."""
        return {
            "show_customer_profile": self.show_profile_check.isChecked(),
            "shop_name": " ".join(self.shop_name_edit.text().split()),
            "shop_address": self.shop_address_edit.toPlainText().strip(),
            "shop_tax_number": self.tax_number_edit.text().strip(),
            "phone_region": self.region_combo.currentText(),
            "currency": self.currency_combo.currentData(),
            "cash_rounding": int(self.rounding_combo.currentData()),
            "prices_include_tax": self.tax_inclusive_check.isChecked(),
            "line_discount_limit_bp": self.line_discount_edit.bp(),
            "default_tax_rate_bp": self.default_tax_edit.bp(),
            "return_approval_limit": self._return_limit(),
            "sync_interval_s": self.sync_interval_spin.value(),
            "ask_for_allergies": self.ask_allergies_check.isChecked(),
        }

    def _return_limit(self) -> int:
        """The refund limit in minor units; -1 (refused as negative, the field marked) when not an amount."""
        if self.return_limit_edit.error() is not None:
            return -1
        return self.return_limit_edit.minor() or 0

    def local_values(self) -> dict:
        return {"till_code": self.till_code_edit.text().strip().upper(),
                "central_url": self.central_url_edit.text().strip().rstrip("/")}

    def preference_values(self) -> dict:
        out = {}
        for key, editor in self.preference_editors.items():
            if isinstance(editor, QCheckBox):
                out[key] = editor.isChecked()
            elif isinstance(editor, QComboBox):
                out[key] = editor.currentData()
            else:
                out[key] = editor.text().strip()
        return out

    def _validate(self, values: dict, local: dict) -> None:
        if not values["shop_name"]:
            raise ValidationError(self.tr("The shop needs a name for its receipts."), "shop_name")
        if not TILL_CODE.match(local["till_code"]):
            raise ValidationError(self.tr("The till code is 1 to 8 letters or digits, e.g. T1."), "till_code")
        if local["central_url"] and not URL.match(local["central_url"]):
            raise ValidationError(self.tr("The central store URL starts with http:// or https:// and names a server."),
                                  "central_url")

    def save(self) -> None:
        values, local, prefs = self.values(), self.local_values(), self.preference_values()
        for widget, _ in self._fields.values():
            mark_invalid(widget, False)
        channel = prefs.get("communication.channel")
        if channel:
            values["default_communication"] = str(channel).lower()
        try:
            local["receipt_printer"] = self.printer_tab.spec()
            self._validate(values, local)
        except TillError as exc:
            self._refused(exc)
            return
        ops.write(self.window_, settings_save.save, values, prefs, local, self.manager, owner=self).success(
            lambda changed: self._saved(changed, values["currency"])).failure(self._refused).run()

    def _refused(self, exc: TillError) -> None:
        self.message.bad(getattr(exc, "message", str(exc)))
        where = self._fields.get(getattr(exc, "field", None) or "")
        if where:
            mark_invalid(where[0], True)
            self.tabs.setCurrentIndex(where[1])
            where[0].setFocus()

    def _saved(self, changed: dict, currency: str) -> None:
        if changed:
            self.message.ok(self.tr("Saved {changes}. Prices show as {example}.").format(
                changes=plurals.count(len(changed), "change"), example=format_money(123456, currency)))
        else:
            self.message.ok(self.tr("Nothing to save: the settings are as shown."))
        self.window_.notify_settings_changed(changed)

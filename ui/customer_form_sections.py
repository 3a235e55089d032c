"""The customer form's Addresses and Preferences tabs (a mixin of ui/customer_form.CustomerForm): the
addresses as table rows, the preferences as overrides of the shop's defaults."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import customers, preferences
from ui.form_helpers import danger, hbox, named, set_role
from ui.i18n import translate
from ui.style import style_class

ADDRESS_COLUMNS = ["kind", "line1", "line2", "city", "region", "postcode", "country", "is_default"]
USE_DEFAULT = "__default__"


def _yes_no(value) -> str:
    if value is None or value == "":
        return translate("CustomerForm", "not set")
    if isinstance(value, bool):
        return translate("CustomerForm", "Yes") if value else translate("CustomerForm", "No")
    return str(value)


class AddressesAndPreferences:
    """Needs ``self.tabs``, ``self._field_tab`` and ``self.customer`` from the form."""

    def _build_addresses(self) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(16, 16, 16, 16)
        self.address_table = named(QTableWidget(0, len(ADDRESS_COLUMNS)), "addressTable", "Addresses")
        self.address_table.setHorizontalHeaderLabels([
            translate("AddressesAndPreferences", "Kind"), translate("AddressesAndPreferences", "Address line 1"),
            translate("AddressesAndPreferences", "Line 2"), translate("AddressesAndPreferences", "City"),
            translate("AddressesAndPreferences", "Region"), translate("AddressesAndPreferences", "Postcode"),
            translate("AddressesAndPreferences", "Country"), translate("AddressesAndPreferences", "Default")])
        self.address_table.verticalHeader().hide()
        self.address_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.address_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        box.addWidget(self.address_table, 1)
        add = named(QPushButton(translate("AddressesAndPreferences", "+ Add address")), "addAddressButton", "Add address")
        remove = danger(named(QPushButton(translate("AddressesAndPreferences", "Remove selected")), "removeAddressButton",
                              "Remove address"))
        add.setAutoDefault(False)
        remove.setAutoDefault(False)
        add.clicked.connect(lambda: self.add_address_row({}))
        remove.clicked.connect(self._remove_address)
        box.addLayout(hbox(add, remove, None))
        self.tabs.addTab(page, translate("AddressesAndPreferences", "Addresses"))
        self._field_tab["addresses"] = 1

    def add_address_row(self, values: dict) -> int:
        row = self.address_table.rowCount()
        self.address_table.insertRow(row)
        kind = QComboBox()
        for k in customers.ADDRESS_KINDS:
            kind.addItem(k.capitalize(), k)
        kind.setCurrentIndex(max(0, kind.findData(values.get("kind", "home"))))
        self.address_table.setCellWidget(row, 0, kind)
        for column, key in enumerate(ADDRESS_COLUMNS[1:-1], start=1):
            item = QTableWidgetItem(values.get(key, "") or "")
            if column == 1:
                item.setData(Qt.UserRole, values.get("id"))
            self.address_table.setItem(row, column, item)
        default = QCheckBox()
        default.setChecked(bool(values.get("is_default")))
        self.address_table.setCellWidget(row, len(ADDRESS_COLUMNS) - 1, default)
        return row

    def _remove_address(self) -> None:
        for row in sorted({i.row() for i in self.address_table.selectedIndexes()}, reverse=True):
            self.address_table.removeRow(row)

    def address_rows(self) -> list[dict]:
        rows = []
        for row in range(self.address_table.rowCount()):
            first = self.address_table.item(row, 1)
            values = {"id": first.data(Qt.UserRole) if first else None,
                      "kind": self.address_table.cellWidget(row, 0).currentData(),
                      "is_default": self.address_table.cellWidget(row, len(ADDRESS_COLUMNS) - 1).isChecked()}
            for column, key in enumerate(ADDRESS_COLUMNS[1:-1], start=1):
                item = self.address_table.item(row, column)
                values[key] = item.text() if item else ""
            rows.append(values)
        return rows

    # --- preferences -------------------------------------------------------------------------------------------

    def _build_preferences(self) -> None:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(16, 16, 16, 16)
        grid.setVerticalSpacing(6)
        heads = [translate("AddressesAndPreferences", "Preference"), translate("AddressesAndPreferences", "This customer"),
                 translate("AddressesAndPreferences", "Shop default")]
        for col, text in enumerate(heads):
            head = QLabel(text)
            style_class(head, "column-head")
            grid.addWidget(head, 0, col)
        self.pref_editors: dict[str, QWidget] = {}
        self.overrides = preferences.overrides_of(self.customer)
        row = 1
        category = None
        for definition in preferences.definitions():
            if definition.category != category:
                category = definition.category
                section = QLabel(category.capitalize())
                style_class(section, "section")
                grid.addWidget(section, row, 0, 1, 3)
                row += 1
            grid.addWidget(QLabel(definition.label), row, 0)
            name = "pref_" + definition.key.replace(".", "_")
            if definition.value_type == "text":
                editor = named(QLineEdit(), name, definition.label)
                editor.setPlaceholderText(translate("AddressesAndPreferences", "Empty: use the shop default"))
                if definition.key in self.overrides:
                    editor.setText(self.overrides[definition.key] or "")
            else:
                editor = named(QComboBox(), name, definition.label)
                shop_default = translate("AddressesAndPreferences", "Shop default ({value})")
                editor.addItem(shop_default.format(value=_yes_no(definition.default)), USE_DEFAULT)
                options = [True, False] if definition.value_type == "bool" else list(definition.choices)
                for option in options:
                    editor.addItem(_yes_no(option), option)
                if definition.key in self.overrides:
                    value = self.overrides[definition.key]
                    index = next((i for i in range(1, editor.count()) if editor.itemData(i) == value
                                  and type(editor.itemData(i)) is type(value)), 0)
                    editor.setCurrentIndex(index)
            self.pref_editors[definition.key] = editor
            grid.addWidget(editor, row, 1)
            default = QLabel(_yes_no(definition.default))
            set_role(default, "hint")
            grid.addWidget(default, row, 2)
            row += 1
        for label in page.findChildren(QLabel):  # preference names and values are shop data, never markup
            label.setTextFormat(Qt.PlainText)
        grid.setRowStretch(row, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, translate("AddressesAndPreferences", "Preferences"))

    def preference_changes(self) -> dict:
        changes = {}
        for key, editor in self.pref_editors.items():
            if isinstance(editor, QLineEdit):
                text = editor.text().strip()
                chosen = text if text else USE_DEFAULT
            else:
                chosen = editor.currentData()
            if chosen == USE_DEFAULT:
                if key in self.overrides:
                    changes[key] = customers.DEFAULT
            elif key not in self.overrides or self.overrides[key] != chosen:
                changes[key] = chosen
        return changes


"""Add or edit a customer (``customerFormDialog``): every field of the customer record, checked as the
user types (a field in error turns red with the reason under it and Save waits), their addresses, and
their preferences as overrides of the shop's defaults."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import categories, customers, dates, loyalty_rules, preferences, profiles, settings
from app.contact import format_phone
from app.errors import ValidationError
from db.models import Customer, CustomerPreference
from ui import ops
from ui.form_helpers import (
    InlineMessage,
    PageHeader,
    avatar,
    choose_open_path,
    danger,
    hbox,
    mark_invalid,
    named,
    primary,
    set_role,
)
from ui.style import style_class

ADDRESS_COLUMNS = ["kind", "line1", "line2", "city", "region", "postcode", "country", "is_default"]
ADDRESS_HEADERS = ["Kind", "Address line 1", "Line 2", "City", "Region", "Postcode", "Country", "Default"]
PHOTO_MAX = 256
USE_DEFAULT = "__default__"


def _yes_no(value) -> str:
    if value is None or value == "":
        return "not set"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


class CustomerForm(QDialog):
    def __init__(self, parent, manager, customer_id: str | None, on_saved=None):
        super().__init__(parent)
        self.manager = manager
        self.on_saved = on_saved
        self.customer: Customer | None = customers.get(customer_id) if customer_id else None
        self.region = settings.shop().phone_region
        self.photo: bytes | None = bytes(self.customer.photo) if self.customer and self.customer.photo else None
        self.errors: dict[str, str] = {}
        self.setObjectName("customerFormDialog")
        self.setAccessibleName("Customer")
        title = f"Edit {self.customer.name}" if self.customer else "New customer"
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(860, 700)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.photo_label = QLabel()
        self.photo_label.setFixedSize(72, 72)
        layout.addLayout(hbox(self.photo_label, PageHeader(title, "Fields marked * are required"), None))
        self.tabs = named(QTabWidget(), "customerFormTabs", "Customer sections")
        layout.addWidget(self.tabs, 1)
        self._field_tab: dict[str, int] = {}
        self._build_details()
        self._build_addresses()
        self._build_preferences()
        self.message = InlineMessage("customerFormMessageLabel")
        self.save_button = primary(named(QPushButton("Save customer"), "saveCustomerButton", "Save customer"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        layout.addLayout(hbox(self.message, None, cancel, self.save_button))
        self._load()
        self._refresh_photo()
        for key in self.edits:
            self.validate_field(key)
        self.message.clear_message()
        self.edits["name"].setFocus()  # typing starts at once

    # --- details ---------------------------------------------------------------------------------------------

    def _build_details(self) -> None:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(16, 16, 16, 16)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(4)
        self.edits: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}

        def line(key, label, placeholder="", row=0, col=0, required=False):
            edit = named(QLineEdit(), f"customer_{key}Edit", label)
            edit.setPlaceholderText(placeholder)
            edit.textChanged.connect(lambda _=None, k=key: self.validate_field(k))
            return self._place(grid, key, label + (" *" if required else ""), edit, row, col)

        line("name", "Name", "First and last name", 0, 0, True)
        line("phone", "Phone", "Working phone, e.g. (555) 010-0001", 0, 1, True)
        line("email", "Email", "name@example.com", 2, 0)
        line("personal_phone", "Personal phone", "Optional", 2, 1)
        line("personal_email", "Personal email", "Optional", 4, 0)

        self.status_combo = named(QComboBox(), "customer_statusCombo", "Status")
        self.status_combo.addItem("Active", "active")
        self.status_combo.addItem("Inactive", "inactive")
        self._place(grid, "status", "Status", self.status_combo, 4, 1)
        self.gender_combo = named(QComboBox(), "customer_genderCombo", "Gender")
        for value in customers.GENDERS:
            self.gender_combo.addItem(value.capitalize() if value else "Not given", value)
        self._place(grid, "gender", "Gender", self.gender_combo, 6, 0)

        born = QWidget()
        self.dob_known = named(QCheckBox("Known"), "customer_dobKnownCheck", "Date of birth known")
        self.dob_edit = named(QDateEdit(), "customer_date_of_birthEdit", "Date of birth")
        self.dob_edit.setCalendarPopup(True)
        self.dob_edit.setDisplayFormat("yyyy-MM-dd")
        self.dob_edit.setMinimumDate(QDate(1900, 1, 1))
        self.dob_edit.setMaximumDate(QDate.currentDate())
        self.dob_edit.setDate(QDate(1990, 1, 1))
        self.dob_known.toggled.connect(self.dob_edit.setVisible)
        self.dob_edit.setVisible(False)
        self.dob_known.toggled.connect(lambda _: self.validate_field("date_of_birth"))
        self.dob_edit.dateChanged.connect(lambda _: self.validate_field("date_of_birth"))
        born.setLayout(hbox(self.dob_known, self.dob_edit, None))
        born.layout().setContentsMargins(0, 0, 0, 0)
        self.edits["date_of_birth"] = self.dob_edit
        self._place(grid, "date_of_birth", "Date of birth", born, 6, 1, register=False)

        self.profile_combo = named(QComboBox(), "customer_default_profileCombo", "Default profile")
        self.profile_combo.addItem("None (shelf prices)", None)
        for p in profiles.all_profiles():
            self.profile_combo.addItem(p.name if p.active else f"{p.name} (inactive)", p.id)
        self._place(grid, "default_profile", "Default profile", self.profile_combo, 8, 0)
        self.category_combo = named(QComboBox(), "customer_categoryCombo", "Category")
        self.category_combo.addItem("None", None)
        for c in categories.all_categories():
            discount = f" · {c.discount_bp / 100:g}% off" if c.discount_bp else ""
            self.category_combo.addItem(f"{c.name}{discount}" + ("" if c.active else " (inactive)"), c.id)
        self._place(grid, "category", "Category", self.category_combo, 8, 1)
        self.tier_combo = named(QComboBox(), "customer_loyalty_tierCombo", "Loyalty tier")
        self.tier_combo.addItem("None", None)
        for t in loyalty_rules.all_tiers():
            self.tier_combo.addItem(t.name, t.id)
        self._place(grid, "loyalty_tier", "Loyalty tier", self.tier_combo, 10, 0)

        self.consent_check = named(QCheckBox("Agrees to marketing messages"), "customer_marketing_consentCheck",
                                   "Marketing consent")
        self.consent_since = QLabel("")
        set_role(self.consent_since, "hint")
        consent = QWidget()
        consent.setLayout(hbox(self.consent_check, self.consent_since, None))
        consent.layout().setContentsMargins(0, 0, 0, 0)
        self._place(grid, "marketing_consent", "Marketing", consent, 10, 1, register=False)

        self.notes_edit = named(QPlainTextEdit(), "customer_notesEdit", "Notes")
        self.notes_edit.setPlaceholderText("Anything the team should know (never a card number)")
        self.notes_edit.setFixedHeight(80)
        self.notes_edit.textChanged.connect(lambda: self.validate_field("notes"))
        self._place(grid, "notes", "Notes", self.notes_edit, 12, 0, span=2)

        photo_buttons = QWidget()
        self.photo_button = named(QPushButton("Choose photo…"), "customerPhotoButton", "Choose photo")
        self.photo_button.setAutoDefault(False)
        self.photo_button.clicked.connect(
            lambda: choose_open_path(self, "Customer photo", "Images (*.png *.jpg *.jpeg *.bmp)", self.set_photo_file))
        self.remove_photo_button = danger(named(QPushButton("Remove photo"), "removePhotoButton", "Remove photo"))
        self.remove_photo_button.setAutoDefault(False)
        self.remove_photo_button.clicked.connect(lambda: self.set_photo(None))
        photo_buttons.setLayout(hbox(self.photo_button, self.remove_photo_button, None))
        photo_buttons.layout().setContentsMargins(0, 0, 0, 0)
        self._place(grid, "photo", "Photo", photo_buttons, 14, 0, register=False)
        grid.setRowStretch(24, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, "Details")

    def _place(self, grid, key, label, widget, row, col, span=1, register=True):
        """A field in the details grid: its caption, the widget, and the reason it is wrong under it."""
        base = (row // 2) * 3
        caption = QLabel(label)
        style_class(caption, "caption")
        grid.addWidget(caption, base, col, 1, span)
        grid.addWidget(widget, base + 1, col, 1, span)
        error = QLabel("")
        set_role(error, "error")
        error.setObjectName(f"customer_{key}Error")
        error.setWordWrap(True)
        grid.addWidget(error, base + 2, col, 1, span)
        error.hide()
        self.error_labels[key] = error
        if register:
            self.edits[key] = widget
        self._field_tab[key] = 0
        return widget

    # --- addresses ---------------------------------------------------------------------------------------------

    def _build_addresses(self) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(16, 16, 16, 16)
        self.address_table = named(QTableWidget(0, len(ADDRESS_COLUMNS)), "addressTable", "Addresses")
        self.address_table.setHorizontalHeaderLabels(ADDRESS_HEADERS)
        self.address_table.verticalHeader().hide()
        self.address_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.address_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        box.addWidget(self.address_table, 1)
        add = named(QPushButton("+ Add address"), "addAddressButton", "Add address")
        remove = danger(named(QPushButton("Remove selected"), "removeAddressButton", "Remove address"))
        add.setAutoDefault(False)
        remove.setAutoDefault(False)
        add.clicked.connect(lambda: self.add_address_row({}))
        remove.clicked.connect(self._remove_address)
        box.addLayout(hbox(add, remove, None))
        self.tabs.addTab(page, "Addresses")
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
        for col, text in enumerate(["Preference", "This customer", "Shop default"]):
            head = QLabel(text)
            style_class(head, "column-head")
            grid.addWidget(head, 0, col)
        self.pref_editors: dict[str, QWidget] = {}
        self.overrides = {}
        if self.customer:
            self.overrides = {p.key: p.value for p in CustomerPreference.live().where(
                CustomerPreference.customer == self.customer)}
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
                editor.setPlaceholderText("Empty: use the shop default")
                if definition.key in self.overrides:
                    editor.setText(self.overrides[definition.key] or "")
            else:
                editor = named(QComboBox(), name, definition.label)
                editor.addItem(f"Shop default ({_yes_no(definition.default)})", USE_DEFAULT)
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
        self.tabs.addTab(scroll, "Preferences")

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

    # --- values and validation ----------------------------------------------------------------------------

    def _load(self) -> None:
        c = self.customer
        if c is None:
            self.consent_since.setText("")
            return
        self.edits["name"].setText(c.name)
        self.edits["phone"].setText(format_phone(c.phone, self.region))
        self.edits["email"].setText(c.email or "")
        self.edits["personal_phone"].setText(format_phone(c.personal_phone, self.region))
        self.edits["personal_email"].setText(c.personal_email or "")
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(c.status)))
        self.gender_combo.setCurrentIndex(max(0, self.gender_combo.findData(c.gender or "")))
        if c.date_of_birth:
            self.dob_known.setChecked(True)
            self.dob_edit.setDate(QDate.fromString(c.date_of_birth, "yyyy-MM-dd"))
        for combo, value in ((self.profile_combo, c.default_profile_id), (self.category_combo, c.category_id),
                             (self.tier_combo, c.loyalty_tier_id)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.consent_check.setChecked(bool(c.marketing_consent))
        if c.marketing_consent_at:
            self.consent_since.setText(f"since {dates.day(c.marketing_consent_at)}")
        self.notes_edit.setPlainText(c.notes or "")
        for address in customers.addresses(c.id):
            self.add_address_row({k: getattr(address, k) for k in ADDRESS_COLUMNS} | {"id": address.id})
        self.dob_edit.setVisible(self.dob_known.isChecked())

    def values(self) -> dict:
        return {
            "name": self.edits["name"].text(),
            "phone": self.edits["phone"].text(),
            "email": self.edits["email"].text(),
            "personal_phone": self.edits["personal_phone"].text(),
            "personal_email": self.edits["personal_email"].text(),
            "status": self.status_combo.currentData(),
            "gender": self.gender_combo.currentData() or None,
            "date_of_birth": self.dob_edit.date().toString("yyyy-MM-dd") if self.dob_known.isChecked() else None,
            "photo": self.photo,
            "notes": self.notes_edit.toPlainText().strip(),
            "marketing_consent": self.consent_check.isChecked(),
            "default_profile": self.profile_combo.currentData(),
            "category": self.category_combo.currentData(),
            "loyalty_tier": self.tier_combo.currentData(),
        }

    def validate_field(self, key: str) -> str:
        """Check one field as typed; show the reason under it. Returns the error ('' when fine)."""
        value = self.values()[key]
        error = ""
        try:
            customers.clean({key: value}, region=self.region, current=self.customer or Customer())
        except ValidationError as exc:
            error = exc.message
        self.errors[key] = error
        label = self.error_labels.get(key)
        if label is not None:
            label.setText(error)
            label.setVisible(bool(error))
            label.setToolTip(error)
        if key in self.edits:
            mark_invalid(self.edits[key], bool(error))
        self.save_button.setEnabled(not any(self.errors.values()))
        if any(self.errors.values()):
            self.message.bad("Correct the fields marked in red to save.")
        else:
            self.message.clear_message()
        return error

    # --- photo ---------------------------------------------------------------------------------------------

    def set_photo_file(self, path: str) -> None:
        image = QImage(path)
        if image.isNull():
            self.message.bad("That file is not a picture the Till can read.")
            return
        self.set_photo(_to_jpeg(image))

    def set_photo(self, data: bytes | None) -> None:
        self.photo = data
        self._refresh_photo()

    def _refresh_photo(self) -> None:
        name = self.edits["name"].text() or (self.customer.name if self.customer else "")
        self.photo_label.setPixmap(avatar(name or "New", self.photo, 72))
        self.remove_photo_button.setEnabled(self.photo is not None)

    # --- save ----------------------------------------------------------------------------------------------

    def save(self) -> None:
        for key in self.edits:
            self.validate_field(key)
        if any(self.errors.values()):
            return None
        ops.write(ops.till_window(self), customers.save_form, self.customer.id if self.customer else None,
                  self.values(), self.address_rows(), self.preference_changes(), self.manager,
                  owner=self).success(self._saved).failure(self._refused).run()
        return None

    def _refused(self, exc) -> None:
        self.message.bad(getattr(exc, "message", str(exc)))
        field = getattr(exc, "field", None)
        if field in self._field_tab:
            self.tabs.setCurrentIndex(self._field_tab[field])
        if field in self.edits:
            mark_invalid(self.edits[field], True)

    def _saved(self, customer) -> None:
        if self.on_saved:
            self.on_saved(customer.id)  # before the op announces the change, which reloads the lists
        self.accept()


def _to_jpeg(image: QImage) -> bytes:
    """A customer photo kept small: at most 256 px on its longer side, JPEG."""
    if max(image.width(), image.height()) > PHOTO_MAX:
        image = image.scaled(PHOTO_MAX, PHOTO_MAX, Qt.KeepAspectRatio, Qt.SmoothTransformation)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "JPEG", 85)
    buffer.close()
    return bytes(data)

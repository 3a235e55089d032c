"""Add or edit a customer (``customerFormDialog``): every field of the customer record, checked as the
user types (a field in error turns red with the reason under it and Save waits), their addresses, and
their preferences as overrides of the shop's defaults."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import categories, customers, dates, loyalty_rules, profiles, settings
from app.contact import format_phone
from app.errors import ValidationError
from ui import ops
from ui.customer_form_sections import ADDRESS_COLUMNS, AddressesAndPreferences
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
from ui.screen_fit import fit_to_screen
from ui.style import style_class

PHOTO_MAX = 256


class CustomerForm(AddressesAndPreferences, QDialog):
    def __init__(self, parent, manager, customer_id: str | None, on_saved=None):
        super().__init__(parent)
        self.manager = manager
        self.on_saved = on_saved
        self.customer = customers.get(customer_id) if customer_id else None
        self.region = settings.shop().phone_region
        self.photo: bytes | None = bytes(self.customer.photo) if self.customer and self.customer.photo else None
        self.errors: dict[str, str] = {}
        self.setObjectName("customerFormDialog")
        self.setAccessibleName("Customer")
        title = f"Edit {self.customer.name}" if self.customer else "New customer"
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        fit_to_screen(self, 860, 700)  # no bigger than a 1024x768 screen leaves

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.photo_label = QLabel()
        self.photo_label.setFixedSize(72, 72)
        layout.addLayout(hbox(self.photo_label, PageHeader(title, self.tr("Fields marked * are required")), None))
        self.tabs = named(QTabWidget(), "customerFormTabs", "Customer sections")
        layout.addWidget(self.tabs, 1)
        self._field_tab: dict[str, int] = {}
        self._build_details()
        self._build_addresses()
        self._build_preferences()
        self.message = InlineMessage("customerFormMessageLabel")
        self.save_button = primary(named(QPushButton(self.tr("Save customer")), "saveCustomerButton", "Save customer"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton(self.tr("Cancel"))
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

        def line(key, accessible, label, placeholder="", row=0, col=0, required=False):
            edit = named(QLineEdit(), f"customer_{key}Edit", accessible)  # the accessible name stays English
            edit.setPlaceholderText(placeholder)
            edit.textChanged.connect(lambda _=None, k=key: self.validate_field(k))
            return self._place(grid, key, label + (" *" if required else ""), edit, row, col)

        line("name", "Name", self.tr("Name"), self.tr("First and last name"), 0, 0, True)
        line("phone", "Phone", self.tr("Phone"), self.tr("Working phone, e.g. (555) 010-0001"), 0, 1, True)
        line("email", "Email", self.tr("Email"), self.tr("name@example.com"), 2, 0)
        line("personal_phone", "Personal phone", self.tr("Personal phone"), self.tr("Optional"), 2, 1)
        line("personal_email", "Personal email", self.tr("Personal email"), self.tr("Optional"), 4, 0)

        self.status_combo = named(QComboBox(), "customer_statusCombo", "Status")
        self.status_combo.addItem(self.tr("Active"), "active")
        self.status_combo.addItem(self.tr("Inactive"), "inactive")
        self._place(grid, "status", self.tr("Status"), self.status_combo, 4, 1)
        self.gender_combo = named(QComboBox(), "customer_genderCombo", "Gender")
        for value in customers.GENDERS:
            self.gender_combo.addItem(value.capitalize() if value else self.tr("Not given"), value)
        self._place(grid, "gender", self.tr("Gender"), self.gender_combo, 6, 0)

        born = QWidget()
        self.dob_known = named(QCheckBox(self.tr("Known")), "customer_dobKnownCheck", "Date of birth known")
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
        self._place(grid, "date_of_birth", self.tr("Date of birth"), born, 6, 1, register=False)

        self.profile_combo = named(QComboBox(), "customer_default_profileCombo", "Default profile")
        self.profile_combo.addItem(self.tr("None (shelf prices)"), None)
        for p in profiles.all_profiles():
            self.profile_combo.addItem(p.name if p.active else self.tr("{name} (inactive)").format(name=p.name), p.id)
        self._place(grid, "default_profile", self.tr("Default profile"), self.profile_combo, 8, 0)
        self.category_combo = named(QComboBox(), "customer_categoryCombo", "Category")
        self.category_combo.addItem(self.tr("None"), None)
        for c in categories.all_categories():
            discount = f" · {c.discount_bp / 100:g}% off" if c.discount_bp else ""
            self.category_combo.addItem(f"{c.name}{discount}" + ("" if c.active else " (inactive)"), c.id)
        self._place(grid, "category", self.tr("Category"), self.category_combo, 8, 1)
        self.tier_combo = named(QComboBox(), "customer_loyalty_tierCombo", "Loyalty tier")
        self.tier_combo.addItem(self.tr("None"), None)
        for t in loyalty_rules.all_tiers():
            self.tier_combo.addItem(t.name, t.id)
        self._place(grid, "loyalty_tier", self.tr("Loyalty tier"), self.tier_combo, 10, 0)

        self.consent_check = named(QCheckBox(self.tr("Agrees to marketing messages")), "customer_marketing_consentCheck",
                                   "Marketing consent")
        self.consent_since = QLabel("")
        set_role(self.consent_since, "hint")
        consent = QWidget()
        consent.setLayout(hbox(self.consent_check, self.consent_since, None))
        consent.layout().setContentsMargins(0, 0, 0, 0)
        self._place(grid, "marketing_consent", self.tr("Marketing"), consent, 10, 1, register=False)

        self.notes_edit = named(QPlainTextEdit(), "customer_notesEdit", "Notes")
        self.notes_edit.setPlaceholderText(self.tr("Anything the team should know (never a card number)"))
        self.notes_edit.setFixedHeight(80)
        self.notes_edit.textChanged.connect(lambda: self.validate_field("notes"))
        self._place(grid, "notes", self.tr("Notes"), self.notes_edit, 12, 0, span=2)

        photo_buttons = QWidget()
        self.photo_button = named(QPushButton(self.tr("Choose photo…")), "customerPhotoButton", "Choose photo")
        self.photo_button.setAutoDefault(False)
        self.photo_button.clicked.connect(
            lambda: choose_open_path(self, self.tr("Customer photo"), "Images (*.png *.jpg *.jpeg *.bmp)", self.set_photo_file))
        self.remove_photo_button = danger(named(QPushButton(self.tr("Remove photo")), "removePhotoButton", "Remove photo"))
        self.remove_photo_button.setAutoDefault(False)
        self.remove_photo_button.clicked.connect(lambda: self.set_photo(None))
        photo_buttons.setLayout(hbox(self.photo_button, self.remove_photo_button, None))
        photo_buttons.layout().setContentsMargins(0, 0, 0, 0)
        self._place(grid, "photo", self.tr("Photo"), photo_buttons, 14, 0, register=False)
        grid.setRowStretch(24, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, self.tr("Details"))

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
            self.consent_since.setText(self.tr("since {day}").format(day=dates.day(c.marketing_consent_at)))
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
            customers.clean_field(key, value, region=self.region, current=self.customer)
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
            self.message.bad(self.tr("Correct the fields marked in red to save."))
        else:
            self.message.clear_message()
        return error

    # --- photo ---------------------------------------------------------------------------------------------

    def set_photo_file(self, path: str) -> None:
        image = QImage(path)
        if image.isNull():
            self.message.bad(self.tr("That file is not a picture the Till can read."))
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

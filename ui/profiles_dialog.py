"""Customer Profiles master (``customerProfilesDialog``): add, edit, deactivate and reactivate the profiles
a bill can be rung up under, each with its pricing rule (none, a price list, or a percentage discount).

A deactivated profile leaves the bill's dropdown at once (the save is a write op announcing its Changes)
but stays on old bills and in reports."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app import categories, plurals, profiles
from app.errors import TillError, ValidationError
from app.profiles import RULES, ProfileValues
from ui import ops
from ui.form_helpers import (
    STATUS_ROLE,
    InlineMessage,
    PageHeader,
    PercentEdit,
    StatusBadgeDelegate,
    hbox,
    mark_invalid,
    named,
    primary,
    set_role,
)
from ui.style import style_class

NAME, RULE, STATUS = range(3)
ID_ROLE = Qt.UserRole + 1


class ProfilesModel(QAbstractTableModel):
    def headers(self) -> tuple[str, ...]:
        return self.tr("Profile"), self.tr("Price rule"), self.tr("Status")

    def __init__(self):
        super().__init__()
        self.rows: list = []
        self.show_inactive = True

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = profiles.all_profiles(include_inactive=self.show_inactive)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 3

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        profile = self.rows[index.row()]
        if role == ID_ROLE:
            return profile.id
        if role in (Qt.DisplayRole, Qt.AccessibleTextRole):
            if index.column() == NAME:
                return profile.name
            if index.column() == RULE:
                return profiles.describe_rule(profile)
            return self.tr("Active") if profile.active else self.tr("Inactive")
        if role == STATUS_ROLE and index.column() == STATUS:
            return "active" if profile.active else "inactive"
        if role == Qt.ToolTipRole and index.column() == NAME:
            return profile.description or None
        return None

    def row_of(self, profile_id: str) -> int:
        return next((n for n, p in enumerate(self.rows) if p.id == profile_id), -1)


class ProfilesDialog(QDialog):
    def __init__(self, window, manager):
        super().__init__(window)
        self.window_ = window
        self.manager = manager
        self.current_id: str | None = None
        self.setObjectName("customerProfilesDialog")
        self.setAccessibleName("Customer profiles")
        self.setWindowTitle(self.tr("Customer profiles"))
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(920, 560)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.addWidget(PageHeader(self.tr("Customer profiles"),
                                   self.tr("The price rule a bill is rung up under. Deactivate a profile to stop "
                                   "offering it; old bills keep it.")))
        body = QHBoxLayout()
        outer.addLayout(body, 1)

        left = QVBoxLayout()
        self.model = ProfilesModel()
        self.view = named(QTableView(), "profilesView", "Profiles")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.setItemDelegateForColumn(STATUS, StatusBadgeDelegate(self.view))
        header = self.view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.setSectionResizeMode(NAME, QHeaderView.Stretch)
        header.setSectionResizeMode(RULE, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(STATUS, QHeaderView.Fixed)
        header.resizeSection(STATUS, 110)
        self.view.verticalHeader().setDefaultSectionSize(36)
        left.addWidget(self.view, 1)
        self.show_inactive_check = named(QCheckBox(self.tr("Show inactive profiles")), "showInactiveProfilesCheck",
                                         "Show inactive profiles")
        self.show_inactive_check.setChecked(True)
        self.show_inactive_check.toggled.connect(self._toggle_inactive)
        self.new_button = named(QPushButton(self.tr("+ New profile")), "newProfileButton", "New profile")
        self.new_button.setAutoDefault(False)
        self.new_button.clicked.connect(self.start_new)
        left.addLayout(hbox(self.show_inactive_check, None, self.new_button))
        body.addLayout(left, 3)

        panel = QFrame()
        panel.setObjectName("sidePanel")
        form_box = QVBoxLayout(panel)
        form_box.setContentsMargins(16, 14, 16, 14)
        self.form_title = QLabel(self.tr("New profile"))
        style_class(self.form_title, "form-title")
        form_box.addWidget(self.form_title)
        form = QFormLayout()
        form.setVerticalSpacing(8)
        self.name_edit = named(QLineEdit(), "profileNameEdit", "Profile name")
        self.name_edit.setMaxLength(profiles.MAX_NAME)
        self.name_edit.setPlaceholderText(self.tr("e.g. Wholesale"))
        self.name_edit.textChanged.connect(self._validate_live)
        self.name_edit.returnPressed.connect(self.save)  # keyboard first: type the name, Enter saves it
        form.addRow(self.tr("Name"), self.name_edit)
        self.name_error = QLabel("")
        set_role(self.name_error, "error")
        form.addRow("", self.name_error)
        self.active_check = named(QCheckBox(self.tr("Active: offered on the bill")), "profileActiveCheck", "Profile active")
        self.active_check.setChecked(True)
        form.addRow(self.tr("Status"), self.active_check)
        self.rule_combo = named(QComboBox(), "profileRuleCombo", "Price rule")
        for key, label in RULES.items():
            self.rule_combo.addItem(label, key)
        self.rule_combo.currentIndexChanged.connect(self._rule_changed)
        form.addRow(self.tr("Price rule"), self.rule_combo)
        self.discount_edit = PercentEdit("profileDiscountEdit", "Discount")
        self.discount_label = QLabel(self.tr("Discount"))
        form.addRow(self.discount_label, self.discount_edit)
        self.price_list_combo = named(QComboBox(), "profilePriceListCombo", "Price list")
        self.price_list_label = QLabel(self.tr("Price list"))
        form.addRow(self.price_list_label, self.price_list_combo)
        self.description_edit = named(QPlainTextEdit(), "profileDescriptionEdit", "Description")
        self.description_edit.setFixedHeight(64)
        self.description_edit.setPlaceholderText(self.tr("What the cashier should know, e.g. 'Trade customers with an account'"))
        form.addRow(self.tr("Description"), self.description_edit)
        form_box.addLayout(form)
        self.usage_label = named(QLabel(""), "profileUsageLabel", "Profile usage")
        set_role(self.usage_label, "hint")
        form_box.addWidget(self.usage_label)
        form_box.addStretch(1)
        self.message = InlineMessage("profileMessageLabel")
        form_box.addWidget(self.message)
        self.save_button = primary(named(QPushButton(self.tr("Save profile")), "saveProfileButton", "Save profile"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        form_box.addLayout(hbox(None, self.save_button))
        body.addWidget(panel, 2)

        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self._load_price_lists()
        self.model.reload()
        self.start_new()

    # --- list ----------------------------------------------------------------------------------------------

    def _load_price_lists(self) -> None:
        self.price_list_combo.clear()
        for price_list in categories.all_price_lists(include_inactive=False):
            self.price_list_combo.addItem(price_list.name, price_list.id)

    def _toggle_inactive(self, on: bool) -> None:
        self.model.show_inactive = on
        self.model.reload()
        self._select(self.current_id)

    def _select(self, profile_id: str | None) -> None:
        row = self.model.row_of(profile_id) if profile_id else -1
        if row >= 0:
            self.view.selectRow(row)
            self.view.setCurrentIndex(self.model.index(row, NAME))
        else:
            self.view.clearSelection()

    def _row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.load(current.data(ID_ROLE))

    def select_profile(self, name: str) -> None:
        """Select a profile by name (for keyboard users and tests)."""
        row = next((n for n, p in enumerate(self.model.rows) if p.name == name), -1)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, NAME))

    # --- form ----------------------------------------------------------------------------------------------

    def start_new(self) -> None:
        self.current_id = None
        self.view.clearSelection()
        self.form_title.setText(self.tr("New profile"))
        self.name_edit.clear()
        self.active_check.setChecked(True)
        self.rule_combo.setCurrentIndex(0)
        self.discount_edit.set_bp(0)
        self.description_edit.clear()
        self.usage_label.setText("")
        self.message.clear_message()
        self._rule_changed()
        self.name_edit.setFocus()

    def load(self, profile_id: str) -> None:
        profile = profiles.get(profile_id)
        self.current_id = profile.id
        self.form_title.setText(profile.name)
        self.name_edit.setText(profile.name)
        self.active_check.setChecked(bool(profile.active))
        self.rule_combo.setCurrentIndex(self.rule_combo.findData(profile.rule))
        self.discount_edit.set_bp(profile.discount_bp)
        if profile.price_list_id and self.price_list_combo.findData(profile.price_list_id) < 0:
            self.price_list_combo.addItem(profile.price_list.name + " (inactive)", profile.price_list_id)
        self.price_list_combo.setCurrentIndex(max(0, self.price_list_combo.findData(profile.price_list_id)))
        self.description_edit.setPlainText(profile.description)
        used = profiles.bills_using(profile.id)
        self.usage_label.setText(self.tr("Used on {bills}.").format(bills=plurals.count(used, "bill")) if used
                                 else self.tr("Not used on any bill yet."))
        self.message.clear_message()
        self._rule_changed()

    def _rule_changed(self, *_):
        rule = self.rule_combo.currentData()
        for widget in (self.discount_edit, self.discount_label):
            widget.setVisible(rule == "discount")
        for widget in (self.price_list_combo, self.price_list_label):
            widget.setVisible(rule == "price_list")

    def values(self) -> ProfileValues:
        return ProfileValues(self.name_edit.text(), self.active_check.isChecked(), self.rule_combo.currentData(),
                             self.discount_edit.bp(), self.price_list_combo.currentData(),
                             self.description_edit.toPlainText())

    def _validate_live(self, *_):
        """As the user types: a name is required and must not be another profile's."""
        try:
            profiles.validate(ProfileValues(self.name_edit.text() or " ", rule="none"), self.current_id)
            error = "" if self.name_edit.text().strip() else "A profile needs a name."
        except ValidationError as exc:
            error = exc.message if exc.field == "name" else ""
        self.name_error.setText(error)
        mark_invalid(self.name_edit, bool(error))
        self.save_button.setEnabled(not error)

    def save(self) -> None:
        was_new = self.current_id is None
        try:
            profiles.validate(self.values(), self.current_id)  # bad input is refused at once
        except TillError as exc:
            self._refused(exc)
            return
        ops.write(self.window_, profiles.save, self.values(), self.manager, self.current_id, owner=self).success(
            lambda profile: self._saved(profile, was_new)).failure(self._refused).run()

    def _refused(self, exc) -> None:
        self.message.bad(getattr(exc, "message", str(exc)))
        if getattr(exc, "field", None) == "name":
            mark_invalid(self.name_edit, True)

    def _saved(self, profile, was_new: bool) -> None:
        self.current_id = profile.id
        self.model.reload()
        self._select(profile.id)
        self.load(profile.id)
        state = "active" if profile.active else "inactive: no longer offered on the bill"
        self.message.ok(f"{'Added' if was_new else 'Saved'} {profile.name} ({state}).")

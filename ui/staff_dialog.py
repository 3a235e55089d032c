"""Staff (``staffDialog``): who may sign in, as Cashier or Manager, with which PIN.

The list (``staffView``, one row per person) and a form beside it. ``newStaffButton`` starts a new person;
choosing a row edits that person; an empty PIN keeps the current one. Saving runs on the write worker
(checking a PIN against every active person's hash takes a few milliseconds each); the rules and their
messages are app/staff.py's.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
)

from app import auth, shop_setup, staff
from app.changes import Changes
from app.errors import TillError
from ui import ops
from ui.form_helpers import (
    EnterSavesForm,
    InlineMessage,
    PageHeader,
    hbox,
    list_table,
    mark_invalid,
    named,
    no_auto_default,
    primary,
)
from ui.screen_fit import fit_to_screen

ID_ROLE = Qt.UserRole + 1


class StaffDialog(EnterSavesForm, QDialog):
    def __init__(self, window, manager):
        super().__init__(window)
        self.window_ = window
        self.manager = manager
        self.editing: str | None = None  # the id of the person in the form; None: a new person
        self.read_only: str | None = None
        self.rows: list[staff.StaffRow] = []
        self.busy = False
        self.setObjectName("staffDialog")
        self.setAccessibleName("Staff")
        self.setWindowTitle(self.tr("Staff"))
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        fit_to_screen(self, 900, 560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.new_button = primary(named(QPushButton(self.tr("+ New person  (Ctrl+N)")), "newStaffButton", "New person"))
        self.new_button.setShortcut("Ctrl+N")
        self.new_button.clicked.connect(self.new_person)
        layout.addLayout(hbox(PageHeader(self.tr("Staff"), self.tr("Everyone who signs in to the till, with their own PIN")), None,
                              self.new_button))

        self.view = list_table("staffView", [self.tr("Name"), self.tr("Role"), self.tr("Status")], row_height=34, stretch=0)
        self.view.setAccessibleName("Staff")
        self.view.itemSelectionChanged.connect(self._chosen)
        self.view.activated.connect(lambda _: self.name_edit.setFocus())  # Enter or double-click: edit them

        panel = QFrame()
        panel.setObjectName("sidePanel")
        self.form_panel = panel
        panel.setMinimumWidth(340)
        side = QVBoxLayout(panel)
        side.setContentsMargins(16, 14, 16, 14)
        self.form_title = QLabel(self.tr("<b>New person</b>"))
        side.addWidget(self.form_title)
        form = QFormLayout()
        self.name_edit = named(QLineEdit(), "staffNameEdit", "Name")
        self.name_edit.setMaxLength(60)
        self.role_combo = named(QComboBox(), "staffRoleCombo", "Role")
        self.role_combo.addItem(self.tr("Cashier"), auth.CASHIER)
        self.role_combo.addItem(self.tr("Manager"), auth.MANAGER)
        self.pin_edit = named(QLineEdit(), "staffPinEdit", "PIN")
        self.pin_edit.setEchoMode(QLineEdit.Password)
        self.pin_edit.setMaxLength(8)
        self.active_check = named(QCheckBox(self.tr("Active (may sign in)")), "staffActiveCheck", "Active")
        self.active_check.setChecked(True)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Role"), self.role_combo)
        form.addRow(self.tr("PIN"), self.pin_edit)
        form.addRow("", self.active_check)
        side.addLayout(form)
        self.pin_hint = QLabel("")
        self.pin_hint.setProperty("role", "hint")
        self.pin_hint.setWordWrap(True)
        side.addWidget(self.pin_hint)
        self.message = InlineMessage("staffMessageLabel")
        self.message.setTextFormat(Qt.PlainText)
        side.addWidget(self.message)
        side.addStretch(1)
        self.save_button = primary(named(QPushButton(self.tr("Save  (Enter)")), "saveStaffButton", "Save person"))
        self.save_button.clicked.connect(self.save)
        side.addLayout(hbox(None, self.save_button))
        layout.addLayout(hbox(self.view, panel), 1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(None, close))
        for edit in (self.name_edit, self.pin_edit):
            edit.returnPressed.connect(self.save)
        no_auto_default(self)
        self.new_person()
        self.load()
        self.read_only = shop_setup.head_office_refusal("staff and PINs")
        if self.read_only:  # a counter till shows the staff list, but changes come from the office till
            self.message.bad(self.read_only)
            for widget in (self.save_button, self.new_button):
                widget.setEnabled(False)

    # --- the list ---------------------------------------------------------------------------------------------

    def load(self, select: str | None = None) -> None:
        self.window_.reads.submit(staff.list_staff, owner=self, on_done=lambda rows: self._fill(rows, select))

    def _fill(self, rows: list[staff.StaffRow], select: str | None) -> None:
        self.rows = rows
        self.view.blockSignals(True)
        self.view.setRowCount(len(rows))
        for r, person in enumerate(rows):
            name = QTableWidgetItem(person.name)
            name.setData(ID_ROLE, person.id)
            self.view.setItem(r, 0, name)
            self.view.setItem(r, 1, QTableWidgetItem(person.role_label))
            status = QTableWidgetItem(self.tr("Active") if person.active else self.tr("Inactive"))
            if not person.active:
                status.setForeground(Qt.gray)
            self.view.setItem(r, 2, status)
            if person.id == select:
                self.view.selectRow(r)
        self.view.blockSignals(False)

    def _chosen(self) -> None:
        items = self.view.selectedItems()
        if not items:
            return
        person_id = self.view.item(items[0].row(), 0).data(ID_ROLE)
        person = next((p for p in self.rows if p.id == person_id), None)
        if person is not None:
            self.edit_person(person)

    # --- the form ---------------------------------------------------------------------------------------------

    def _clear_marks(self) -> None:
        for widget in (self.name_edit, self.role_combo, self.pin_edit, self.active_check):
            mark_invalid(widget, False)

    def new_person(self) -> None:
        self.editing = None
        self.view.clearSelection()
        self.form_title.setText(self.tr("<b>New person</b>"))
        self.name_edit.clear()
        self.role_combo.setCurrentIndex(0)
        self.pin_edit.clear()
        self.pin_edit.setPlaceholderText(self.tr("4 to 8 digits"))
        self.pin_hint.setText(self.tr("Each active person has their own PIN."))
        self.active_check.setChecked(True)
        if not getattr(self, "read_only", None):
            self.message.clear_message()
        self._clear_marks()
        self.name_edit.setFocus()

    def edit_person(self, person: staff.StaffRow) -> None:
        self.editing = person.id
        self.form_title.setText(self.tr("<b>Edit person</b>"))
        self.name_edit.setText(person.name)
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(person.role)))
        self.pin_edit.clear()
        self.pin_edit.setPlaceholderText(self.tr("empty: keep the current PIN"))
        self.pin_hint.setText(self.tr("Type a new PIN to reset it; leave it empty to keep the current one."))
        self.active_check.setChecked(person.active)
        if not self.read_only:
            self.message.clear_message()
        self._clear_marks()

    def save(self) -> None:
        if self.busy or self.read_only:
            return
        self.busy = True
        self.save_button.setEnabled(False)
        self._clear_marks()
        ops.write(self.window_, staff.save_staff, self.editing, self.name_edit.text(), self.role_combo.currentData(),
                  self.pin_edit.text(), self.active_check.isChecked(), self.manager, owner=self,
                  changes=Changes.tables(["user"])).success(self._saved).failure(self._refused).run()

    def _saved(self, person: staff.StaffRow) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        created = self.editing is None
        self.edit_person(person)
        state = "" if person.active else " (inactive: cannot sign in)"
        self.message.ok(f"{'Added' if created else 'Saved'} {person.name}, {person.role_label}{state}.")
        self.load(select=person.id)

    def _refused(self, exc: Exception) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if not isinstance(exc, TillError):
            raise exc
        self.message.bad(exc.message)
        widget = {"name": self.name_edit, "role": self.role_combo, "pin": self.pin_edit,
                  "active": self.active_check}.get(getattr(exc, "field", None) or "")
        if widget is not None:
            mark_invalid(widget, True)
            widget.setFocus()

"""The customer picker (F2): search by name, phone or email as you type; Enter picks; quick add.

Searches run on the read worker; each keystroke's search carries a number and results of an older
keystroke that arrive late are dropped, so the list always matches what is in the box. Inactive customers
are listed (greyed, "Inactive") but refused with the reason.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import customer_search, customers, settings
from app.contact import format_phone
from app.customer_search import CustomerHit
from app.errors import TillError
from ui import ops
from ui.style import style_class

COL_NAME, COL_PHONE, COL_EMAIL, COL_STATUS = range(4)
CustomerIdRole = Qt.UserRole + 1
ActiveRole = Qt.UserRole + 2
_GREY, _GREEN = QBrush(QColor("#9ca3af")), QBrush(QColor("#15803d"))
# Plain ints and prebuilt flags: a view asks data() hundreds of times a paint, and comparing or combining
# Qt's enums in Python costs more than the rest of it.
_DISPLAY, _FOREGROUND, _HORIZONTAL = int(Qt.DisplayRole), int(Qt.ForegroundRole), Qt.Horizontal
_FLAGS, _NO_FLAGS = Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemNeverHasChildren, Qt.NoItemFlags
CustomerIdRole, ActiveRole = int(CustomerIdRole), int(ActiveRole)


@lru_cache(maxsize=4096)
def _phone_text(phone: str | None, region: str) -> str:
    return format_phone(phone, region)


class CustomerResultsModel(QAbstractTableModel):
    HEADERS = ["Name", "Phone", "Email", "Status"]

    def __init__(self, region: str, parent=None):
        super().__init__(parent)
        self.region = region
        self.hits: list[CustomerHit] = []
        self._texts: list[tuple[str, str, str, str]] = []

    def set_hits(self, hits: list[CustomerHit]) -> None:
        # The shown texts are made once per result: a view calls data() many times a paint.
        self.beginResetModel()
        self.hits = list(hits)
        self._texts = [(h.name, _phone_text(h.phone, self.region), h.email or "",
                        "Active" if h.active else "Inactive") for h in self.hits]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == _HORIZONTAL and int(role) == _DISPLAY and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def flags(self, index):
        return _FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index, role=Qt.DisplayRole):
        row = index.row()
        if not 0 <= row < len(self.hits):
            return None
        role = int(role)
        if role == _DISPLAY:
            return self._texts[row][index.column()]
        if role == _FOREGROUND:
            if not self.hits[row].active:
                return _GREY
            return _GREEN if index.column() == COL_STATUS else None
        if role == CustomerIdRole:
            return self.hits[row].id
        if role == ActiveRole:
            return self.hits[row].active
        return None


def _pronoun(customer) -> str:
    return {"female": "her", "male": "him"}.get(getattr(customer, "gender", None) or "", "them")


class CustomerPickerDialog(QDialog):
    picked = Signal(str)  # the customer's id

    def __init__(self, window, initial_text: str = ""):
        super().__init__(window)
        self.window_ = window
        self.setObjectName("customerPickerDialog")
        self.setAccessibleName("Choose a customer")
        self.setWindowTitle("Choose a customer")
        self.setWindowModality(Qt.WindowModal)
        self.resize(760, 520)
        self._generation = 0
        self._shown_generation = 0
        self._pick_when_ready = False
        self._duplicate = None
        self.region = settings.shop().phone_region

        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)

        # --- search page
        search_page = QWidget()
        layout = QVBoxLayout(search_page)
        heading = QLabel("Find a customer")
        heading.setObjectName("pickerHeading")
        style_class(heading, "heading")
        layout.addWidget(heading)
        self.search_edit = QLineEdit(initial_text)
        self.search_edit.setObjectName("customerSearchEdit")
        self.search_edit.setAccessibleName("Search customers")
        self.search_edit.setPlaceholderText("Name, phone (any format) or email…")
        self.search_edit.setClearButtonEnabled(True)
        style_class(self.search_edit, "search")
        self.search_edit.textChanged.connect(self._search)
        self.search_edit.installEventFilter(self)
        layout.addWidget(self.search_edit)
        self.results_model = CustomerResultsModel(self.region, self)
        self.results_view = QTableView()
        self.results_view.setObjectName("customerResultsView")
        self.results_view.setAccessibleName("Customers found")
        self.results_view.setModel(self.results_model)
        self.results_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.results_view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.results_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.results_view.verticalHeader().setVisible(False)
        self.results_view.setShowGrid(False)
        self.results_view.setAlternatingRowColors(True)
        header = self.results_view.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.Stretch)
        header.setSectionResizeMode(COL_EMAIL, QHeaderView.Stretch)
        # Fixed widths: sizing to contents measured every row at each keystroke.
        self.results_view.ensurePolished()
        metrics = self.results_view.fontMetrics()
        for column, sample in ((COL_PHONE, "+44 (0) 7700 900 000"), (COL_STATUS, "Inactive")):
            header.setSectionResizeMode(column, QHeaderView.Fixed)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 28)
        self.results_view.doubleClicked.connect(lambda index: self.pick_row(index.row()))
        self.results_view.installEventFilter(self)
        layout.addWidget(self.results_view, 1)
        self.message = QLabel("")
        self.message.setTextFormat(Qt.PlainText)  # names customers: shop data, never markup
        self.message.setObjectName("pickerMessageLabel")
        self.message.setWordWrap(True)
        style_class(self.message, "error")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        hint = QLabel("↑↓ choose · Enter pick · Esc close")
        style_class(hint, "hint")
        row.addWidget(hint)
        row.addStretch(1)
        self.new_button = QPushButton("New customer  (F4)")
        self.new_button.setObjectName("newCustomerButton")
        self.new_button.setAccessibleName("New customer")
        self.new_button.clicked.connect(self.show_quick_add)
        self.close_button = QPushButton("Close  (Esc)")
        self.close_button.clicked.connect(self.reject)
        for button in (self.new_button, self.close_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        self.pages.addWidget(search_page)

        # --- quick add page
        add_page = QWidget()
        form_outer = QVBoxLayout(add_page)
        add_heading = QLabel("New customer")
        style_class(add_heading, "heading")
        form_outer.addWidget(add_heading)
        hint2 = QLabel("A name and a phone number are enough; the rest can wait.")
        style_class(hint2, "hint")
        form_outer.addWidget(hint2)
        form = QFormLayout()
        self.new_name_edit = QLineEdit()
        self.new_name_edit.setObjectName("newCustomerNameEdit")
        self.new_name_edit.setAccessibleName("New customer's name")
        self.new_phone_edit = QLineEdit()
        self.new_phone_edit.setObjectName("newCustomerPhoneEdit")
        self.new_phone_edit.setAccessibleName("New customer's phone")
        self.new_email_edit = QLineEdit()
        self.new_email_edit.setObjectName("newCustomerEmailEdit")
        self.new_email_edit.setAccessibleName("New customer's email")
        self.new_email_edit.setPlaceholderText("optional")
        for edit in (self.new_name_edit, self.new_phone_edit, self.new_email_edit):
            edit.returnPressed.connect(self.save_new)
        form.addRow("Name", self.new_name_edit)
        form.addRow("Phone", self.new_phone_edit)
        form.addRow("Email", self.new_email_edit)
        form_outer.addLayout(form)
        self.add_message = QLabel("")
        self.add_message.setTextFormat(Qt.PlainText)
        self.add_message.setObjectName("quickAddMessageLabel")
        self.add_message.setWordWrap(True)
        style_class(self.add_message, "error")
        form_outer.addWidget(self.add_message)
        self.use_existing_button = QPushButton("")
        self.use_existing_button.setObjectName("useExistingCustomerButton")
        self.use_existing_button.setVisible(False)
        self.use_existing_button.clicked.connect(self._use_existing)
        form_outer.addWidget(self.use_existing_button)
        form_outer.addStretch(1)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        self.back_button = QPushButton("Back  (Esc)")
        self.back_button.clicked.connect(self.show_search)
        self.save_new_button = QPushButton("Add and use  (Enter)")
        self.save_new_button.setObjectName("saveNewCustomerButton")
        self.save_new_button.clicked.connect(self.save_new)
        for button in (self.back_button, self.save_new_button):
            button.setAutoDefault(False)
            add_row.addWidget(button)
        form_outer.addLayout(add_row)
        self.pages.addWidget(add_page)

        if initial_text:
            self._search(initial_text)

    # --- searching ---------------------------------------------------------------------------------------------

    def _search(self, text: str) -> None:
        self.message.clear()
        self._pick_when_ready = False
        self._generation += 1
        generation = self._generation
        if not text.strip():
            self._show(generation, [])
            return
        self.window_.reads.submit(
            customer_search.search, text, 20, self.region,
            owner=self, on_done=lambda hits: self._show(generation, hits),
            on_error=lambda exc: self.message.setText(f"Search failed: {exc}"),
        )

    def _show(self, generation: int, hits) -> None:
        if generation < self._shown_generation or generation != self._generation:
            return  # an older keystroke's answer arriving late
        self._shown_generation = generation
        self.results_model.set_hits(hits)
        if hits:
            self.results_view.selectRow(0)
        elif self.search_edit.text().strip():
            self.message.setText("No customer found. F4 adds a new one.")
        if self._pick_when_ready:
            self._pick_when_ready = False
            self.pick_row(0)

    def is_current(self) -> bool:
        """The results shown answer what is typed now (tests wait on this)."""
        return self._shown_generation == self._generation

    def current_row(self) -> int:
        index = self.results_view.currentIndex()
        return index.row() if index.isValid() else (0 if self.results_model.hits else -1)

    def pick_row(self, row: int) -> None:
        if not 0 <= row < len(self.results_model.hits):
            return
        hit = self.results_model.hits[row]
        if not hit.active:
            self.message.setText(
                f"{hit.name} is inactive and cannot be put on a bill. A manager can reactivate the customer "
                "in Manage › Customers.")
            return
        self.accept()
        self.picked.emit(hit.id)

    # --- keys ------------------------------------------------------------------------------------------------

    def eventFilter(self, watched, event):
        if event.type() == event.Type.KeyPress and watched in (self.search_edit, self.results_view):
            key = event.key()
            if key in (Qt.Key_Down, Qt.Key_Up) and watched is self.search_edit:
                rows = len(self.results_model.hits)
                if rows:
                    row = self.current_row() + (1 if key == Qt.Key_Down else -1)
                    self.results_view.selectRow(max(0, min(rows - 1, row)))
                return True
            if key in (Qt.Key_Return, Qt.Key_Enter):
                if not self.is_current():
                    self._pick_when_ready = True  # Enter typed before the results: pick the first one
                    return True
                self.pick_row(self.current_row())
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_F4 and self.pages.currentIndex() == 0:
            self.show_quick_add()
            return
        if event.key() == Qt.Key_Escape and self.pages.currentIndex() == 1:
            self.show_search()
            return
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            return  # Enter belongs to the fields (picking or saving), never closes the dialog by accident
        super().keyPressEvent(event)

    # --- quick add ----------------------------------------------------------------------------------------------

    def show_quick_add(self) -> None:
        typed = self.search_edit.text().strip()
        self.new_name_edit.clear()
        self.new_phone_edit.clear()
        self.new_email_edit.clear()
        if customer_search.looks_like_phone(typed):
            self.new_phone_edit.setText(typed)
        elif "@" in typed:
            self.new_email_edit.setText(typed)
        else:
            self.new_name_edit.setText(typed)
        self._set_duplicate(None)
        self.add_message.clear()
        self.pages.setCurrentIndex(1)
        (self.new_phone_edit if self.new_name_edit.text() else self.new_name_edit).setFocus()

    def show_search(self) -> None:
        self.pages.setCurrentIndex(0)
        self.search_edit.setFocus()

    def _set_duplicate(self, customer) -> None:
        self._duplicate = customer
        self.use_existing_button.setVisible(customer is not None)
        if customer is not None:
            self.use_existing_button.setText(f"Use {customer.name}")

    def save_new(self) -> None:
        values = {"name": self.new_name_edit.text(), "phone": self.new_phone_edit.text()}
        if self.new_email_edit.text().strip():
            values["email"] = self.new_email_edit.text()
        try:
            customers.clean(values)  # bad input and a phone someone already has are answered at once
        except TillError as exc:
            self._refused(exc)
            return
        ops.write(self.window_, customers.create, values, self.window_.till.user, owner=self).success(
            self._created).failure(self._refused).run()

    def _refused(self, exc) -> None:
        if isinstance(exc, customers.DuplicatePhone):
            existing = exc.existing
            self._set_duplicate(existing)
            state = "" if existing.status == "active" else " (inactive)"
            self.add_message.setText(f"This phone belongs to {existing.name}{state}: use {_pronoun(existing)}?")
            return
        self._set_duplicate(None)
        self.add_message.setText(getattr(exc, "message", str(exc)))

    def _created(self, created) -> None:
        self.accept()
        self.picked.emit(created.id)

    def _use_existing(self) -> None:
        if self._duplicate is None:
            return
        if self._duplicate.status != "active":
            self.add_message.setText(f"{self._duplicate.name} is inactive and cannot be put on a bill.")
            return
        self.accept()
        self.picked.emit(self._duplicate.id)

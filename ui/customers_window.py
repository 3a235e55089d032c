"""The Customers module (``customersWindow``): tabs All / Active / Inactive, search by name, email or phone,
and a list that stays fast at a million customers; add, edit, view, delete, duplicates, pricing and
loyalty, import and export.

The list model holds only the ordered rowids of the current tab, search, segment and profile (fetched off
the UI thread) and reads the rows it shows a page at a time, keeping a bounded cache. A long list comes in
two steps (app/segment_lists.head): its count and first rows, shown at once, then all its rowids.
"""

from __future__ import annotations

from array import array

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import customer_list, dates, plurals, profiles, segment_lists, segments, settings
from app.contact import format_phone
from ui.customers_actions import CustomerActions
from ui.form_helpers import (
    PageHeader,
    StatusBadgeDelegate,
    avatar,
    danger,
    hbox,
    named,
    primary,
)

PHOTO, NAME, EMAIL, PHONE, STATUS, CREATED = range(6)
ID_ROLE = Qt.UserRole + 1
ROWID_ROLE = Qt.UserRole + 2
PAGE = 64
CACHE_LIMIT = 4000


class CustomerListModel(QAbstractTableModel):
    """Rows are customers in name order; only the rowids are held, rows are read on demand."""

    HEADERS = ("", "Name", "Email", "Phone", "Status", "Customer since")
    loaded = Signal(int)  # the number of rows after a reload
    failed = Signal(str)

    def __init__(self, runner):
        super().__init__()
        self.runner = runner
        self.rowids = array("q")
        self.total = 0  # rows in the list; more than len(rowids) while only its head is read
        self._partial = False  # only the head of the list is shown (its rows just read)
        self._cache: dict[int, customer_list.ListRow] = {}
        self._generation = 0
        self.loading = False
        self.region = settings.shop().phone_region

    # --- loading -----------------------------------------------------------------------------------------

    def reload(self, status: str | None, search: str, segment: str | None = None,
               profile_id: str | None = None) -> None:
        """Fetch the rowids for this tab, search, segment and profile on a worker; stale answers are dropped.
        A long list's count and first rows come first (``loaded`` is emitted for them, ``loading`` stays
        True), then the whole list."""
        self._generation += 1
        generation = self._generation
        self.loading = True
        self._partial = False  # a head still on screen belongs to the list being replaced
        args = (segment, profile_id, status, search, self.region)
        self.runner.submit(segment_lists.head, *args, owner=self,
                           on_done=lambda head: self._head(generation, head, args),
                           on_error=lambda exc: self._failed(generation, exc))

    def _head(self, generation: int, head: segment_lists.Head | None, args: tuple) -> None:
        if generation != self._generation:
            return
        if head is not None and len(head.rowids) >= head.count:
            self._loaded(generation, head.rowids)  # the head is the whole list
            return
        if head is not None:
            self.beginResetModel()
            self.rowids, self.total = head.rowids, head.count
            self._cache.clear()
            self.endResetModel()
            self._partial = True
            self.loaded.emit(head.count)
        self.runner.submit(segments.ids, *args, owner=self, on_done=lambda ids: self._loaded(generation, ids),
                           on_error=lambda exc: self._failed(generation, exc))

    def stop(self) -> None:
        """Drop any answer still on its way (the window is closing)."""
        self._generation += 1

    def _loaded(self, generation: int, rowids: array) -> None:
        if generation != self._generation:
            return
        if self._partial and len(rowids) == self.total and self.rowids == rowids[:len(self.rowids)]:
            self.rowids = rowids  # the rest of the list its head began: rows on screen stay as they are
            if rowids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rowids) - 1, len(self.HEADERS) - 1))
        else:
            self.beginResetModel()
            self.rowids, self.total = rowids, len(rowids)
            self._cache.clear()
            self.endResetModel()
        self._partial = False
        self.loading = False
        self.loaded.emit(len(rowids))

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self.loading = False
            self.failed.emit(getattr(exc, "message", str(exc)))

    def refresh_rows(self) -> None:
        """Forget cached rows (after an edit) and repaint."""
        self._cache.clear()
        if self.total:
            self.dataChanged.emit(self.index(0, 0), self.index(self.total - 1, len(self.HEADERS) - 1))

    def _row(self, row: int) -> customer_list.ListRow | None:
        if row >= len(self.rowids):  # beyond the head: shown once the whole list is read
            return None
        rowid = self.rowids[row]
        found = self._cache.get(rowid)
        if found is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            start = max(0, row - PAGE // 4)
            page = list(self.rowids[start:start + PAGE])
            self._cache.update(customer_list.rows(page))
            found = self._cache.get(rowid)
        return found

    # --- the model -----------------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rowids):
            return None  # out of range, or not read yet
        if role == ROWID_ROLE:
            return self.rowids[index.row()]
        if role not in (Qt.DisplayRole, Qt.DecorationRole, Qt.AccessibleTextRole, ID_ROLE, Qt.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:  # deleted meanwhile
            return None
        column = index.column()
        if role == ID_ROLE:
            return row.id
        if role == Qt.DecorationRole:
            return avatar(row.name, row.photo, 32) if column == PHOTO else None
        if role == Qt.ToolTipRole:
            return row.name if column == NAME else None
        if column == PHOTO:
            return None if role == Qt.DisplayRole else f"Photo of {row.name}"
        if column == NAME:
            return row.name
        if column == EMAIL:
            return row.email or ""
        if column == PHONE:
            return format_phone(row.phone, self.region)
        if column == STATUS:
            return row.badge
        if column == CREATED:
            return dates.day(dates.stored(row.created_at)) if row.created_at else ""
        return None

    def row_of_id(self, customer_id: str) -> int:
        rowid = customer_list.rowid_of(customer_id)
        if rowid is None:
            return -1
        try:
            return self.rowids.index(rowid)
        except ValueError:
            return -1


TABS = [("All", None), ("Active", "active"), ("Inactive", "inactive")]


class CustomersWindow(CustomerActions, QWidget):
    def __init__(self, window, manager):
        super().__init__(window, Qt.Window)
        self.window_ = window
        self.manager = manager
        self._select_after_load: str | None = None
        self.setObjectName("customersWindow")
        self.setAccessibleName("Customers")
        self.setWindowTitle(self.tr("Customers"))
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(1180, 720)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        self.header = PageHeader(self.tr("Customers"), "")
        self.new_button = primary(named(QPushButton(self.tr("+ New customer")), "newCustomerButton", "New customer"))
        self.new_button.clicked.connect(self.add_customer)
        layout.addLayout(hbox(self.header, None, self.new_button))

        self.search_edit = named(QLineEdit(), "customerListSearchEdit", "Search customers")
        self.search_edit.setPlaceholderText(self.tr("Search by name, email or phone…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(360)
        self.search_edit.textChanged.connect(lambda _: self._search_timer.start())
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self.reload)
        self.view_button = named(QPushButton(self.tr("View")), "viewCustomerButton", "View customer")
        self.edit_button = named(QPushButton(self.tr("Edit")), "editCustomerButton", "Edit customer")
        self.delete_button = danger(named(QPushButton(self.tr("Delete")), "deleteCustomerButton", "Delete customer"))
        self.duplicates_button = named(QPushButton(self.tr("Duplicates…")), "duplicatesButton", "Find duplicates")
        self.pricing_button = named(QPushButton(self.tr("Categories, prices && loyalty…")), "pricingButton",
                                    "Categories, prices and loyalty")
        self.import_button = named(QPushButton(self.tr("Import…")), "importCustomersButton", "Import customers")
        self.export_button = named(QPushButton(self.tr("Export…")), "exportCustomersButton", "Export customers")
        self.view_button.clicked.connect(self.view_customer)
        self.edit_button.clicked.connect(self.edit_customer)
        self.delete_button.clicked.connect(self.delete_customer)
        self.duplicates_button.clicked.connect(self.open_duplicates)
        self.pricing_button.clicked.connect(self.open_pricing)
        self.import_button.clicked.connect(self.open_import)
        self.export_button.clicked.connect(lambda: self.export_csv())
        layout.addLayout(hbox(self.search_edit, None, self.view_button, self.edit_button, self.delete_button))
        self.search_edit.setFocus()  # the window opens ready to search: typing finds the customer

        self.tabs = named(QTabBar(), "customerStatusTabs", "Customer status")
        for label in (self.tr("All"), self.tr("Active"), self.tr("Inactive")):  # in the order of TABS
            self.tabs.addTab(label)
        self.tabs.setExpanding(False)
        self.tabs.currentChanged.connect(lambda _: self.reload())
        self.count_label = named(QLabel(""), "customerCountLabel", "Customers shown")
        self.count_label.setProperty("role", "hint")
        self.segment_combo = named(QComboBox(), "customerSegmentCombo", "Customer segment")
        self.segment_combo.addItem(self.tr("All segments"), None)
        for segment in segments.SEGMENTS:
            self.segment_combo.addItem(segments.LABELS[segment], segment)
        self.profile_filter_combo = named(QComboBox(), "customerProfileFilterCombo", "Customer profile filter")
        self._fill_profiles()
        self.segment_combo.currentIndexChanged.connect(lambda _: self.reload())
        self.profile_filter_combo.currentIndexChanged.connect(lambda _: self.reload())
        layout.addLayout(hbox(self.tabs, self.segment_combo, self.profile_filter_combo, None, self.count_label))

        self.model = CustomerListModel(window.reads)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(
            lambda message: self.count_label.setText(self.tr("Could not load: {message}").format(message=message)))
        self.view = named(QTableView(), "customerListView", "Customers")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setIconSize(QSize(32, 32))
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(44)
        self.view.setItemDelegateForColumn(STATUS, StatusBadgeDelegate(self.view))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        for column, width in ((PHOTO, 52), (NAME, 260), (EMAIL, 300), (PHONE, 170), (STATUS, 120)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        # Enter, and a double-click: the row the keyboard is on, selected or not
        self.view.activated.connect(lambda index: self.view_customer(self.model.data(index, ID_ROLE)))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.view, 1)
        layout.addLayout(hbox(self.duplicates_button, self.pricing_button, None, self.import_button,
                              self.export_button))
        window.changed.connect(self._data_changed)
        self._update_buttons()
        self.reload()

    # --- list ------------------------------------------------------------------------------------------------

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape:  # as the reservations window: Esc gives the till back
            self.close()
        elif (event.key() in (Qt.Key_Down, Qt.Key_Return, Qt.Key_Enter) and self.search_edit.hasFocus()
              and self.model.rowCount()):  # from the search to its results, as in Items; Enter there opens
            self.view.setFocus()
            if self.current_id() is None:
                self.view.selectRow(0)
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event):
        self._closing = True
        self.model.stop()
        super().closeEvent(event)

    def status(self) -> str | None:
        return TABS[self.tabs.currentIndex()][1]

    def segment(self) -> str | None:
        return self.segment_combo.currentData()

    def profile_filter(self) -> str | None:
        return self.profile_filter_combo.currentData()

    def _fill_profiles(self) -> None:
        chosen = self.profile_filter_combo.currentData()
        self.profile_filter_combo.blockSignals(True)
        self.profile_filter_combo.clear()
        self.profile_filter_combo.addItem(self.tr("All profiles"), None)
        for profile in sorted(profiles.all_profiles(), key=lambda p: p.name):
            self.profile_filter_combo.addItem(profile.name, profile.id)
        found = self.profile_filter_combo.findData(chosen)
        self.profile_filter_combo.setCurrentIndex(max(found, 0))
        self.profile_filter_combo.blockSignals(False)

    def reload(self) -> None:
        self.count_label.setText(self.tr("Loading…"))
        self.model.reload(self.status(), self.search_edit.text(), self.segment(), self.profile_filter())

    def _loaded(self, count: int) -> None:
        what = plurals.count(count, "customer")
        if self.segment():
            what += f" · {segments.LABELS[self.segment()]}, {segments.ORDER[self.segment()]}"
        if self.profile_filter():
            what += f" · profile {self.profile_filter_combo.currentText()}"
        if self.search_edit.text().strip():
            what += f" matching “{self.search_edit.text().strip()}”"
        self.count_label.setText(what)
        self.header.set_subtitle(self.tr("Everyone who has shopped with you: find, add, edit and look after them"))
        if self._select_after_load and not self.model.loading:  # the whole list, not only its head
            self.select_customer(self._select_after_load)
            self._select_after_load = None
        self._update_buttons()

    def select_customer(self, customer_id: str) -> bool:
        row = self.model.row_of_id(customer_id)
        if row < 0:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, NAME))
        return True

    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.data(index, ID_ROLE)

    def _update_buttons(self) -> None:
        chosen = self.current_id() is not None
        for button in (self.view_button, self.edit_button, self.delete_button):
            button.setEnabled(chosen)

    def _data_changed(self, changes) -> None:
        if "customer_profile" in changes:
            self._fill_profiles()
        if changes.any_of("customer", "customer_stats"):
            self.reload()

    def after_save(self, customer_id: str) -> None:
        self._select_after_load = customer_id  # the save's op announces the change: the list reloads

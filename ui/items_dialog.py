"""Items (``itemsDialog``): the catalogue, searched as you type, and a form to add or change an item.

The list model holds only the ordered rowids of the current search (fetched off the UI thread, like the
customers list) and reads the rows it shows a page at a time, so 200,000 items scroll and search at once.
Saving runs on the write worker; a saved item sells at once on the open bill (the bill looks items up on
every scan) and the save (an op) announces the changed items to the open views.
"""

from __future__ import annotations

from array import array

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app import items, plurals, settings, shop_setup
from app.changes import Changes
from app.errors import TillError
from app.money import format_money
from app.shop_setup import format_percent
from ui import ops
from ui.form_helpers import (
    EnterSavesForm,
    InlineMessage,
    PageHeader,
    hbox,
    mark_invalid,
    named,
    no_auto_default,
    primary,
)
from ui.screen_fit import fit_to_screen
from ui.style import style_class

CODE, NAME, PRICE, TAX, ALLERGENS, TAGS, STATUS = range(7)
ID_ROLE = Qt.UserRole + 1
PAGE = 64
CACHE_LIMIT = 4000


class ItemListModel(QAbstractTableModel):
    def headers(self) -> tuple[str, ...]:
        return (self.tr("Code"), self.tr("Name"), self.tr("Price"), self.tr("Tax"), self.tr("Allergens"),
                self.tr("Tags"), self.tr("Status"))
    loaded = Signal(int)

    def __init__(self, runner, currency: str):
        super().__init__()
        self.runner = runner
        self.currency = currency
        self.rowids = array("q")
        self._cache: dict[int, items.ListRow] = {}
        self._generation = 0
        self.loading = False

    def reload(self, search: str) -> None:
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.runner.submit(items.ids, search, owner=self, on_done=lambda ids: self._loaded(generation, ids))

    def _loaded(self, generation: int, rowids: array) -> None:
        if generation != self._generation:
            return  # a later search is on its way
        self.beginResetModel()
        self.rowids = rowids
        self._cache.clear()
        self.endResetModel()
        self.loading = False
        self.loaded.emit(len(rowids))

    def _row(self, row: int) -> items.ListRow | None:
        rowid = self.rowids[row]
        found = self._cache.get(rowid)
        if found is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            start = max(0, row - PAGE // 4)
            self._cache.update(items.rows(self.rowids[start:start + PAGE]))
            found = self._cache.get(rowid)
        return found

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rowids)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 7

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rowids):
            return None
        if role not in (Qt.DisplayRole, ID_ROLE, Qt.TextAlignmentRole, Qt.ForegroundRole):
            return None
        column = index.column()
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter) if column in (PRICE, TAX) else None
        row = self._row(index.row())
        if row is None:
            return None
        if role == ID_ROLE:
            return row.id
        if role == Qt.ForegroundRole:
            return Qt.gray if not row.active else None
        return (row.code, row.name, format_money(row.price, self.currency), f"{format_percent(row.tax_rate_bp)} %",
                row.allergens, row.tags, self.tr("Active") if row.active else self.tr("Inactive"))[column]

    def row_of(self, item_id: str) -> int:
        rowid = items.rowid_of(item_id)
        try:
            return -1 if rowid is None else self.rowids.index(rowid)
        except ValueError:
            return -1


class ItemsDialog(EnterSavesForm, QDialog):
    FIELDS = {"code": "code_field", "name": "name_field", "price": "price_field", "barcodes": "barcode_field",
              "tax_rate": "tax_rate_field", "allergens": "allergens_field", "tags": "tags_field"}

    def __init__(self, window, manager):
        super().__init__(window)
        self.window_ = window
        self.manager = manager
        self.editing: str | None = None
        self.busy = False
        self._select_after_load: str | None = None
        self._wanted: str | None = None  # the item whose record is being read for the form
        self.currency = settings.shop().currency
        self.setObjectName("itemsDialog")
        self.setAccessibleName("Items")
        self.setWindowTitle(self.tr("Items"))
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        fit_to_screen(self, 1120, 680)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        self.header = PageHeader(self.tr("Items"), "")
        self.import_button = named(QPushButton(self.tr("Import CSV…")), "importItemsButton", "Import items")
        self.import_button.clicked.connect(self.open_import)
        self.new_button = primary(named(QPushButton(self.tr("+ New item  (Ctrl+N)")), "newItemButton", "New item"))
        self.new_button.setShortcut("Ctrl+N")
        self.new_button.clicked.connect(self.new_item)
        layout.addLayout(hbox(self.header, None, self.import_button, self.new_button))

        self.search_edit = named(QLineEdit(), "itemSearchEdit", "Search items")
        self.search_edit.setPlaceholderText(self.tr("Search by name, code or barcode…  (↓ goes to the list)"))
        self.search_edit.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=120)
        self._search_timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _: self._search_timer.start())
        self.search_edit.installEventFilter(self)

        self.model = ItemListModel(window.reads, self.currency)
        self.model.loaded.connect(self._loaded)
        self.view = named(QTableView(), "itemsView", "Items")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(30)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        for column, width in ((CODE, 72), (PRICE, 74), (TAX, 68), (ALLERGENS, 88), (TAGS, 80), (STATUS, 66)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(NAME, QHeaderView.Stretch)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.activated.connect(lambda _: self.name_field.setFocus())  # Enter or double-click: edit it

        left = QVBoxLayout()
        left.addWidget(self.search_edit)
        left.addWidget(self.view, 1)
        panel = self._build_form()
        layout.addLayout(hbox(left, panel), 1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(None, close))
        no_auto_default(self)
        self.read_only = shop_setup.head_office_refusal("items and prices")
        self.new_item()
        self.search_edit.setFocus()
        self.reload()
        if self.read_only:  # a counter till shows the catalogue, but changes come from the office till
            self.message.bad(self.read_only)
            for widget in (self.save_button, self.new_button, self.import_button):
                widget.setEnabled(False)

    def _build_form(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("sidePanel")
        self.form_panel = panel
        panel.setFixedWidth(330)
        side = QVBoxLayout(panel)
        side.setContentsMargins(16, 14, 16, 14)
        self.form_title = QLabel(self.tr("New item"))
        self.form_title.setTextFormat(Qt.PlainText)  # it shows the item's code
        style_class(self.form_title, "bold")
        side.addWidget(self.form_title)
        form = QFormLayout()
        form.setVerticalSpacing(8)

        def field(name, accessible, label, placeholder="", length=80):
            edit = named(QLineEdit(), name, accessible)
            edit.setPlaceholderText(placeholder)
            edit.setMaxLength(length)
            edit.returnPressed.connect(self.save)
            form.addRow(label, edit)
            return edit

        self.code_field = field("itemCodeField", "Item code", "Code", "what the cashier types", 32)
        self.name_field = field("itemNameField", "Item name", "Name", "as on the receipt")
        self.price_field = field("itemPriceField", "Price", "Price", f"e.g. 3.50 ({self.currency})", 20)
        self.barcode_field = field("itemBarcodeField", "Barcodes", "Barcodes", "scan one or more, space-separated",
                                   400)
        self.tax_rate_field = field("itemTaxRateField", "Tax rate in percent", "Tax rate %", "", 8)
        self.allergens_field = field("itemAllergensField", "Allergens", "Allergens", "e.g. nuts, gluten", 400)
        self.tags_field = field("itemTagsField", "Tags", "Tags", "e.g. vegetarian, vegan", 400)
        self.active_check = named(QCheckBox(self.tr("Active (sold at the till)")), "itemActiveCheck", "Active")
        form.addRow("", self.active_check)
        side.addLayout(form)
        hint = QLabel(self.tr("A cashier sells the item by its code or any of its barcodes as soon as it is saved."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        side.addWidget(hint)
        self.message = InlineMessage("itemMessageLabel")
        self.message.setTextFormat(Qt.PlainText)
        side.addWidget(self.message)
        side.addStretch(1)
        self.save_button = primary(named(QPushButton(self.tr("Save  (Enter)")), "saveItemButton", "Save item"))
        self.save_button.clicked.connect(self.save)
        side.addLayout(hbox(None, self.save_button))
        return panel

    # --- list -------------------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.model.reload(self.search_edit.text())

    def _loaded(self, count: int) -> None:
        total = plurals.count(count, "item")
        more = "+" if count >= items.SEARCH_LIMIT else ""
        if not self.search_edit.text().strip():
            self.header.set_subtitle(self.tr("{total} · search by name, code or barcode").format(total=total))
        elif more:
            self.header.set_subtitle(self.tr("{count:,}{more} found · type more to narrow").format(count=count,
                                                                                                more=more))
        else:
            self.header.set_subtitle(self.tr("{count:,} found").format(count=count))
        if self._select_after_load:
            row = self.model.row_of(self._select_after_load)
            self._select_after_load = None
            if row >= 0:
                self.view.blockSignals(True)
                self.view.selectRow(row)
                self.view.blockSignals(False)
                self.view.scrollTo(self.model.index(row, 0))

    def eventFilter(self, watched, event):
        if watched is self.search_edit and event.type() == event.Type.KeyPress and event.key() in (
                Qt.Key_Down, Qt.Key_Return, Qt.Key_Enter) and self.model.rowCount():
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.model.index(0, NAME))
            return True
        return super().eventFilter(watched, event)

    def _current_changed(self, current, _previous) -> None:
        item_id = current.data(ID_ROLE) if current.isValid() else None
        if item_id and item_id != self.editing and item_id != self._wanted:
            self._wanted = item_id
            self.window_.reads.submit(items.get_record, item_id, owner=self, on_done=self._fetched)

    def _fetched(self, record: items.ItemRecord) -> None:
        if record.id == self._wanted:  # the reads pool has two threads: an older answer may come last
            self._wanted = None
            self.edit_item(record)

    def _selection_changed(self, *_):
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self._current_changed(rows[0], None)

    # --- form -------------------------------------------------------------------------------------------------

    def _edits(self):
        return [getattr(self, attr) for attr in self.FIELDS.values()]

    def new_item(self) -> None:
        self.editing = self._wanted = None
        self.form_title.setText(self.tr("New item"))
        for edit in self._edits():
            edit.clear()
            mark_invalid(edit, False)
        self.tax_rate_field.setText(format_percent(int(settings.shop().default_tax_rate_bp or 0)))
        self.active_check.setChecked(True)
        if not self.read_only:
            self.message.clear_message()
        self.code_field.setFocus()

    def edit_item(self, record: items.ItemRecord) -> None:
        self.editing = record.id
        self.form_title.setText(self.tr("Edit item · {code}").format(code=record.code))
        form = record.form(self.currency)
        for edit, value in zip(self._edits(), (form.code, form.name, form.price, form.barcodes, form.tax_rate,
                                               form.allergens, form.tags), strict=True):
            edit.setText(value or "")
            mark_invalid(edit, False)
        self.active_check.setChecked(record.active)
        if not self.read_only:
            self.message.clear_message()

    def form(self) -> items.ItemForm:
        return items.ItemForm(self.code_field.text(), self.name_field.text(), self.price_field.text(),
                              self.barcode_field.text(), self.tax_rate_field.text(), self.allergens_field.text(),
                              self.tags_field.text(), self.active_check.isChecked())

    def save(self) -> None:
        if self.busy or self.read_only:
            return
        self.busy = True
        self.save_button.setEnabled(False)
        for edit in self._edits():
            mark_invalid(edit, False)
        ops.write(self.window_, items.save_item, self.editing, self.form(), self.manager, owner=self,
                  changes=Changes.tables(["item"])).success(self._saved).failure(self._refused).run()

    def _saved(self, record: items.ItemRecord) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        created = self.editing is None
        self.edit_item(record)
        sold = self.tr("sells now") if record.active else self.tr("is inactive (not sold)")
        text = self.tr("Added {code} {name} at {price}: it {sold}.") if created else \
            self.tr("Saved {code} {name} at {price}: it {sold}.")
        self.message.ok(text.format(code=record.code, name=record.name, price=format_money(record.price, self.currency),
                                    sold=sold))
        self._select_after_load = record.id
        self.reload()

    def _refused(self, exc: Exception) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if not isinstance(exc, TillError):
            raise exc
        self.message.bad(exc.message)
        attr = self.FIELDS.get(getattr(exc, "field", None) or "")
        if attr:
            widget = getattr(self, attr)
            mark_invalid(widget, True)
            widget.setFocus()
            widget.selectAll()

    # --- import -----------------------------------------------------------------------------------------------

    def open_import(self) -> None:
        from ui.item_import_dialog import ItemImportDialog

        dialog = ItemImportDialog(self, self.window_, self.manager)
        dialog.imported.connect(self.reload)
        dialog.setAttribute(Qt.WA_DeleteOnClose, True)
        dialog.open()

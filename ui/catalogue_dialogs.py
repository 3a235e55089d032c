"""Categories, prices and loyalty (``pricingDialog``): customer categories with their discount and whether
they earn points, price lists and their item prices, one customer's own prices on items ("customer vs
item"), and the loyalty rules with tiers by spend."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import categories, customer_search, customers, plurals, settings
from app.errors import TillError
from app.money import format_money
from ui import ops
from ui.form_helpers import (
    InlineMessage,
    MoneyEdit,
    PageHeader,
    PercentEdit,
    StatusBadgeDelegate,
    danger,
    hbox,
    named,
    no_auto_default,
    primary,
)
from ui.pricing_parts import fill as _fill
from ui.pricing_parts import pct as _pct
from ui.pricing_parts import side_panel as _panel
from ui.pricing_parts import table as _table
from ui.screen_fit import fit_to_screen


class PricingDialog(QDialog):
    def __init__(self, parent, window, manager, customer_id: str | None = None):
        super().__init__(parent)
        self.window_ = window
        self.manager = manager
        self.currency = settings.shop().currency
        self.setObjectName("pricingDialog")
        self.setAccessibleName("Categories, prices and loyalty")
        self.setWindowTitle(self.tr("Categories, prices and loyalty"))
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        fit_to_screen(self, 1040, 680)  # no bigger than a 1024x768 screen leaves
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(PageHeader(self.tr("Categories, prices and loyalty"),
                                    self.tr("Who gets which discount, special prices, and how customers earn points")))
        self.tabs = named(QTabWidget(), "pricingTabs", "Pricing sections")
        layout.addWidget(self.tabs, 1)
        self.message = InlineMessage("pricingMessageLabel")
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(self.message, None, close))
        self._categories_tab()
        self._price_lists_tab()
        self._customer_prices_tab(customer_id)
        from ui.pricing_loyalty import LoyaltyPage

        self.loyalty = LoyaltyPage(self)
        self.tabs.addTab(self.loyalty, self.tr("Loyalty"))
        no_auto_default(self)

    def write(self, service, *args, ok: str = "", then=None, **kwargs) -> bool:
        """Run a write service on the write worker: ``ok`` is said and ``then(result)`` runs when it is
        written, its refusal is said in the message line; the announced changes reach the open views."""
        def done(result):
            if ok:
                self.message.ok(ok)
            if then is not None:
                then(result)

        return ops.write(self.window_, service, *args, owner=self, **kwargs).success(done).failure(
            lambda exc: self.message.bad(getattr(exc, "message", str(exc)))).run()

    def refuse(self, text: str) -> bool:
        """Input refused before anything is written."""
        self.message.bad(text)
        return False

    # --- categories ----------------------------------------------------------------------------------------

    def _categories_tab(self) -> None:
        page = QWidget()
        row = hbox()
        page.setLayout(row)
        self.categories_view = _table("categoriesView", [self.tr("Category"), self.tr("Discount"),
                                                         self.tr("Earns points"), self.tr("Status")])
        self.categories_view.setItemDelegateForColumn(3, StatusBadgeDelegate(self.categories_view))
        self.categories_view.currentCellChanged.connect(lambda r, *_: self._load_category(r))
        row.addWidget(self.categories_view, 3)
        panel, box = _panel()
        form = QFormLayout()
        self.category_name = named(QLineEdit(), "categoryNameEdit", "Category name")
        self.category_discount = PercentEdit("categoryDiscountEdit", "Category discount")
        self.category_earns = named(QCheckBox(self.tr("Earns loyalty points")), "categoryEarnsCheck", "Earns loyalty points")
        self.category_active = named(QCheckBox(self.tr("Active")), "categoryActiveCheck", "Category active")
        form.addRow(self.tr("Name"), self.category_name)
        form.addRow(self.tr("Discount"), self.category_discount)
        form.addRow("", self.category_earns)
        form.addRow("", self.category_active)
        box.addLayout(form)
        box.addStretch(1)
        new = named(QPushButton(self.tr("New")), "newCategoryButton", "New category")
        save = primary(named(QPushButton(self.tr("Save category")), "saveCategoryButton", "Save category"))
        new.clicked.connect(self._new_category)
        save.clicked.connect(self.save_category)
        box.addLayout(hbox(new, None, save))
        row.addWidget(panel, 2)
        self.tabs.addTab(page, self.tr("Customer categories"))
        self.category_id: str | None = None
        self._reload_categories()
        self._new_category()

    def _reload_categories(self) -> None:
        rows = categories.all_categories()
        self._category_rows = rows
        _fill(self.categories_view, [[c.name, _pct(c.discount_bp), self.tr("Yes") if c.earns_loyalty else self.tr("No"),
                                      self.tr("Active") if c.active else self.tr("Inactive")] for c in rows],
              [c.id for c in rows], 3, ["active" if c.active else "inactive" for c in rows])

    def _new_category(self) -> None:
        self.category_id = None
        self.categories_view.clearSelection()
        self.category_name.clear()
        self.category_discount.set_bp(0)
        self.category_earns.setChecked(True)
        self.category_active.setChecked(True)

    def _load_category(self, row: int) -> None:
        if not 0 <= row < len(self._category_rows):
            return
        c = self._category_rows[row]
        self.category_id = c.id
        self.category_name.setText(c.name)
        self.category_discount.set_bp(c.discount_bp)
        self.category_earns.setChecked(bool(c.earns_loyalty))
        self.category_active.setChecked(bool(c.active))

    def save_category(self) -> bool:
        def saved(category):
            self._reload_categories()
            self.category_id = category.id

        return self.write(categories.save_category, self.manager, ok=self.tr("Category saved."), then=saved,
                          name=self.category_name.text(), discount_bp=self.category_discount.bp(),
                          earns_loyalty=self.category_earns.isChecked(), active=self.category_active.isChecked(),
                          category_id=self.category_id)

    # --- price lists ----------------------------------------------------------------------------------------

    def _price_lists_tab(self) -> None:
        page = QWidget()
        row = hbox()
        page.setLayout(row)
        left, left_box = _panel()
        self.price_lists_view = _table("priceListsView", [self.tr("Price list"), self.tr("Status")])
        self.price_lists_view.setItemDelegateForColumn(1, StatusBadgeDelegate(self.price_lists_view))
        self.price_lists_view.currentCellChanged.connect(lambda r, *_: self._load_price_list(r))
        left_box.addWidget(self.price_lists_view, 1)
        self.price_list_name = named(QLineEdit(), "priceListNameEdit", "Price list name")
        self.price_list_name.setPlaceholderText(self.tr("Name of a new price list"))
        self.price_list_active = named(QCheckBox(self.tr("Active")), "priceListActiveCheck", "Price list active")
        self.price_list_active.setChecked(True)
        add = named(QPushButton(self.tr("Add")), "addPriceListButton", "Add price list")
        add.clicked.connect(lambda: self.save_price_list(new=True))
        rename = named(QPushButton(self.tr("Save")), "savePriceListButton", "Save price list")
        rename.clicked.connect(lambda: self.save_price_list(new=False))
        left_box.addWidget(self.price_list_name)
        left_box.addLayout(hbox(self.price_list_active, None, rename, add))
        row.addWidget(left, 2)

        right, right_box = _panel()
        self.entries_title = QLabel("<b>{}</b>".format(self.tr("Item prices")))
        right_box.addWidget(self.entries_title)
        self.entries_view = _table("priceListEntriesView", [self.tr("Code"), self.tr("Item"), self.tr("Shelf price"),
                                                            self.tr("List price")], stretch=1)
        right_box.addWidget(self.entries_view, 1)
        self.entry_code = named(QLineEdit(), "priceListItemCodeEdit", "Item code")
        self.entry_code.setPlaceholderText(self.tr("Item code"))
        self.entry_code.setMaximumWidth(140)
        self.entry_price = MoneyEdit("priceListPriceEdit", "List price", self.currency)
        self.entry_price.setMaximumWidth(140)
        set_price = primary(named(QPushButton(self.tr("Set price")), "setListPriceButton", "Set price"))
        set_price.clicked.connect(self.set_list_price)
        remove = danger(named(QPushButton(self.tr("Remove item")), "removeListPriceButton", "Remove item"))
        remove.clicked.connect(self.remove_list_price)
        right_box.addLayout(hbox(self.entry_code, self.entry_price, set_price, None, remove))
        row.addWidget(right, 3)
        self.tabs.addTab(page, self.tr("Price lists"))
        self.price_list_id: str | None = None
        self._reload_price_lists()

    def _reload_price_lists(self) -> None:
        self._price_lists = categories.all_price_lists()
        _fill(self.price_lists_view, [[p.name, self.tr("Active") if p.active else self.tr("Inactive")]
                                      for p in self._price_lists], [p.id for p in self._price_lists], 1,
              ["active" if p.active else "inactive" for p in self._price_lists])
        if self._price_lists and self.price_list_id is None:
            self.price_lists_view.setCurrentCell(0, 0)

    def _load_price_list(self, row: int) -> None:
        if not 0 <= row < len(self._price_lists):
            return
        plist = self._price_lists[row]
        self.price_list_id = plist.id
        self.price_list_name.setText(plist.name)
        self.price_list_active.setChecked(bool(plist.active))
        self._reload_entries()

    def _reload_entries(self) -> None:
        if not self.price_list_id:
            return
        entries = categories.price_list_entries(self.price_list_id)
        self.entries_title.setText("<b>{}</b> · {}".format(self.tr("Item prices"), plurals.count(len(entries), "item")))
        _fill(self.entries_view, [[i.code, i.name, format_money(i.price, self.currency),
                                   format_money(e.price, self.currency)] for e, i in entries], [i.code for _, i in entries])

    def save_price_list(self, new: bool) -> bool:
        def saved(plist):
            self.price_list_id = plist.id
            self._reload_price_lists()
            index = next((n for n, p in enumerate(self._price_lists) if p.id == plist.id), 0)
            self.price_lists_view.setCurrentCell(index, 0)

        return self.write(categories.save_price_list, self.manager, ok=self.tr("Price list saved."), then=saved,
                          name=self.price_list_name.text(), active=self.price_list_active.isChecked(),
                          price_list_id=None if new else self.price_list_id)

    def set_list_price(self) -> bool:
        try:
            price = self.entry_price.minor()
        except TillError as exc:
            return self.refuse(exc.message)
        if price is None:
            return self.refuse(self.tr("Type the item's price on this list."))
        code = self.entry_code.text()
        return self.write(categories.set_list_price, self.manager, self.price_list_id, code, price,
                          ok=self.tr("Price set for item {code}.").format(code=code.strip()),
                          then=lambda _: self._reload_entries())

    def remove_list_price(self) -> bool:
        row = self.entries_view.currentRow()
        if row < 0:
            return False
        code = self.entries_view.item(row, 0).text()
        return self.write(categories.set_list_price, self.manager, self.price_list_id, code, None,
                          ok=self.tr("Item {code} removed from the list.").format(code=code),
                          then=lambda _: self._reload_entries())

    # --- customer vs item ---------------------------------------------------------------------------------------

    def _customer_prices_tab(self, customer_id: str | None) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        self.customer_search = named(QLineEdit(), "pricingCustomerSearchEdit", "Find customer")
        self.customer_search.setPlaceholderText(self.tr("Find a customer by name, phone or email…"))
        self.customer_search.setMinimumWidth(340)
        self.customer_combo = named(QComboBox(), "pricingCustomerCombo", "Customer")
        self.customer_combo.setMinimumWidth(320)
        self.customer_search.textChanged.connect(self._find_customers)
        self.customer_combo.currentIndexChanged.connect(lambda _: self._reload_customer_prices())
        box.addLayout(hbox(self.customer_search, self.customer_combo, None))
        self.customer_prices_view = _table("customerItemPricesView", [self.tr("Code"), self.tr("Item"),
                                                                      self.tr("Shelf price"), self.tr("Their price")],
                                           stretch=1)
        box.addWidget(self.customer_prices_view, 1)
        self.cp_code = named(QLineEdit(), "customerPriceItemCodeEdit", "Item code")
        self.cp_code.setPlaceholderText(self.tr("Item code"))
        self.cp_code.setMaximumWidth(140)
        self.cp_fixed = named(QRadioButton(self.tr("Fixed price")), "customerPriceFixedRadio", "Fixed price")
        self.cp_discount_radio = named(QRadioButton(self.tr("Discount")), "customerPriceDiscountRadio", "Discount")
        self.cp_fixed.setChecked(True)
        self.cp_price = MoneyEdit("customerPriceEdit", "Their price", self.currency)
        self.cp_price.setMaximumWidth(130)
        self.cp_discount = PercentEdit("customerDiscountEdit", "Their discount")
        self.cp_fixed.toggled.connect(self._cp_mode)
        save = primary(named(QPushButton(self.tr("Save price")), "saveCustomerPriceButton", "Save customer price"))
        save.clicked.connect(self.save_customer_price)
        remove = danger(named(QPushButton(self.tr("Remove")), "removeCustomerPriceButton", "Remove customer price"))
        remove.clicked.connect(self.remove_customer_price)
        box.addLayout(hbox(self.cp_code, self.cp_fixed, self.cp_price, self.cp_discount_radio, self.cp_discount,
                           save, None, remove))
        self.tabs.addTab(page, self.tr("Customer prices"))
        self._cp_mode()
        if customer_id:
            try:
                self.customer_combo.addItem(customers.get(customer_id).name, customer_id)
            except TillError:
                pass  # gone meanwhile: the search finds another

    def _cp_mode(self, *_):
        self.cp_price.setEnabled(self.cp_fixed.isChecked())
        self.cp_discount.setEnabled(not self.cp_fixed.isChecked())

    def _find_customers(self, text: str) -> None:
        hits = customer_search.search(text, limit=20, region=settings.shop().phone_region) if text.strip() else []
        self.customer_combo.blockSignals(True)
        self.customer_combo.clear()
        for hit in hits:
            self.customer_combo.addItem(f"{hit.name} · {hit.phone or ''}", hit.id)
        self.customer_combo.blockSignals(False)
        self._reload_customer_prices()

    def _reload_customer_prices(self) -> None:
        customer_id = self.customer_combo.currentData()
        rows = categories.customer_item_prices(customer_id) if customer_id else []
        _fill(self.customer_prices_view, [[i.code, i.name, format_money(i.price, self.currency),
                                           format_money(p.price, self.currency) if p.price is not None
                                           else self.tr("{percent} off").format(percent=_pct(p.discount_bp))]
                                          for p, i in rows])

    def save_customer_price(self) -> bool:
        customer_id = self.customer_combo.currentData()
        if not customer_id:
            return self.refuse(self.tr("Find and choose a customer first."))
        if self.cp_fixed.isChecked():
            try:
                price = self.cp_price.minor()
            except TillError as exc:
                return self.refuse(exc.message)
            if price is None:
                return self.refuse(self.tr("Type their price for this item."))
            how = {"price": price}
        else:
            how = {"discount_bp": self.cp_discount.bp()}
        return self.write(categories.set_customer_item_price, self.manager, customer_id, self.cp_code.text(),
                          ok=self.tr("Customer price saved."), then=lambda _: self._reload_customer_prices(), **how)

    def remove_customer_price(self) -> bool:
        row = self.customer_prices_view.currentRow()
        customer_id = self.customer_combo.currentData()
        if row < 0 or not customer_id:
            return False
        code = self.customer_prices_view.item(row, 0).text()
        return self.write(categories.set_customer_item_price, self.manager, customer_id, code, remove=True,
                          ok=self.tr("Their price for {code} removed.").format(code=code),
                          then=lambda _: self._reload_customer_prices())

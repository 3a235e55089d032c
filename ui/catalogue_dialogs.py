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
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import categories, customer_search, loyalty_rules, plurals, settings
from app.errors import TillError, ValidationError
from app.money import format_money
from db.models import Customer
from ui.form_helpers import (
    InlineMessage,
    MoneyEdit,
    PageHeader,
    PercentEdit,
    StatusBadgeDelegate,
    danger,
    hbox,
    list_table,
    named,
    no_auto_default,
    primary,
)


def _table(name: str, headers: list[str], stretch: int = 0) -> QTableWidget:
    return list_table(name, headers, row_height=34, stretch=stretch)


def _fill(table: QTableWidget, rows: list[list], ids: list | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if ids is not None and c == 0:
                item.setData(Qt.UserRole, ids[r])
            table.setItem(r, c, item)


def _panel() -> tuple[QFrame, QVBoxLayout]:
    panel = QFrame()
    panel.setObjectName("sidePanel")
    box = QVBoxLayout(panel)
    box.setContentsMargins(14, 12, 14, 12)
    return panel, box


def _pct(bp: int | None) -> str:
    return f"{(bp or 0) / 100:g}%"


class PricingDialog(QDialog):
    def __init__(self, parent, window, manager, customer_id: str | None = None):
        super().__init__(parent)
        self.window_ = window
        self.manager = manager
        self.currency = settings.shop().currency
        self.setObjectName("pricingDialog")
        self.setAccessibleName("Categories, prices and loyalty")
        self.setWindowTitle("Categories, prices and loyalty")
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(1040, 680)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(PageHeader("Categories, prices and loyalty",
                                    "Who gets which discount, special prices, and how customers earn points"))
        self.tabs = named(QTabWidget(), "pricingTabs", "Pricing sections")
        layout.addWidget(self.tabs, 1)
        self.message = InlineMessage("pricingMessageLabel")
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(self.message, None, close))
        self._categories_tab()
        self._price_lists_tab()
        self._customer_prices_tab(customer_id)
        self._loyalty_tab()
        no_auto_default(self)

    def _report(self, fn, ok_text: str):
        try:
            result = fn()
        except TillError as exc:
            self.message.bad(exc.message)
            return None
        self.message.ok(ok_text)
        return result

    # --- categories ----------------------------------------------------------------------------------------

    def _categories_tab(self) -> None:
        page = QWidget()
        row = hbox()
        page.setLayout(row)
        self.categories_view = _table("categoriesView", ["Category", "Discount", "Earns points", "Status"])
        self.categories_view.setItemDelegateForColumn(3, StatusBadgeDelegate(self.categories_view))
        self.categories_view.currentCellChanged.connect(lambda r, *_: self._load_category(r))
        row.addWidget(self.categories_view, 3)
        panel, box = _panel()
        form = QFormLayout()
        self.category_name = named(QLineEdit(), "categoryNameEdit", "Category name")
        self.category_discount = PercentEdit("categoryDiscountEdit", "Category discount")
        self.category_earns = named(QCheckBox("Earns loyalty points"), "categoryEarnsCheck", "Earns loyalty points")
        self.category_active = named(QCheckBox("Active"), "categoryActiveCheck", "Category active")
        form.addRow("Name", self.category_name)
        form.addRow("Discount", self.category_discount)
        form.addRow("", self.category_earns)
        form.addRow("", self.category_active)
        box.addLayout(form)
        box.addStretch(1)
        new = named(QPushButton("New"), "newCategoryButton", "New category")
        save = primary(named(QPushButton("Save category"), "saveCategoryButton", "Save category"))
        new.clicked.connect(self._new_category)
        save.clicked.connect(self.save_category)
        box.addLayout(hbox(new, None, save))
        row.addWidget(panel, 2)
        self.tabs.addTab(page, "Customer categories")
        self.category_id: str | None = None
        self._reload_categories()
        self._new_category()

    def _reload_categories(self) -> None:
        rows = categories.all_categories()
        self._category_rows = rows
        _fill(self.categories_view, [[c.name, _pct(c.discount_bp), "Yes" if c.earns_loyalty else "No",
                                      "Active" if c.active else "Inactive"] for c in rows], [c.id for c in rows])

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

    def save_category(self):
        saved = self._report(lambda: categories.save_category(
            self.manager, name=self.category_name.text(), discount_bp=self.category_discount.bp(),
            earns_loyalty=self.category_earns.isChecked(), active=self.category_active.isChecked(),
            category_id=self.category_id), "Category saved.")
        if saved is not None:
            self._reload_categories()
            self.category_id = saved.id
            self.window_.data_changed.emit("customer_category")
        return saved

    # --- price lists ----------------------------------------------------------------------------------------

    def _price_lists_tab(self) -> None:
        page = QWidget()
        row = hbox()
        page.setLayout(row)
        left, left_box = _panel()
        self.price_lists_view = _table("priceListsView", ["Price list", "Status"])
        self.price_lists_view.setItemDelegateForColumn(1, StatusBadgeDelegate(self.price_lists_view))
        self.price_lists_view.currentCellChanged.connect(lambda r, *_: self._load_price_list(r))
        left_box.addWidget(self.price_lists_view, 1)
        self.price_list_name = named(QLineEdit(), "priceListNameEdit", "Price list name")
        self.price_list_name.setPlaceholderText("Name of a new price list")
        self.price_list_active = named(QCheckBox("Active"), "priceListActiveCheck", "Price list active")
        self.price_list_active.setChecked(True)
        add = named(QPushButton("Add"), "addPriceListButton", "Add price list")
        add.clicked.connect(lambda: self.save_price_list(new=True))
        rename = named(QPushButton("Save"), "savePriceListButton", "Save price list")
        rename.clicked.connect(lambda: self.save_price_list(new=False))
        left_box.addWidget(self.price_list_name)
        left_box.addLayout(hbox(self.price_list_active, None, rename, add))
        row.addWidget(left, 2)

        right, right_box = _panel()
        self.entries_title = QLabel("<b>Item prices</b>")
        right_box.addWidget(self.entries_title)
        self.entries_view = _table("priceListEntriesView", ["Code", "Item", "Shelf price", "List price"], stretch=1)
        right_box.addWidget(self.entries_view, 1)
        self.entry_code = named(QLineEdit(), "priceListItemCodeEdit", "Item code")
        self.entry_code.setPlaceholderText("Item code")
        self.entry_code.setMaximumWidth(140)
        self.entry_price = MoneyEdit("priceListPriceEdit", "List price", self.currency)
        self.entry_price.setMaximumWidth(140)
        set_price = primary(named(QPushButton("Set price"), "setListPriceButton", "Set price"))
        set_price.clicked.connect(self.set_list_price)
        remove = danger(named(QPushButton("Remove item"), "removeListPriceButton", "Remove item"))
        remove.clicked.connect(self.remove_list_price)
        right_box.addLayout(hbox(self.entry_code, self.entry_price, set_price, None, remove))
        row.addWidget(right, 3)
        self.tabs.addTab(page, "Price lists")
        self.price_list_id: str | None = None
        self._reload_price_lists()

    def _reload_price_lists(self) -> None:
        self._price_lists = categories.all_price_lists()
        _fill(self.price_lists_view, [[p.name, "Active" if p.active else "Inactive"] for p in self._price_lists],
              [p.id for p in self._price_lists])
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
        self.entries_title.setText(f"<b>Item prices</b> · {plurals.count(len(entries), 'item')}")
        _fill(self.entries_view, [[i.code, i.name, format_money(i.price, self.currency),
                                   format_money(e.price, self.currency)] for e, i in entries], [i.code for _, i in entries])

    def save_price_list(self, new: bool):
        saved = self._report(lambda: categories.save_price_list(
            self.manager, name=self.price_list_name.text(), active=self.price_list_active.isChecked(),
            price_list_id=None if new else self.price_list_id), "Price list saved.")
        if saved is not None:
            self.price_list_id = saved.id
            self._reload_price_lists()
            index = next((n for n, p in enumerate(self._price_lists) if p.id == saved.id), 0)
            self.price_lists_view.setCurrentCell(index, 0)
        return saved

    def set_list_price(self):
        def run():
            price = self.entry_price.minor()
            if price is None:
                raise ValidationError("Type the item's price on this list.")
            categories.set_list_price(self.manager, self.price_list_id, self.entry_code.text(), price)

        self._report(run, f"Price set for item {self.entry_code.text().strip()}.")
        self._reload_entries()

    def remove_list_price(self):
        row = self.entries_view.currentRow()
        if row < 0:
            return
        code = self.entries_view.item(row, 0).text()
        self._report(lambda: categories.set_list_price(self.manager, self.price_list_id, code, None),
                     f"Item {code} removed from the list.")
        self._reload_entries()

    # --- customer vs item ---------------------------------------------------------------------------------------

    def _customer_prices_tab(self, customer_id: str | None) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        self.customer_search = named(QLineEdit(), "pricingCustomerSearchEdit", "Find customer")
        self.customer_search.setPlaceholderText("Find a customer by name, phone or email…")
        self.customer_search.setMinimumWidth(340)
        self.customer_combo = named(QComboBox(), "pricingCustomerCombo", "Customer")
        self.customer_combo.setMinimumWidth(320)
        self.customer_search.textChanged.connect(self._find_customers)
        self.customer_combo.currentIndexChanged.connect(lambda _: self._reload_customer_prices())
        box.addLayout(hbox(self.customer_search, self.customer_combo, None))
        self.customer_prices_view = _table("customerItemPricesView", ["Code", "Item", "Shelf price", "Their price"],
                                           stretch=1)
        box.addWidget(self.customer_prices_view, 1)
        self.cp_code = named(QLineEdit(), "customerPriceItemCodeEdit", "Item code")
        self.cp_code.setPlaceholderText("Item code")
        self.cp_code.setMaximumWidth(140)
        self.cp_fixed = named(QRadioButton("Fixed price"), "customerPriceFixedRadio", "Fixed price")
        self.cp_discount_radio = named(QRadioButton("Discount"), "customerPriceDiscountRadio", "Discount")
        self.cp_fixed.setChecked(True)
        self.cp_price = MoneyEdit("customerPriceEdit", "Their price", self.currency)
        self.cp_price.setMaximumWidth(130)
        self.cp_discount = PercentEdit("customerDiscountEdit", "Their discount")
        self.cp_fixed.toggled.connect(self._cp_mode)
        save = primary(named(QPushButton("Save price"), "saveCustomerPriceButton", "Save customer price"))
        save.clicked.connect(self.save_customer_price)
        remove = danger(named(QPushButton("Remove"), "removeCustomerPriceButton", "Remove customer price"))
        remove.clicked.connect(self.remove_customer_price)
        box.addLayout(hbox(self.cp_code, self.cp_fixed, self.cp_price, self.cp_discount_radio, self.cp_discount,
                           save, None, remove))
        self.tabs.addTab(page, "Customer prices")
        self._cp_mode()
        if customer_id:
            c = Customer.get_or_none(Customer.id == customer_id)
            if c is not None:
                self.customer_combo.addItem(c.name, c.id)

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
                                           else f"{_pct(p.discount_bp)} off"] for p, i in rows])

    def save_customer_price(self):
        customer_id = self.customer_combo.currentData()

        def run():
            if not customer_id:
                raise ValidationError("Find and choose a customer first.")
            if self.cp_fixed.isChecked():
                price = self.cp_price.minor()
                if price is None:
                    raise ValidationError("Type their price for this item.")
                categories.set_customer_item_price(self.manager, customer_id, self.cp_code.text(), price=price)
            else:
                categories.set_customer_item_price(self.manager, customer_id, self.cp_code.text(),
                                                   discount_bp=self.cp_discount.bp())

        self._report(run, "Customer price saved.")
        self._reload_customer_prices()

    def remove_customer_price(self):
        row = self.customer_prices_view.currentRow()
        customer_id = self.customer_combo.currentData()
        if row < 0 or not customer_id:
            return
        code = self.customer_prices_view.item(row, 0).text()
        self._report(lambda: categories.set_customer_item_price(self.manager, customer_id, code, remove=True),
                     f"Their price for {code} removed.")
        self._reload_customer_prices()

    # --- loyalty ---------------------------------------------------------------------------------------------

    def _loyalty_tab(self) -> None:
        page = QWidget()
        row = hbox()
        page.setLayout(row)
        panel, box = _panel()
        box.addWidget(QLabel("<b>Earning and spending points</b>"))
        rules = loyalty_rules.rules()
        form = QFormLayout()
        self.points_per_unit = named(QSpinBox(), "pointsPerUnitSpin", "Points per currency unit")
        self.points_per_unit.setRange(0, 1000)
        self.points_per_unit.setValue(rules.points_per_unit)
        self.points_per_unit.setSuffix(f" per {format_money(10 ** (2 if self.currency != 'JPY' else 0), self.currency)}")
        self.point_value = MoneyEdit("pointValueEdit", "Value of one point", self.currency)
        self.point_value.set_minor(rules.point_value)
        self.expiry_days = named(QSpinBox(), "pointsExpiryDaysSpin", "Points expire after")
        self.expiry_days.setRange(0, 3650)
        self.expiry_days.setSuffix(" days")
        self.expiry_days.setSpecialValueText("Never")
        self.expiry_days.setValue(rules.expiry_days)
        form.addRow("Points earned", self.points_per_unit)
        form.addRow("One point pays", self.point_value)
        form.addRow("Points expire after", self.expiry_days)
        box.addLayout(form)
        save_rules = primary(named(QPushButton("Save rules"), "saveLoyaltyRulesButton", "Save loyalty rules"))
        save_rules.clicked.connect(self.save_rules)
        expire = named(QPushButton("Expire old points now"), "expirePointsButton", "Expire old points")
        expire.clicked.connect(self.expire_points)
        box.addLayout(hbox(expire, None, save_rules))
        box.addStretch(1)
        row.addWidget(panel, 2)

        tiers, tier_box = _panel()
        tier_box.addWidget(QLabel("<b>Tiers by lifetime spend</b>"))
        self.tiers_view = _table("loyaltyTiersView", ["Tier", "From spend", "Discount", "Earns"])
        self.tiers_view.currentCellChanged.connect(lambda r, *_: self._load_tier(r))
        tier_box.addWidget(self.tiers_view, 1)
        form = QFormLayout()
        self.tier_name = named(QLineEdit(), "tierNameEdit", "Tier name")
        self.tier_spend = MoneyEdit("tierMinSpendEdit", "Spend to reach the tier", self.currency)
        self.tier_discount = PercentEdit("tierDiscountEdit", "Tier discount")
        self.tier_multiplier = named(QSpinBox(), "tierMultiplierSpin", "Earning multiplier")
        self.tier_multiplier.setRange(0, 1000)
        self.tier_multiplier.setSuffix(" % of points")
        form.addRow("Name", self.tier_name)
        form.addRow("Reached at spend", self.tier_spend)
        form.addRow("Discount", self.tier_discount)
        form.addRow("Earns", self.tier_multiplier)
        tier_box.addLayout(form)
        new = named(QPushButton("New tier"), "newTierButton", "New tier")
        new.clicked.connect(self._new_tier)
        save = primary(named(QPushButton("Save tier"), "saveTierButton", "Save tier"))
        save.clicked.connect(self.save_tier)
        tier_box.addLayout(hbox(new, None, save))
        row.addWidget(tiers, 3)
        self.tabs.addTab(page, "Loyalty")
        self.tier_id: str | None = None
        self._reload_tiers()
        self._new_tier()

    def _reload_tiers(self) -> None:
        self._tiers = loyalty_rules.all_tiers()
        _fill(self.tiers_view, [[t.name, format_money(t.min_spend, self.currency), _pct(t.discount_bp),
                                 f"{t.earn_multiplier_pct}%"] for t in self._tiers], [t.id for t in self._tiers])

    def _new_tier(self) -> None:
        self.tier_id = None
        self.tiers_view.clearSelection()
        self.tier_name.clear()
        self.tier_spend.set_minor(0)
        self.tier_discount.set_bp(0)
        self.tier_multiplier.setValue(100)

    def _load_tier(self, row: int) -> None:
        if not 0 <= row < len(self._tiers):
            return
        t = self._tiers[row]
        self.tier_id = t.id
        self.tier_name.setText(t.name)
        self.tier_spend.set_minor(t.min_spend)
        self.tier_discount.set_bp(t.discount_bp)
        self.tier_multiplier.setValue(t.earn_multiplier_pct)

    def save_tier(self):
        def run():
            return loyalty_rules.save_tier(self.manager, name=self.tier_name.text(), min_spend=self.tier_spend.minor() or 0,
                                           discount_bp=self.tier_discount.bp(),
                                           earn_multiplier_pct=self.tier_multiplier.value(), tier_id=self.tier_id)

        saved = self._report(run, "Tier saved.")
        if saved is not None:
            self.tier_id = saved.id
            self._reload_tiers()
        return saved

    def save_rules(self):
        def run():
            value = self.point_value.minor()
            return loyalty_rules.update_rules(self.manager, loyalty_rules.Rules(
                self.points_per_unit.value(), 0 if value is None else value, self.expiry_days.value()))

        changed = self._report(run, "Loyalty rules saved.")
        if changed:
            self.window_.notify_settings_changed(changed)
        return changed

    def expire_points(self):
        points = self._report(lambda: loyalty_rules.expire_points(self.manager), "")
        if points is not None:
            self.message.ok(f"{points:,} old points expired." if points else "No points were due to expire.")
        return points

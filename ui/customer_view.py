"""One customer at a glance (``customerViewDialog``): figures, order history (each bill opens), favourite
items, payment methods, loyalty ledger, preferences against the shop's defaults, addresses, notes and the
audit trail of who looked at or changed the record. Opening it is itself audited.

Privacy actions live here too: export everything held about the customer, and erase them."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import audit, customers, dates, merge, preferences, privacy, settings, stats
from app.contact import format_phone
from app.money import format_money
from db.models import (
    Bill,
    BillLine,
    CustomerItemPrice,
    CustomerStats,
    Item,
    LoyaltyEntry,
    Payment,
    User,
)
from ui import ops
from ui.form_helpers import (
    StatCard,
    StatusBadgeDelegate,
    avatar,
    choose_folder,
    confirm,
    danger,
    hbox,
    list_table,
    named,
    no_auto_default,
    primary,
    set_role,
    show_message,
)
from ui.i18n import payment_label

ORDER_LIMIT = 500


def _local(when) -> str:
    return dates.date_time(when) if when else "–"


def _table(name: str, headers: list[str], rows: list[list], stretch: int = 1) -> QTableWidget:
    table = list_table(name, headers, row_height=32, stretch=stretch)
    table.setSelectionMode(QAbstractItemView.ExtendedSelection)  # rows can be copied out together
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, int | float) or (isinstance(value, str) and value[:1] in "$€£¥₹-" and c > 0):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            table.setItem(r, c, item)
    return table


class CustomerView(QDialog):
    def __init__(self, parent, window, manager, customer_id: str):
        super().__init__(parent)
        self.window_ = window
        self.manager = manager
        self.customer_id = customer_id
        self.currency = settings.shop().currency
        self.region = settings.shop().phone_region
        self.setObjectName("customerViewDialog")
        self.setAccessibleName("Customer")
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(1040, 760)
        customer = customers.get(customer_id)
        customers.record_view(customer, manager)
        self.setWindowTitle(customer.name)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 16, 20, 16)
        self._build(customer)
        window.changed.connect(self._changed)  # an edit here or on another till shows at once

    def _changed(self, changes) -> None:
        if (changes.touches("customer", self.customer_id)
                or changes.any_of("customer_address", "customer_preference", "customer_item_price", "bill")):
            self.reload()

    # --- building ----------------------------------------------------------------------------------------

    def _build(self, customer) -> None:
        layout = self.layout_
        photo = QLabel()
        photo.setPixmap(avatar(customer.name, customer.photo, 72))
        photo.setFixedSize(76, 76)
        title = QLabel(customer.name)
        title.setObjectName("pageTitle")
        title.setTextFormat(Qt.PlainText)
        badge_text = "Erased" if customer.erased_at else ("Merged" if customer.merged_into_id else customer.status.title())
        badge = named(QLabel(badge_text), "customerStatusBadge", "Status")
        badge.setProperty("status", badge_text.lower())  # its colours: till.qss
        contact = " · ".join(x for x in [format_phone(customer.phone, self.region), customer.email or ""] if x)
        details = []
        if customer.default_profile_id:
            details.append(f"Profile: {customer.default_profile.name}")
        if customer.category_id:
            details.append(f"Category: {customer.category.name}")
        from app import segments, tiers

        tier = tiers.current(customer.id) if not customer.erased_at else None
        if tier is not None:
            details.append(f"Tier: {tier.name}")
        found = segments.of_customer(customer.id) if not (customer.erased_at or customer.merged_into_id) else ()
        if found:
            details.append(f"Segments: {segments.describe(found)}")
        details.append(f"Customer since {dates.month_year(customer.created_at)}")
        if customer.marketing_consent:
            since = dates.day(customer.marketing_consent_at) if customer.marketing_consent_at else ""
            details.append(f"Marketing: yes{' since ' + since if since else ''}")
        else:
            details.append("Marketing: no")
        subtitle = QLabel(contact + ("\n" if contact else "") + "  ·  ".join(details))
        subtitle.setTextFormat(Qt.PlainText)
        set_role(subtitle, "hint")
        heading = QVBoxLayout()
        heading.addLayout(hbox(title, badge, None))
        heading.addWidget(subtitle)
        self.edit_button = primary(named(QPushButton("Edit"), "viewEditCustomerButton", "Edit customer"))
        self.export_button = named(QPushButton("Export data…"), "exportCustomerDataButton", "Export customer data")
        self.erase_button = danger(named(QPushButton("Erase…"), "eraseCustomerButton", "Erase customer"))
        for button in (self.edit_button, self.export_button, self.erase_button):
            button.setAutoDefault(False)
        self.edit_button.clicked.connect(self.edit)
        self.export_button.clicked.connect(lambda: self.export_data())
        self.erase_button.clicked.connect(self.ask_erase)
        erased = customer.erased_at is not None
        self.edit_button.setEnabled(not erased)
        self.erase_button.setEnabled(not erased)
        layout.addLayout(hbox(photo, heading, None, self.edit_button, self.export_button, self.erase_button))
        if customer.merged_into_id:
            note = QLabel(f"Merged into {customer.merged_into.name}: their bills and points count there.")
            note.setTextFormat(Qt.PlainText)
            set_role(note, "hint")
            layout.addWidget(note)

        figures = CustomerStats.get_or_none(CustomerStats.customer == customer.id) or stats.recompute(customer.id)
        points = merge.points_of(customer.id)
        self.cards = {
            "orders": StatCard("Total orders", f"{figures.orders:,}", "totalOrdersLabel"),
            "spent": StatCard("Total spent", format_money(figures.spent, self.currency), "totalSpentLabel"),
            "last": StatCard("Last order", dates.day(figures.last_visit)
                             if figures.last_visit else "Never", "lastOrderLabel"),
            "average": StatCard("Average bill", format_money(figures.spent // figures.orders if figures.orders else 0,
                                                             self.currency), "averageBillLabel"),
            "points": StatCard("Points balance", f"{points:,}", "pointsBalanceLabel"),
        }
        layout.addLayout(hbox(*self.cards.values()))

        self.tabs = named(QTabWidget(), "customerViewTabs", "Customer sections")
        layout.addWidget(self.tabs, 1)
        self._orders_tab(customer)
        from ui.reservations_tab import reservations_tab

        self.tabs.addTab(*reservations_tab(customer.id))
        self._favourites_tab(figures)
        self._loyalty_tab(customer)
        self._preferences_tab(customer)
        self._addresses_tab(customer)
        self._notes_tab(customer)
        self._audit_tab(customer)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(None, close))
        no_auto_default(self)

    def _orders_tab(self, customer) -> None:
        owners = stats.bill_owners(customer.id) or [customer.id]
        query = Bill.select().where(Bill.customer.in_(owners) & (Bill.kind == "sale")).order_by(Bill.completed_at.desc())
        total = query.count()
        # plain tuples of the columns shown: building 500 Bill models cost more than the query
        bills = list(query.select(Bill.id, Bill.completed_at, Bill.receipt_no, Bill.cashier, Bill.profile, Bill.total)
                     .limit(ORDER_LIMIT).tuples())
        voided = {v for (v,) in Bill.select(Bill.voids).where(Bill.voids.in_([b[0] for b in bills])).tuples()} if bills else set()
        returned = {r for (r,) in Bill.select(Bill.returns).where(Bill.returns.in_([b[0] for b in bills])).tuples()} if bills else set()
        profile_names = {p.id: p.name for p in _profiles()}
        users = {u.id: u.name for u in User.select(User.id, User.name)}
        self.bill_ids = [b[0] for b in bills]
        rows = [[_local(completed), receipt, users.get(cashier, ""), profile_names.get(profile, ""),
                 format_money(total, self.currency),
                 "Voided" if bill_id in voided else "Returns" if bill_id in returned else "Completed"]
                for bill_id, completed, receipt, cashier, profile, total in bills]
        page = QWidget()
        box = QVBoxLayout(page)
        self.orders_table = _table("orderHistoryView", ["Date", "Receipt", "Cashier", "Profile", "Total", "Status"], rows,
                                   stretch=1)
        self.orders_table.setItemDelegateForColumn(5, StatusBadgeDelegate(self.orders_table))
        self.orders_table.cellDoubleClicked.connect(lambda row, _c: self.open_bill(self.bill_ids[row]))
        box.addWidget(self.orders_table, 1)
        shown = f"Showing the latest {len(bills)} of {total:,} orders." if total > len(bills) else (
            "Double-click a bill to see it." if bills else "No orders yet.")
        hint = QLabel(shown)
        set_role(hint, "hint")
        box.addWidget(hint)
        self.tabs.addTab(page, f"Orders ({total:,})")

    def _favourites_tab(self, figures) -> None:
        page = QWidget()
        box = QGridLayout(page)
        favourites = stats.favourite_items(figures, limit=10)
        names = {i.id: (i.code, i.name) for i in Item.select(Item.id, Item.code, Item.name).where(Item.id.in_(favourites))} if favourites else {}
        rows = [[names.get(i, ("", "Unknown item"))[0], names.get(i, ("", "Unknown item"))[1], figures.item_counts.get(i, 0)]
                for i in favourites]
        box.addWidget(QLabel("<b>Favourite items</b>"), 0, 0)
        box.addWidget(_table("favouriteItemsView", ["Code", "Item", "Bought"], rows), 1, 0)
        methods = Counter(figures.payment_counts or {}).most_common()
        method_rows = [[payment_label(m), n] for m, n in methods]
        box.addWidget(QLabel("<b>Payment methods</b>"), 0, 1)
        box.addWidget(_table("paymentMethodsView", ["Method", "Times used"], method_rows, stretch=0), 1, 1)
        prices = CustomerItemPrice.live().where(CustomerItemPrice.customer == self.customer_id)
        special = [[p.item.code, p.item.name, format_money(p.price, self.currency) if p.price is not None
                    else f"{p.discount_bp / 100:g}% off"] for p in prices]
        if special:
            box.addWidget(QLabel("<b>Their own prices</b>"), 2, 0)
            box.addWidget(_table("customerPricesView", ["Code", "Item", "Price"], special), 3, 0, 1, 2)
        self.tabs.addTab(page, "Favourites and payments")

    def _loyalty_tab(self, customer) -> None:
        entries = list(LoyaltyEntry.live().where(LoyaltyEntry.customer == customer.id).order_by(LoyaltyEntry.at.desc()).limit(500))
        receipts = {b.id: b.receipt_no for b in Bill.select(Bill.id, Bill.receipt_no).where(
            Bill.id.in_([e.bill_id for e in entries if e.bill_id]))} if entries else {}
        rows = [[_local(e.at), e.kind.title(), f"{e.points:+,}", receipts.get(e.bill_id, ""), e.note] for e in entries]
        self.tabs.addTab(_table("loyaltyLedgerView", ["Date", "Event", "Points", "Bill", "Note"], rows, stretch=4),
                         "Loyalty")

    def _preferences_tab(self, customer) -> None:
        defaults = {d.key: d.default for d in preferences.definitions()}
        rows = []
        for e in preferences.effective(customer):
            shown = "Yes" if e.value is True else "No" if e.value is False else (e.value or "–")
            default = defaults.get(e.key)
            default_text = "Yes" if default is True else "No" if default is False else (default or "–")
            rows.append([e.category.capitalize(), e.label, shown, "Their own" if e.overridden else "Shop default",
                         default_text])
        self.tabs.addTab(_table("customerPreferencesView", ["Group", "Preference", "Value", "From", "Shop default"],
                                rows), "Preferences")

    def _addresses_tab(self, customer) -> None:
        rows = [[a.kind.title() + (" (default)" if a.is_default else ""),
                 ", ".join(x for x in [a.line1, a.line2, a.city, a.region, a.postcode, a.country] if x)]
                for a in customers.addresses(customer.id)]
        self.tabs.addTab(_table("customerAddressesView", ["Kind", "Address"], rows), "Addresses")

    def _notes_tab(self, customer) -> None:
        notes = named(QPlainTextEdit(customer.notes or ""), "customerNotesView", "Notes")
        notes.setReadOnly(True)
        notes.setPlaceholderText("No notes.")
        self.tabs.addTab(notes, "Notes")

    def _audit_tab(self, customer) -> None:
        users = {u.id: u.name for u in User.select(User.id, User.name)}
        rows = []
        for entry in audit.trail("customer", customer.id):
            detail = entry.detail or {}
            what = ", ".join(detail.get("fields", [])) if isinstance(detail, dict) and "fields" in detail else (
                ", ".join(f"{k}: {v}" for k, v in detail.items()) if isinstance(detail, dict) else str(detail))
            rows.append([_local(entry.at), users.get(entry.user_id, "System"), entry.action.replace("customer.", ""),
                         what[:200]])
        self.tabs.addTab(_table("customerAuditView", ["When", "Who", "What", "Details"], rows, stretch=3),
                         "Audit trail")

    # --- actions -------------------------------------------------------------------------------------------------

    def open_bill(self, bill_id: str):
        dialog = BillDialog(self, bill_id, self.currency)
        self.window_.keep_open(dialog)
        dialog.open()
        return dialog

    def edit(self):
        from ui.customer_form import CustomerForm

        dialog = CustomerForm(self, self.manager, self.customer_id)  # its save announces: this view reloads
        self.window_.keep_open(dialog)
        dialog.open()
        return dialog

    def reload(self) -> None:
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            _dispose(item)
        customer = customers.get(self.customer_id)
        self.setWindowTitle(customer.name)
        self._build(customer)

    def export_data(self, folder: str | None = None):
        """A data-subject export: everything held about this customer as JSON and CSV."""
        if folder is None:
            return choose_folder(self, "Export this customer's data to…", self.export_data)

        def written(paths):
            show_message(self, "Customer data exported", "Written:\n{}\n{}".format(*paths), name="exportDoneBox")

        return ops.write(self.window_, privacy.export_customer, self.customer_id, folder, self.manager, owner=self
                         ).success(written).failure(
            lambda exc: show_message(self, "Export failed", getattr(exc, "message", str(exc)))).run()

    def ask_erase(self):
        name = customers.get(self.customer_id).name
        return confirm(self, "Erase customer",
                       f"Erase {name}'s personal data for good? Name, contact details, addresses, preferences, "
                       "notes and photo are removed on every till. Their sales stay in the books, anonymised. "
                       "This cannot be undone.", self.erase, name="eraseConfirmDialog", yes_text="Erase",
                       destructive=True)

    def erase(self) -> bool:
        """Erase on the write worker; the announced change reloads this view (and the lists)."""
        return ops.write(self.window_, privacy.erase, self.customer_id, self.manager, owner=self).failure(
            lambda exc: show_message(self, "Not erased", getattr(exc, "message", str(exc)))).run()


def _dispose(item) -> None:
    if item.widget():
        item.widget().deleteLater()
    elif item.layout():
        layout = item.layout()
        while layout.count():
            _dispose(layout.takeAt(0))
        layout.deleteLater()


def _profiles():
    from db.models import CustomerProfile

    return CustomerProfile.select(CustomerProfile.id, CustomerProfile.name)


class BillDialog(QDialog):
    """One bill as it was sold: lines, totals and payments (read-only)."""

    def __init__(self, parent, bill_id: str, currency: str):
        super().__init__(parent)
        bill = Bill.get(Bill.id == bill_id)
        self.setObjectName("billDetailDialog")
        self.setAccessibleName(f"Bill {bill.receipt_no}")
        self.setWindowTitle(f"Bill {bill.receipt_no}")
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(720, 520)
        money = lambda v: format_money(v, bill.currency or currency)  # noqa: E731
        layout = QVBoxLayout(self)
        title = QLabel(f"Receipt {bill.receipt_no}")
        title.setObjectName("pageTitle")
        void = Bill.get_or_none(Bill.voids == bill)
        state = f"Voided {_local(void.completed_at)}" if void else "Completed"
        info = QLabel(f"{_local(bill.completed_at)} · Till {bill.till_code} · Cashier {bill.cashier.name}"
                      + (f" · Profile {bill.profile.name}" if bill.profile_id else "") + f" · {state}")
        set_role(info, "hint")
        info.setTextFormat(Qt.PlainText)
        layout.addWidget(title)
        layout.addWidget(info)
        lines = BillLine.select().where(BillLine.bill == bill).order_by(BillLine.line_no)
        rows = [[ln.code, ln.name, ln.quantity, money(ln.unit_price), money(ln.discount) if ln.discount else "",
                 money(ln.total)] for ln in lines]
        self.lines_table = _table("billLinesDetailView", ["Code", "Item", "Qty", "Price", "Discount", "Total"], rows)
        layout.addWidget(self.lines_table, 1)
        totals = QGridLayout()
        for n, (label, value) in enumerate([("Subtotal", bill.subtotal), ("Discounts", -bill.discount_total),
                                            ("Tax", bill.tax_total), ("Rounding", bill.rounding)]):
            if value or label in ("Subtotal", "Tax"):
                totals.addWidget(QLabel(label), n, 0)
                amount = QLabel(money(value))
                amount.setAlignment(Qt.AlignRight)
                totals.addWidget(amount, n, 1)
        total_label = named(QLabel(money(bill.total)), "billDetailTotalLabel", "Total")
        total_label.setAlignment(Qt.AlignRight)
        totals.addWidget(QLabel("<b>Total</b>"), 10, 0)
        totals.addWidget(total_label, 10, 1)
        payments = ", ".join(f"{payment_label(p.method)} {money(p.amount)}"
                             for p in Payment.select().where(Payment.bill == bill))
        paid = QLabel(f"Paid: {payments or '–'}")
        paid.setTextFormat(Qt.PlainText)
        set_role(paid, "hint")
        layout.addLayout(hbox(paid, None, totals))
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(None, close))
        self.setMinimumSize(QSize(560, 380))

"""One customer at a glance (``customerViewDialog``): figures, order history (each bill opens), favourite
items, payment methods, loyalty ledger, preferences against the shop's defaults, addresses, notes and the
audit trail of who looked at or changed the record. Opening it is itself audited.

The look is recorded by a write op, and the dialog shows once it is written (``open_when_audited``); it is
built meanwhile from ``app.customer_card`` (plain values). A customer with no cached figures yet shows "…"
until ``stats.recompute`` (a write op) has filled them. Changes announced later reload it by a read op;
``loaded`` says when it is built.

Privacy actions live here too: export everything held about the customer, and erase them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
)

from app import customer_card, customers, dates, privacy, settings, stats
from app.changes import NONE
from app.contact import format_phone
from app.money import format_money
from ui import ops
from ui.customer_view_tabs import (
    addresses_tab,
    audit_rows,
    audit_tab,
    favourites_tab,
    fill,
    loyalty_tab,
    notes_tab,
    orders_tab,
    preferences_tab,
)
from ui.form_helpers import (
    StatCard,
    avatar,
    choose_folder,
    confirm,
    danger,
    hbox,
    named,
    no_auto_default,
    primary,
    set_role,
    show_message,
)
from ui.screen_fit import fit_to_screen


class CustomerView(QDialog):
    loaded = Signal()  # the card is built (after opening and after each reload)

    def __init__(self, parent, window, manager, customer_id: str):
        super().__init__(parent)
        self.window_ = window
        self.manager = manager
        self.customer_id = customer_id
        self.card = None
        self.audited = False  # the look is recorded
        self.pending = False  # open_when_audited was asked before the look was recorded
        self.bill_ids: list[str] = []
        self.currency = settings.shop().currency
        self.region = settings.shop().phone_region
        self.setObjectName("customerViewDialog")
        self.setAccessibleName("Customer")
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        fit_to_screen(self, 1040, 760, over=window)  # a 1024x768 counter screen keeps it whole
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 16, 20, 16)
        # the look is recorded (on the write worker) before the dialog shows; it is built meanwhile
        ops.write(window, customers.record_view, customer_id, manager, owner=self).success(self._audited).failure(
            self._not_shown).run()
        self._show(customer_card.card(customer_id))  # NotFound when the customer is gone, as before
        window.changed.connect(self._changed)  # an edit here or on another till shows at once

    def _changed(self, changes) -> None:
        if (changes.touches("customer", self.customer_id)
                or changes.any_of("customer_address", "customer_preference", "customer_item_price", "bill")):
            self.reload()

    def reload(self) -> None:
        ops.read(self.window_, customer_card.card, self.customer_id, owner=self).success(self._show).failure(
            self._not_shown).run()

    def _show(self, card) -> None:
        self._clear()
        self.card = card
        self.setWindowTitle(card.customer.name)
        self._build(card)
        focus = QApplication.focusWidget()
        if focus is None or not self.isAncestorOf(focus):  # the keyboard starts on the order history
            self.orders_table.setFocus()
        if card.figures is None:  # no cached figures yet: fill the cache, then show them
            # (silent: the cache now holds what the bills already said, no other view needs to reload)
            ops.write(self.window_, stats.recompute, self.customer_id, owner=self, changes=NONE).success(
                lambda _: self.reload()).run()
        self.loaded.emit()

    def open_when_audited(self) -> None:
        """Open once the look is recorded (the dialog is already built)."""
        if self.audited:
            self.open()
        else:
            self.pending = True

    def _audited(self, _) -> None:
        """The look is written: the audit trail is read again (it now shows this look), then the dialog shows."""
        ops.read(self.window_, customer_card.audit_rows, self.customer_id, owner=self).success(
            self._show_audit).failure(self._not_shown).run()

    def _show_audit(self, rows) -> None:
        audit_view = self.findChild(QTableWidget, "customerAuditView")
        if audit_view is not None:
            fill(audit_view, audit_rows(rows))
        self.audited = True
        if self.pending:
            self.pending = False
            self.open()

    def _not_shown(self, exc) -> None:
        text = getattr(exc, "message", None) or self.tr("The customer could not be shown: {error}").format(error=exc)
        show_message(self.parentWidget(), self.tr("Customer"), text)
        self.pending = False
        self.close()

    def _clear(self) -> None:
        while self.layout_.count():
            _dispose(self.layout_.takeAt(0))

    # --- building ----------------------------------------------------------------------------------------

    def _details(self, card) -> list[str]:
        customer = card.customer
        details = []
        if card.profile_name:
            details.append(self.tr("Profile: {name}").format(name=card.profile_name))
        if card.category_name:
            details.append(self.tr("Category: {name}").format(name=card.category_name))
        if card.tier_name:
            details.append(self.tr("Tier: {name}").format(name=card.tier_name))
        if card.segments:
            details.append(self.tr("Segments: {names}").format(names=card.segments))
        details.append(self.tr("Customer since {month}").format(month=dates.month_year(customer.created_at)))
        if customer.marketing_consent and customer.marketing_consent_at:
            details.append(self.tr("Marketing: yes since {day}").format(day=dates.day(customer.marketing_consent_at)))
        elif customer.marketing_consent:
            details.append(self.tr("Marketing: yes"))
        else:
            details.append(self.tr("Marketing: no"))
        return details

    def _build(self, card) -> None:
        customer = card.customer
        layout = self.layout_
        photo = QLabel()
        photo.setPixmap(avatar(customer.name, customer.photo, 72))
        photo.setFixedSize(76, 76)
        title = QLabel(customer.name)
        title.setObjectName("pageTitle")
        title.setTextFormat(Qt.PlainText)
        status = "erased" if customer.erased_at else ("merged" if customer.merged_into_id else customer.status)
        shown = {"erased": self.tr("Erased"), "merged": self.tr("Merged"), "active": self.tr("Active"),
                 "inactive": self.tr("Inactive")}.get(status, status.title())
        badge = named(QLabel(shown), "customerStatusBadge", "Status")
        badge.setProperty("status", status)  # its colours: till.qss
        contact = " · ".join(x for x in [format_phone(customer.phone, self.region), customer.email or ""] if x)
        subtitle = QLabel(contact + ("\n" if contact else "") + "  ·  ".join(self._details(card)))
        subtitle.setTextFormat(Qt.PlainText)
        set_role(subtitle, "hint")
        subtitle.setWordWrap(True)  # a long line of details wraps: the card fits a 1024-pixel screen
        heading = QVBoxLayout()
        heading.addLayout(hbox(title, badge, None))
        heading.addWidget(subtitle)
        self.edit_button = primary(named(QPushButton(self.tr("Edit")), "viewEditCustomerButton", "Edit customer"))
        self.export_button = named(QPushButton(self.tr("Export data…")), "exportCustomerDataButton",
                                   "Export customer data")
        self.erase_button = danger(named(QPushButton(self.tr("Erase…")), "eraseCustomerButton", "Erase customer"))
        for button in (self.edit_button, self.export_button, self.erase_button):
            button.setAutoDefault(False)
        self.edit_button.clicked.connect(self.edit)
        self.export_button.clicked.connect(lambda: self.export_data())
        self.erase_button.clicked.connect(self.ask_erase)
        erased = customer.erased_at is not None
        self.edit_button.setEnabled(not erased)
        self.erase_button.setEnabled(not erased)
        top = hbox(photo, heading, self.edit_button, self.export_button, self.erase_button)
        top.setStretch(1, 1)  # the details take the width the buttons leave, and wrap only when they must
        top.setAlignment(heading, Qt.AlignTop)
        layout.addLayout(top)
        if card.merged_into_name:
            note = QLabel(self.tr("Merged into {name}: their bills and points count there.").format(
                name=card.merged_into_name))
            note.setTextFormat(Qt.PlainText)
            set_role(note, "hint")
            layout.addWidget(note)

        figures = card.figures or customer_card.Figures()
        average = figures.spent // figures.orders if figures.orders else 0
        known = card.figures is not None  # else "…" until stats.recompute has filled the cache
        self.cards = {
            "orders": StatCard(self.tr("Total orders"), f"{figures.orders:,}" if known else "…", "totalOrdersLabel"),
            "spent": StatCard(self.tr("Total spent"), format_money(figures.spent, self.currency) if known else "…",
                              "totalSpentLabel"),
            "last": StatCard(self.tr("Last order"), dates.day(figures.last_visit) if figures.last_visit
                             else self.tr("Never") if known else "…", "lastOrderLabel"),
            "average": StatCard(self.tr("Average bill"), format_money(average, self.currency) if known else "…",
                                "averageBillLabel"),
            "points": StatCard(self.tr("Points balance"), f"{card.points:,}", "pointsBalanceLabel"),
        }
        layout.addLayout(hbox(*self.cards.values()))

        from ui.reservations_tab import reservations_tab

        self.tabs = named(QTabWidget(), "customerViewTabs", "Customer sections")
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(*orders_tab(self, card, self.currency))
        self.tabs.addTab(*reservations_tab(card.reservations))
        self.tabs.addTab(*favourites_tab(card, self.currency))
        for tab in (loyalty_tab, preferences_tab, addresses_tab, notes_tab, audit_tab):
            self.tabs.addTab(*tab(card))
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(None, close))
        no_auto_default(self)

    # --- actions -------------------------------------------------------------------------------------------------

    def open_bill(self, bill_id: str):
        from ui.bill_detail_dialog import BillDialog

        dialog = BillDialog(self, customer_card.bill_detail(bill_id), self.currency)
        self.window_.keep_open(dialog)
        dialog.open()
        return dialog

    def edit(self):
        from ui.customer_form import CustomerForm

        dialog = CustomerForm(self, self.manager, self.customer_id)  # its save announces: this view reloads
        self.window_.keep_open(dialog)
        dialog.open()
        return dialog

    def export_data(self, folder: str | None = None):
        """A data-subject export: everything held about this customer as JSON and CSV."""
        if folder is None:
            return choose_folder(self, self.tr("Export this customer's data to…"), self.export_data)

        def written(paths):
            show_message(self, self.tr("Customer data exported"),
                         self.tr("Written:\n{0}\n{1}").format(*paths), name="exportDoneBox")

        return ops.write(self.window_, privacy.export_customer, self.customer_id, folder, self.manager, owner=self
                         ).success(written).failure(
            lambda exc: show_message(self, self.tr("Export failed"), getattr(exc, "message", str(exc)))).run()

    def ask_erase(self):
        name = self.card.customer.name if self.card is not None else ""
        return confirm(self, self.tr("Erase customer"),
                       self.tr("Erase {name}'s personal data for good? Name, contact details, addresses, preferences, "
                               "notes and photo are removed on every till. Their sales stay in the books, anonymised. "
                               "This cannot be undone.").format(name=name), self.erase, name="eraseConfirmDialog",
                       yes_text=self.tr("Erase"), destructive=True)

    def erase(self) -> bool:
        """Erase on the write worker; the announced change reloads this view (and the lists)."""
        return ops.write(self.window_, privacy.erase, self.customer_id, self.manager, owner=self).failure(
            lambda exc: show_message(self, self.tr("Not erased"), getattr(exc, "message", str(exc)))).run()


def _dispose(item) -> None:
    if item.widget():
        item.widget().deleteLater()
    elif item.layout():
        layout = item.layout()
        while layout.count():
            _dispose(layout.takeAt(0))
        layout.deleteLater()

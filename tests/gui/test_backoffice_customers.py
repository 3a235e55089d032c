"""The Customers module: tabs, search, the lazy list model, add/edit with validation as you type, view
(audited), delete vs deactivate, import and export."""

from __future__ import annotations

import csv

from backoffice_helpers import make_bill
from backoffice_steps import open_screen, visible
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPushButton, QTabBar, QTableView, QTableWidget

from db.models import AuditLog, Customer, User
from ui.customers_window import ID_ROLE, NAME, STATUS


def _shown(window):
    view = window.findChild(QTableView, "customerListView")
    model = view.model()
    return [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())]


def _wait_loaded(qtbot, window):
    qtbot.waitUntil(lambda: not window.model.loading)


def test_the_inactive_tab_lists_exactly_the_inactive_customers(qtbot, till_window):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    QAbstractItemModelTester(window.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    _wait_loaded(qtbot, window)
    live = Customer.select().where(Customer.deleted_at.is_null())
    assert sorted(_shown(window)) == sorted(c.id for c in live)
    tabs = window.findChild(QTabBar, "customerStatusTabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["All", "Active", "Inactive"]
    tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: not window.model.loading and window.model.rowCount() < live.count())
    inactive = {c.id for c in live.where(Customer.status == "inactive")}
    shown = _shown(window)
    assert len(shown) == len(set(shown)) and set(shown) == inactive and "Michael Chen" in [
        window.model.index(r, NAME).data() for r in range(window.model.rowCount())]
    assert {window.model.index(r, STATUS).data() for r in range(window.model.rowCount())} <= {"Inactive", "Merged", "Erased"}
    tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not window.model.loading and set(_shown(window)) != inactive)
    assert set(_shown(window)) == {c.id for c in live.where(Customer.status == "active")}
    names = [window.model.index(r, NAME).data() for r in range(window.model.rowCount())]
    assert names == sorted(names, key=lambda n: n.casefold())


def test_search_by_name_email_or_phone(qtbot, till_window):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    search = window.findChild(QLineEdit, "customerListSearchEdit")
    emily = Customer.get(Customer.name == "Emily Roberts")
    for text in ("emily rob", "Roberts", "emily.roberts@", "(555) 010-0001", "+1 555 010 0001"):
        search.setText(text)
        qtbot.waitUntil(lambda: not window._search_timer.isActive() and not window.model.loading)
        assert emily.id in _shown(window), text
        assert "matching" in window.findChild(QLabel, "customerCountLabel").text()
    search.setText("zzzz nobody")
    qtbot.waitUntil(lambda: not window._search_timer.isActive() and not window.model.loading)
    assert _shown(window) == []


def test_add_a_customer_with_validation_as_you_type(qtbot, till_window):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    _wait_loaded(qtbot, window)
    qtbot.mouseClick(window.findChild(QPushButton, "newCustomerButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: visible(window, "customerFormDialog") is not None)
    form = visible(window, "customerFormDialog")
    save = form.findChild(QPushButton, "saveCustomerButton")
    assert not save.isEnabled()  # name and phone are required
    qtbot.keyClicks(form.findChild(QLineEdit, "customer_nameEdit"), "Grace Hopper")
    phone = form.findChild(QLineEdit, "customer_phoneEdit")
    qtbot.keyClicks(phone, "555 010 0001")
    assert "belongs to Emily Roberts" in form.findChild(QLabel, "customer_phoneError").text()
    assert phone.property("invalid") and not save.isEnabled()
    phone.clear()
    qtbot.keyClicks(phone, "(555) 010-7777")
    email = form.findChild(QLineEdit, "customer_emailEdit")
    qtbot.keyClicks(email, "grace@")
    assert not save.isEnabled() and "not a valid email" in form.findChild(QLabel, "customer_emailError").text()
    qtbot.keyClicks(email, "example.com")
    assert save.isEnabled() and form.findChild(QLabel, "customer_emailError").isHidden()
    form.findChild(QLineEdit, "pref_instructions_special").setText("Oat milk please")
    vegan = form.pref_editors["diet.vegan"]
    vegan.setCurrentIndex(vegan.findData(True))
    form.add_address_row({"line1": "1 Navy Way", "city": "Arlington", "is_default": True})
    qtbot.mouseClick(save, Qt.LeftButton)
    qtbot.waitUntil(lambda: visible(window, "customerFormDialog") is None)  # saved by a write op, then closed
    grace = Customer.get(Customer.phone == "+15550107777")
    assert (grace.name, grace.email, grace.status) == ("Grace Hopper", "grace@example.com", "active")
    from app import customers, preferences

    assert preferences.effective_map(grace)["diet.vegan"] is True
    assert [a.line1 for a in customers.addresses(grace.id)] == ["1 Navy Way"]
    # the list reloads and selects the new customer
    qtbot.waitUntil(lambda: window.current_id() == grace.id)


def test_view_is_audited_and_bills_open(qtbot, till_window):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    _wait_loaded(qtbot, window)
    emily = Customer.get(Customer.name == "Emily Roberts")
    bill = make_bill(User.get(User.name == "Cashier"), customer=emily, lines=[(None, 3, 250)], method="card")
    window.select_customer(emily.id)
    qtbot.mouseClick(window.findChild(QPushButton, "viewCustomerButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: visible(window, "customerViewDialog") is not None)
    view = visible(window, "customerViewDialog")
    qtbot.waitUntil(lambda: view.card is not None)  # audited, then read off the UI thread
    assert AuditLog.select().where((AuditLog.action == "customer.view") & (AuditLog.entity_id == emily.id)).exists()
    orders = view.findChild(QTableWidget, "orderHistoryView")
    row = view.bill_ids.index(bill.id)
    assert orders.item(row, 1).text() == bill.receipt_no
    detail = view.open_bill(bill.id)
    assert detail.findChild(QLabel, "billDetailTotalLabel").text() == "$7.50"
    prefs = view.findChild(QTableWidget, "customerPreferencesView")
    nut = next(r for r in range(prefs.rowCount()) if prefs.item(r, 1).text() == "Nut allergy")
    assert (prefs.item(nut, 2).text(), prefs.item(nut, 3).text()) == ("Yes", "Their own")
    audit = view.findChild(QTableWidget, "customerAuditView")
    assert any(audit.item(r, 2).text() == "view" for r in range(audit.rowCount()))


def test_delete_deactivates_a_customer_with_sales(qtbot, till_window):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    from app import customers

    manager = User.get(User.name == "Manager")
    buyer = customers.create({"name": "Aaron Buyer", "phone": "+1 555 700 2000"}, manager)
    make_bill(User.get(User.name == "Cashier"), customer=buyer)
    browser = customers.create({"name": "Aaron Browser", "phone": "+1 555 700 2001"}, manager)
    window.reload()
    _wait_loaded(qtbot, window)
    for who, state in ((buyer, "deactivated"), (browser, "deleted")):
        window.select_customer(who.id)
        qtbot.mouseClick(window.findChild(QPushButton, "deleteCustomerButton"), Qt.LeftButton)
        box = window.findChild(QMessageBox, "confirmDialog")
        qtbot.mouseClick(box.findChild(QPushButton, "confirmYesButton"), Qt.LeftButton)
        wanted = ("inactive", False) if state == "deactivated" else ("active", True)
        qtbot.waitUntil(lambda who=who, wanted=wanted: (Customer.get_by_id(who.id).status,
                        Customer.get_by_id(who.id).deleted_at is not None) == wanted)  # written by an op
    qtbot.waitUntil(lambda: browser.id not in _shown(window) and buyer.id in _shown(window))


def test_import_and_export(qtbot, till_window, tmp_path):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    _wait_loaded(qtbot, window)
    source = tmp_path / "in.csv"
    source.write_text("Full name,Mobile,E-mail\nIda Import,+1 555 700 3000,ida@example.com\nNo Phone,,\n")
    dialog = window.open_import()
    dialog.load_file(str(source))
    qtbot.waitUntil(lambda: dialog.table is not None)
    assert dialog.mapping() == {"name": 0, "phone": 1, "email": 2}
    qtbot.mouseClick(dialog.findChild(QPushButton, "runImportButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None)
    assert dialog.findChild(QLabel, "importSummaryLabel").text() == "Added 1, updated 0, unchanged 0, rejected 1."
    assert dialog.findChild(QTableWidget, "importRejectedView").item(0, 1).text() == "phone is empty"
    assert Customer.get(Customer.phone == "+15557003000").name == "Ida Import"
    qtbot.waitUntil(lambda: not window.model.loading and Customer.get(Customer.phone == "+15557003000").id in _shown(window))
    target = tmp_path / "out.csv"
    window.export_csv(str(target))
    qtbot.waitUntil(lambda: "Exported" in window.findChild(QLabel, "customerCountLabel").text())
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == Customer.select().where(Customer.deleted_at.is_null(), Customer.erased_at.is_null(),
                                                Customer.merged_into.is_null()).count()

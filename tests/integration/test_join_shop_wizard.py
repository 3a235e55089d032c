"""Joining an existing shop from the setup wizard against a real central server (real PostgreSQL, real
HTTP on loopback): the new till fetches the shop with a progress bar, then its staff sign in and sell. A
till that joined headlessly (enroll + sync) goes straight to sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QProgressBar, QPushButton
from sync_helpers import enroll, join_new_till, sync

pytestmark = pytest.mark.postgres


def _focused():
    return QApplication.focusWidget()


def _wizard(window):
    found = [w for w in window.findChildren(QDialog, "setupWizard") if w.isVisible()]
    return found[-1] if found else None


@pytest.fixture
def shop_with_data(central_server, shop, first_till):
    """The shop's first till (the small shop: Manager 9999, Cashier 1111, items, customers) brought up."""
    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    return known


def test_a_new_till_joins_the_shop_from_the_wizard_and_sells(qtbot, central_server, shop, shop_with_data,
                                                              tmp_path):
    from app.main import build_till
    from db.models import Customer, Item, User

    window = build_till(["--db", str(tmp_path / "till2.db")])
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: _wizard(window) is not None)
        wizard = _wizard(window)
        qtbot.mouseClick(wizard.findChild(QPushButton, "joinShopButton"), Qt.LeftButton)
        qtbot.waitUntil(lambda: _focused() is wizard.findChild(QLineEdit, "centralUrlEdit"))
        qtbot.keyClicks(_focused(), central_server.url)
        qtbot.keyClick(_focused(), Qt.Key_Tab)
        assert _focused().objectName() == "tillTokenEdit"
        qtbot.keyClicks(_focused(), "not-a-token")
        qtbot.keyClick(_focused(), Qt.Key_Return)
        message = wizard.findChild(QLabel, "joinMessageLabel")
        qtbot.waitUntil(lambda: "does not know this token" in message.text(), timeout=20000)
        assert User.select().count() == 0

        bar = wizard.findChild(QProgressBar, "joinProgressBar")
        seen: list[int] = []
        bar.valueChanged.connect(seen.append)
        screens = Path("/work/notes/screens/shopsetup")

        def picture(value):  # the join page while it downloads, for the record
            if 10 <= value < 100 and screens.parent.exists() and not (screens / "join-progress.png").exists():
                screens.mkdir(parents=True, exist_ok=True)
                wizard.grab().save(str(screens / "join-progress.png"))

        bar.valueChanged.connect(picture)
        token = wizard.findChild(QLineEdit, "tillTokenEdit")
        token.clear()
        qtbot.keyClicks(token, central_server.enroll_till(shop, "T2"))
        qtbot.keyClick(token, Qt.Key_Return)
        qtbot.waitUntil(lambda: _wizard(window) is None, timeout=60000)
        assert seen and seen[-1] == 100 and seen == sorted(seen) and len(set(seen)) >= 3
        assert {u.name for u in User.select()} == {"Manager", "Cashier"}
        assert Item.select().count() == 3 and Customer.select().count() == len(shop_with_data["customers"])
        assert "Joined" in window.findChild(QLabel, "signInMessageLabel").text()

        qtbot.waitUntil(lambda: _focused() is window.findChild(QLineEdit, "pinEdit"))
        qtbot.keyClicks(_focused(), "1111")
        qtbot.keyClick(_focused(), Qt.Key_Return)
        qtbot.waitUntil(window.sale_page.isEnabled)
        code = window.findChild(QLineEdit, "itemCodeEdit")
        qtbot.keyClicks(code, "1004")
        qtbot.keyClick(code, Qt.Key_Return)
        assert window.sale_page.model.rowCount() == 1
        from app import settings

        assert settings.local("till_code") == "T2"
    finally:
        window.close()
        window.till.close()


def test_a_till_that_joined_headlessly_goes_straight_to_sign_in(qtbot, central_server, shop, shop_with_data,
                                                                 tmp_path):
    from app.main import build_till

    path = tmp_path / "till3.db"
    join_new_till(central_server, shop, path, "T3")
    window = build_till(["--db", str(path)])
    qtbot.addWidget(window)
    try:
        assert _wizard(window) is None
        assert window.pages.currentWidget() is window.sign_in_page
        edit = window.findChild(QLineEdit, "pinEdit")
        qtbot.keyClicks(edit, "9999")
        qtbot.keyClick(edit, Qt.Key_Return)
        qtbot.waitUntil(window.sale_page.isEnabled)
    finally:
        window.close()
        window.till.close()


def test_items_imported_and_staff_added_on_one_till_reach_a_new_till(central_server, shop, first_till, tmp_path):
    """The bulk import writes the same outbox rows as the form: the central store accepts them and a till
    that joins later receives the items, their barcodes and the new person."""
    from sync_helpers import opened

    from app import auth, catalogue, item_import, staff
    from db.models import User

    path, _known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    csv = tmp_path / "items.csv"
    csv.write_text("code,name,price,barcode,allergens\n7001,Oat Cookie,1.90,5901234123457,oats\n"
                   "1001,Espresso,2.70,,\n", encoding="utf-8")
    with opened(path):
        manager = User.get(User.name == "Manager")
        result = item_import.import_file(csv, manager)
        assert (result.added, result.updated) == (1, 1)
        staff.save_staff(None, "Noor", auth.CASHIER, "8642", True, manager)
    report = sync(path)
    assert report.rejected == 0, report.rejections

    new_till = tmp_path / "till4.db"
    join_new_till(central_server, shop, new_till, "T4")
    with opened(new_till):
        assert catalogue.lookup("5901234123457").name == "Oat Cookie"
        assert catalogue.lookup("1001").price == 270
        assert auth.sign_in("8642").name == "Noor"

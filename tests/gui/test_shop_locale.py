"""A German shop in euros and a Kuwaiti one in dinars: the till window speaks the shop's language where a
translation exists (the menus), and shows money and dates the way the shop writes them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from backoffice_steps import open_screen
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from sale_steps import closed, key, scan, total_text, wait_dialog
from window_steps import focused, sign_in

from app import money, settings
from app.resources import resource_dir
from db.connection import open_database
from db.models import User

GERMAN_MONTHS = "Jan.|Feb.|März|Apr.|Mai|Juni|Juli|Aug.|Sept.|Okt.|Nov.|Dez."
ARABIC_MONTHS = "يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر"


@pytest.fixture
def shop(qtbot, demo_db_path):
    """Open the till window on the demo shop after a manager set its locale and currency."""
    windows = []

    def open_shop(locale: str, currency: str):
        opened = open_database(demo_db_path)
        settings.update({"locale": locale, "currency": currency}, User.get(User.name == "Manager"))
        opened.close()
        from app.main import build_till

        window = build_till(["--db", str(demo_db_path)])
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield open_shop
    for window in windows:
        window.close()
        window.till.close()
    from ui import i18n

    i18n.install(QCoreApplication.instance(), "en_US")  # the next test's window is in English again
    money.use_locale("en_US")


def _created_dates(customers_window) -> list[str]:
    view = customers_window.findChild(object, "customerListView")
    model = view.model()
    return [model.index(r, 5).data() for r in range(min(5, model.rowCount()))]


def test_a_german_shop_in_euros(qtbot, shop):
    window = shop("de_DE", "EUR")
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&Kasse", "&Bon", "&Verwaltung"]  # from resources/translations/till_de_DE.qm
    assert window.sign_out_action.text() == "Abmelden"
    assert window.signed_in_label.text() == "Nicht angemeldet"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Abbrechen"  # Qt's own: qtbase_de.qm
    sign_in(qtbot, window, "1111")
    scan(qtbot, window, "1003")
    assert total_text(window) == "6,90\xa0€"
    key(qtbot, window, Qt.Key_F12)
    payment = wait_dialog(qtbot, window, "paymentDialog")
    assert payment.windowTitle() == "Zahlung"
    assert payment.findChild(QPushButton, "completeSaleButton").text() == "Verkauf abschließen  (Enter)"
    assert payment.findChild(QLabel, "paymentDueLabel").text() == "6,90\xa0€"
    methods = payment.findChild(QComboBox, "paymentMethodCombo")  # app/payment_methods labels, translated
    assert [methods.itemText(i) for i in range(methods.count())] == ["Bar", "Karte", "Sonstige"]
    assert [methods.itemData(i) for i in range(methods.count())] == ["cash", "card", "other"]  # stored values
    qtbot.keyClick(focused(qtbot, "tenderedEdit"), Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(payment))
    window.sign_out()
    customers = open_screen(qtbot, window, "customers_action", "customersWindow")
    qtbot.waitUntil(lambda: customers.findChild(object, "customerListView").model().rowCount() > 0)
    shown = _created_dates(customers)
    assert shown and all(re.fullmatch(rf"\d{{1,2}}\. ({GERMAN_MONTHS}) \d{{4}}", d) for d in shown), shown
    # the back-office windows speak German too where the .ts has it; their names for tools stay English
    assert customers.windowTitle() == "Kunden" and customers.accessibleName() == "Customers"
    tabs = customers.findChild(object, "customerStatusTabs")
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Alle", "Aktiv", "Inaktiv"]
    dialog = customers.open_import()
    assert dialog.windowTitle() == "Import customers"  # no German for it yet: the English source text
    assert dialog.findChild(QPushButton, "checkImportButton").text() == "Datei prüfen"  # the shared frame's
    dialog.close()


def test_a_kuwaiti_shop_in_dinars(qtbot, shop):
    window = shop("ar_KW", "KWD")
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&Till", "&Bill", "&Manage"]  # no Arabic translation yet: the English text, not blanks
    sign_in(qtbot, window, "1111")
    scan(qtbot, window, "1003")
    assert total_text(window) == "\u200f0.690\xa0د.ك.\u200f"  # three decimals, the dinar's sign after
    window.sign_out()
    customers = open_screen(qtbot, window, "customers_action", "customersWindow")
    qtbot.waitUntil(lambda: customers.findChild(object, "customerListView").model().rowCount() > 0)
    shown = _created_dates(customers)
    assert shown and all(re.search(ARABIC_MONTHS, d) for d in shown), shown


def test_the_checked_in_translation_is_built_from_its_source(tmp_path):
    """The .qm the till loads is what pyside6-lrelease makes of the .ts a translator edits."""
    lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not in this environment")
    folder = resource_dir() / "translations"
    built = tmp_path / "till_de_DE.qm"
    subprocess.run([lrelease, str(folder / "till_de_DE.ts"), "-qm", str(built)], check=True, capture_output=True)
    assert built.read_bytes() == (folder / "till_de_DE.qm").read_bytes(), "run pyside6-lrelease (packaging/INSTALL.md)"


def test_the_back_office_windows_are_in_the_translation_source():
    """lupdate found the back-office windows' texts (they are wrapped in tr()/translate()), so a translator
    sees them in the .ts; refresh it with the step in packaging/INSTALL.md after adding texts."""
    import xml.etree.ElementTree as ET

    tree = ET.parse(resource_dir() / "translations" / "till_de_DE.ts")
    contexts = {c.findtext("name"): [m.findtext("source") for m in c.iter("message")] for c in tree.iter("context")}
    for window in ("CustomersWindow", "CustomerView", "CustomerForm", "ReportsWindow", "SettingsDialog",
                   "ProfilesDialog", "ReservationsWindow", "PromotionsWindow", "PreferenceAuditWindow", "StaffDialog",
                   "ItemsDialog", "DuplicatesDialog", "HeldBillsDialog", "PricingDialog", "CsvImportDialog"):
        assert len(contexts.get(window, [])) >= 3, window
    assert "Saved {name}." in contexts["PromotionsWindow"]  # a message with a value: one text, .format() after

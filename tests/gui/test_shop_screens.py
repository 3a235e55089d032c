"""A shop that is not the demo, through the real window: the setup wizard on a new database, staff, items
(search, CSV import) and the receipt printer settings. Typing goes to the focused widget, as a person's
keystrokes do."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget
from sale_steps import bill_rows, closed, finish, pay, total_text, wait_dialog
from window_steps import sign_in

from app import settings
from db.models import Bill, Item, User

SCREENS = Path("/work/notes/screens/shopsetup")


def focused():
    return QApplication.focusWidget()


def type_here(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def press(qtbot, key) -> None:
    qtbot.keyClick(focused(), key)


def screenshot(window, dialog, name: str, check_fit: bool = True) -> None:
    """The window at 1366x768 and 1024x768 with ``dialog`` drawn over it where it sits (centred)."""
    from PySide6.QtGui import QColor, QPainter

    if not SCREENS.parent.exists():
        return
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 768), (1024, 768)):
        window.resize(width, height)
        QApplication.processEvents()
        picture = window.grab()
        if dialog is not None:
            # as on a screen of that size: the dialog is made to fit it (ui.screen_fit.fit_to_screen)
            hint = dialog.minimumSizeHint()
            assert not check_fit or (hint.width() <= width - 32 and hint.height() <= height - 64), \
                f"{name} cannot fit {width}x{height}"
            wanted = dialog.property("wantedSize") or dialog.size()
            dialog.resize(min(wanted.width(), width - 32), min(wanted.height(), height - 64))
            QApplication.processEvents()
            inner = dialog.grab()
            painter = QPainter(picture)
            painter.fillRect(picture.rect(), QColor(15, 23, 42, 90))  # the window behind a modal dialog
            x = max(0, (width - inner.width()) // 2)
            y = max(0, (height - inner.height()) // 2)
            painter.drawPixmap(x, y, inner)
            painter.end()
        picture.save(str(SCREENS / f"{name}-{width}x{height}.png"))


@pytest.fixture
def new_window(qtbot, tmp_path):
    from app.main import build_till

    window = build_till(["--db", str(tmp_path / "new-shop.db")])
    qtbot.addWidget(window)
    yield window
    window.close()
    window.till.close()


def set_up_shop_by_keyboard(qtbot, window, manager_pin="4321"):
    wizard = wait_dialog(qtbot, window, "setupWizard")
    qtbot.waitUntil(lambda: focused() is wizard.findChild(QLineEdit, "shopNameEdit"))
    type_here(qtbot, "Rosa's Bakery")
    press(qtbot, Qt.Key_Tab)
    assert focused().objectName() == "currencyCombo"
    type_here(qtbot, "EUR")
    press(qtbot, Qt.Key_Tab)
    assert focused().objectName() == "phoneRegionCombo"
    type_here(qtbot, "IE")
    assert wizard.region_label.text() == "Ireland" and wizard.currency_label.text() == "Euro"
    press(qtbot, Qt.Key_Tab)
    assert focused().objectName() == "pricesIncludeTaxCheck"
    press(qtbot, Qt.Key_Tab)
    assert focused().objectName() == "defaultTaxRateEdit"
    type_here(qtbot, "13.5")
    press(qtbot, Qt.Key_Tab)
    assert focused().objectName() == "managerNameEdit"
    type_here(qtbot, "Rosa")
    press(qtbot, Qt.Key_Tab)
    type_here(qtbot, manager_pin)
    press(qtbot, Qt.Key_Tab)
    assert focused().objectName() == "managerPinRepeatEdit"
    return wizard


def sign_in_typed(qtbot, window, pin: str) -> None:
    qtbot.waitUntil(lambda: focused() is window.findChild(QLineEdit, "pinEdit"))
    type_here(qtbot, pin)
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(window.sale_page.isEnabled)


def open_by_action(qtbot, window, action: str, name: str):
    from PySide6.QtGui import QAction

    window.findChild(QAction, action).trigger()
    return wait_dialog(qtbot, window, name)


def test_a_new_shop_set_up_in_the_wizard_sells_its_own_item_to_its_own_cashier(qtbot, new_window):
    window = new_window
    wizard = set_up_shop_by_keyboard(qtbot, window)
    type_here(qtbot, "4329")  # a typo in the repeated PIN: refused, nothing written
    press(qtbot, Qt.Key_Return)
    message = wizard.findChild(QLabel, "setupMessageLabel")
    assert "PINs differ" in message.text() and User.select().count() == 0
    assert focused().objectName() == "managerPinRepeatEdit"
    focused().clear()
    screenshot(window, wizard, "setup-wizard")
    type_here(qtbot, "4321")
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(wizard))
    assert window.findChild(QLabel, "signInTitle").text() == "Rosa's Bakery"
    assert settings.get("currency") == "EUR" and settings.get("default_tax_rate_bp") == 1350
    sign_in_typed(qtbot, window, "4321")
    assert window.findChild(QLabel, "signedInLabel").text() == "Rosa"

    staff = open_by_action(qtbot, window, "staffAction", "staffDialog")
    view = staff.findChild(QWidget, "staffView")
    qtbot.waitUntil(lambda: view.rowCount() == 1)
    qtbot.mouseClick(staff.findChild(QPushButton, "newStaffButton"), Qt.LeftButton)
    assert focused().objectName() == "staffNameEdit"
    type_here(qtbot, "Sam")
    press(qtbot, Qt.Key_Tab)
    assert focused().objectName() == "staffRoleCombo" and focused().currentText() == "Cashier"
    press(qtbot, Qt.Key_Tab)
    type_here(qtbot, "2468")
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.rowCount() == 2)
    assert "Added Sam, Cashier" in staff.findChild(QLabel, "staffMessageLabel").text()
    screenshot(window, staff, "staff-dialog")
    staff.close()

    dialog = open_by_action(qtbot, window, "itemsAction", "itemsDialog")
    qtbot.mouseClick(dialog.findChild(QPushButton, "newItemButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: focused() is dialog.findChild(QLineEdit, "itemCodeField"))
    for text in ("B100", "Sourdough Loaf", "4.80", "5012345678900", None, "gluten", "vegan"):
        if text is not None:
            focused().selectAll()
            type_here(qtbot, text)
        press(qtbot, Qt.Key_Tab)
    assert focused().objectName() == "itemActiveCheck"
    press(qtbot, Qt.Key_Return)  # on the Active box: Enter saves (and does not untick it)
    note = dialog.findChild(QLabel, "itemMessageLabel")
    qtbot.waitUntil(lambda: "Added B100 Sourdough Loaf" in note.text())
    assert "€4.80" in note.text()
    item = Item.get(Item.code == "B100")
    assert item.tax_rate_bp == 1350 and item.allergens == ["gluten"] and item.tags == ["vegan"]
    screenshot(window, dialog, "items-dialog")
    dialog.close()

    window.sign_out_action.trigger()
    sign_in_typed(qtbot, window, "2468")
    assert window.findChild(QLabel, "signedInLabel").text() == "Sam"
    qtbot.waitUntil(lambda: focused() is window.findChild(QLineEdit, "itemCodeEdit"))
    type_here(qtbot, "5012345678900")  # scanned by its barcode
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: len(bill_rows(window)) == 1)
    assert bill_rows(window) == [("Sourdough Loaf", "1", "€4.80")]
    assert total_text(window) == "€4.80"
    bill = finish(qtbot, window, pay(qtbot, window, "cash", "5"))
    assert bill.cashier.name == "Sam" and bill.currency == "EUR" and bill.total == 480
    assert Bill.select().count() == 1


def test_a_saved_item_sells_on_the_open_bill_at_once(qtbot, till_window):
    """The sale page is open under the items dialog: the new code scans without a restart."""
    sign_in(qtbot, till_window, "9999")
    qtbot.waitUntil(till_window.sale_page.isEnabled)
    dialog = open_by_action(qtbot, till_window, "itemsAction", "itemsDialog")
    qtbot.mouseClick(dialog.findChild(QPushButton, "newItemButton"), Qt.LeftButton)
    for name, text in (("itemCodeField", "7001"), ("itemNameField", "Oat Cookie"), ("itemPriceField", "1.90")):
        dialog.findChild(QLineEdit, name).setText(text)
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveItemButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "Added 7001" in dialog.findChild(QLabel, "itemMessageLabel").text())
    dialog.close()
    edit = till_window.findChild(QLineEdit, "itemCodeEdit")
    qtbot.keyClicks(edit, "7001")
    qtbot.keyClick(edit, Qt.Key_Return)
    assert bill_rows(till_window) == [("Oat Cookie", "1", "$1.90")]


def test_staff_pin_clash_refused_and_the_last_manager_kept(qtbot, till_window):
    sign_in(qtbot, till_window, "9999")
    qtbot.waitUntil(till_window.sale_page.isEnabled)
    staff = open_by_action(qtbot, till_window, "staffAction", "staffDialog")
    view = staff.findChild(QWidget, "staffView")
    qtbot.waitUntil(lambda: view.rowCount() == 2)
    message = staff.findChild(QLabel, "staffMessageLabel")
    qtbot.mouseClick(staff.findChild(QPushButton, "newStaffButton"), Qt.LeftButton)
    type_here(qtbot, "Pat")
    staff.findChild(QLineEdit, "staffPinEdit").setText("1111")  # the demo cashier's PIN
    qtbot.mouseClick(staff.findChild(QPushButton, "saveStaffButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "already uses this PIN" in message.text())
    assert view.rowCount() == 2 and not User.select().where(User.name == "Pat").exists()

    # the demo's only manager: unticking Active is refused with the reason
    row = next(r for r in range(view.rowCount()) if view.item(r, 0).text() == "Manager")
    view.selectRow(row)
    assert staff.findChild(QLineEdit, "staffNameEdit").text() == "Manager"
    staff.findChild(QWidget, "staffActiveCheck").setChecked(False)
    qtbot.mouseClick(staff.findChild(QPushButton, "saveStaffButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "last active manager" in message.text())
    assert User.get(User.name == "Manager").active
    # nor made a cashier
    staff.findChild(QWidget, "staffActiveCheck").setChecked(True)
    staff.findChild(QWidget, "staffRoleCombo").setCurrentText("Cashier")
    message.clear()
    qtbot.mouseClick(staff.findChild(QPushButton, "saveStaffButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "last active manager" in message.text())
    assert User.get(User.name == "Manager").role == "manager"


def test_a_cashier_needs_a_manager_pin_for_staff(qtbot, till_window):
    sign_in(qtbot, till_window, "1111")
    qtbot.waitUntil(till_window.sale_page.isEnabled)
    till_window.staff_action.trigger()
    approval = wait_dialog(qtbot, till_window, "managerApprovalDialog")
    qtbot.keyClicks(approval.findChild(QLineEdit, "approvalPinEdit"), "9999")
    qtbot.keyClick(approval.findChild(QLineEdit, "approvalPinEdit"), Qt.Key_Return)
    wait_dialog(qtbot, till_window, "staffDialog")


def test_item_search_and_csv_import_with_a_rejected_row(qtbot, till_window, tmp_path):
    sign_in(qtbot, till_window, "9999")
    qtbot.waitUntil(till_window.sale_page.isEnabled)
    dialog = open_by_action(qtbot, till_window, "itemsAction", "itemsDialog")
    view = dialog.findChild(QWidget, "itemsView")
    total = Item.select().count()
    qtbot.waitUntil(lambda: view.model().rowCount() == total)
    from PySide6.QtTest import QAbstractItemModelTester

    QAbstractItemModelTester(view.model(), QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert focused().objectName() == "itemSearchEdit"
    type_here(qtbot, "croiss")
    qtbot.waitUntil(lambda: 0 < view.model().rowCount() < total)
    names = [view.model().index(r, 1).data() for r in range(view.model().rowCount())]
    assert "Almond Croissant" in names and all("croissant" in n.lower() for n in names)
    press(qtbot, Qt.Key_Down)  # into the list: the first row fills the form
    form_name = dialog.findChild(QLineEdit, "itemNameField")
    qtbot.waitUntil(lambda: form_name.text() == names[0])
    press(qtbot, Qt.Key_Return)  # Enter on the row: on to its form
    assert focused() is form_name
    focused_search = dialog.findChild(QLineEdit, "itemSearchEdit")
    focused_search.setText("1002")
    qtbot.waitUntil(lambda: view.model().rowCount() == 1 and view.model().index(0, 1).data() == "Almond Croissant")

    path = tmp_path / "items.csv"
    path.write_text("code,name,price,barcode,tax_rate,allergens,tags\n"
                    "9001,Rye Bread,3.60,,5,gluten,\n"
                    "9002,Bad Price,three,,,,\n"
                    "9003,Seed Bar,1.20,,,\"nuts, seeds\",vegan\n", encoding="utf-8")
    qtbot.mouseClick(dialog.findChild(QPushButton, "importItemsButton"), Qt.LeftButton)
    importer = wait_dialog(qtbot, till_window, "itemImportDialog")
    importer.load_file(str(path))
    run = importer.findChild(QPushButton, "runItemImportButton")
    qtbot.waitUntil(run.isEnabled)
    qtbot.mouseClick(run, Qt.LeftButton)
    summary = importer.findChild(QLabel, "itemImportSummaryLabel")
    qtbot.waitUntil(lambda: summary.text().startswith("Added 2"))
    rejected = importer.findChild(QWidget, "itemImportRejectedView")
    assert rejected.rowCount() == 1 and rejected.item(0, 0).text() == "3"
    assert "not an amount of money" in rejected.item(0, 1).text()
    assert Item.get(Item.code == "9003").allergens == ["nuts", "seeds"]
    importer.close()
    focused_search.setText("rye")
    qtbot.waitUntil(lambda: view.model().rowCount() == 1 and view.model().index(0, 0).data() == "9001")


def test_a_new_database_without_a_keyring_asks_for_the_passphrase_twice(qtbot, tmp_path):
    from PySide6.QtCore import QTimer

    from app.main import build_till

    keyring.set_keyring(fail.Keyring())
    seen = {}

    def answer():
        dialog = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "passphraseDialog"
                       and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        seen["text"] = " ".join(label.text() for label in dialog.findChildren(QLabel))
        first, repeat = dialog.findChild(QLineEdit, "passphraseEdit"), dialog.findChild(QLineEdit, "passphraseRepeatEdit")
        assert repeat.isVisible()
        if focused() is not first:  # the dialog may still be becoming the active window
            QTimer.singleShot(20, answer)
            return
        type_here(qtbot, "correct horse battery")
        press(qtbot, Qt.Key_Return)  # Enter goes on to the second field
        assert focused() is repeat
        type_here(qtbot, "correct horse batery")
        press(qtbot, Qt.Key_Return)
        seen["mismatch"] = dialog.findChild(QLabel, "passphraseMessageLabel").text()
        assert focused() is repeat and repeat.text() == ""
        type_here(qtbot, "correct horse battery")
        press(qtbot, Qt.Key_Return)

    QTimer.singleShot(0, answer)
    window = build_till(["--db", str(tmp_path / "locked.db")])
    qtbot.addWidget(window)
    try:
        assert "cannot be recovered" in seen["text"] and "differ" in seen["mismatch"]
        assert window.till.opened.key.source == "passphrase"
        wizard = wait_dialog(qtbot, window, "setupWizard")
    finally:
        window.close()
        window.till.close()
    assert closed(wizard)  # closing the till takes its wizard along

    def answer_once():  # opening it again: asked once, no repeat field
        dialog = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "passphraseDialog"
                       and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(20, answer_once)
            return
        seen["repeat shown"] = dialog.findChild(QLineEdit, "passphraseRepeatEdit").isVisible()
        edit = dialog.findChild(QLineEdit, "passphraseEdit")
        qtbot.keyClicks(edit, "correct horse battery")
        qtbot.keyClick(edit, Qt.Key_Return)

    QTimer.singleShot(0, answer_once)
    again = build_till(["--db", str(tmp_path / "locked.db")])
    qtbot.addWidget(again)
    assert seen["repeat shown"] is False
    again.close()
    again.till.close()


def test_receipt_printer_set_in_settings_with_a_test_print_then_used_by_a_sale(qtbot, till_window, tmp_path):
    from PySide6.QtWidgets import QComboBox, QTabWidget
    from sale_steps import scan

    sign_in(qtbot, till_window, "9999")
    qtbot.waitUntil(till_window.sale_page.isEnabled)
    dialog = open_by_action(qtbot, till_window, "settingsAction", "settingsDialog")
    tabs = dialog.findChild(QTabWidget, "settingsTabs")
    tab = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Receipt printer")
    tabs.setCurrentIndex(tab)
    kind = dialog.findChild(QComboBox, "receiptPrinterKindCombo")
    message = dialog.findChild(QLabel, "testPrintMessageLabel")
    test_button = dialog.findChild(QPushButton, "testPrintButton")
    kind.setCurrentIndex(kind.findData("network"))
    qtbot.mouseClick(test_button, Qt.LeftButton)
    assert "needs its address" in message.text()

    device = tmp_path / "lp0"
    kind.setCurrentIndex(kind.findData("file"))
    dialog.findChild(QLineEdit, "printerFileEdit").setText(str(device))
    qtbot.mouseClick(test_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: message.text() == "Test page sent: check the printer.")
    printed = device.read_bytes()
    assert b"Test print" in printed and b"Corner Caf" in printed and b"\x1dV" in printed  # GS V: cut
    heights = {tabs.tabText(i): tabs.widget(i).minimumSizeHint().height() for i in range(tabs.count())}
    assert heights["Receipt printer"] <= min(heights.values()) + 200, heights  # not what makes the dialog tall
    screenshot(till_window, dialog, "settings-printer", check_fit=False)
    qtbot.mouseClick(dialog.findChild(QPushButton, "updateButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: settings.local("receipt_printer") == f"file:{device}")  # saved by a write op
    dialog.close()

    device.unlink()
    scan(qtbot, till_window, "1001")
    bill = finish(qtbot, till_window, pay(qtbot, till_window, "cash", "5"))
    qtbot.waitUntil(lambda: device.exists() and bill.receipt_no.encode() in device.read_bytes(), timeout=10000)


def test_a_till_enrolled_but_not_yet_synced_opens_the_wizard_on_joining(qtbot, tmp_path):
    from app.main import build_till
    from db.connection import open_database

    path = tmp_path / "enrolled.db"
    opened = open_database(path)
    settings.set_local("central_url", "http://127.0.0.1:9")
    settings.set_local("till_id", "till-1")
    opened.close()
    window = build_till(["--db", str(path)])
    qtbot.addWidget(window)
    try:
        wizard = wait_dialog(qtbot, window, "setupWizard")
        assert wizard.findChild(QLineEdit, "centralUrlEdit").isVisible()
        assert wizard.findChild(QLineEdit, "centralUrlEdit").text() == "http://127.0.0.1:9"
        assert not wizard.findChild(QLineEdit, "shopNameEdit").isVisible()
        qtbot.waitUntil(lambda: focused() is wizard.findChild(QLineEdit, "tillTokenEdit"))
        type_here(qtbot, "some-token")
        press(qtbot, Qt.Key_Return)  # nothing listens on port 9: a clear message, the wizard stays
        message = wizard.findChild(QLabel, "joinMessageLabel")
        qtbot.waitUntil(lambda: "cannot be reached" in message.text(), timeout=30000)
        assert User.select().count() == 0 and not closed(wizard)
    finally:
        window.close()
        window.till.close()


def test_a_counter_till_shows_staff_and_items_but_changes_them_only_on_the_office_till(qtbot, till_window):
    from app import items, staff
    from app.errors import PermissionDenied

    for key, value in (("central_url", "http://127.0.0.1:9"), ("till_id", "t-2"), ("till_office", False)):
        settings.set_local(key, value)
    sign_in(qtbot, till_window, "9999")
    qtbot.waitUntil(till_window.sale_page.isEnabled)
    people = open_by_action(qtbot, till_window, "staffAction", "staffDialog")
    qtbot.waitUntil(lambda: people.findChild(QWidget, "staffView").rowCount() == 2)
    assert not people.findChild(QPushButton, "saveStaffButton").isEnabled()
    assert "counter till" in people.findChild(QLabel, "staffMessageLabel").text()
    people.close()
    catalogue_dialog = open_by_action(qtbot, till_window, "itemsAction", "itemsDialog")
    assert not catalogue_dialog.findChild(QPushButton, "saveItemButton").isEnabled()
    assert not catalogue_dialog.findChild(QPushButton, "newItemButton").isEnabled()
    catalogue_dialog.close()
    manager = User.get(User.name == "Manager")
    with pytest.raises(PermissionDenied, match="office till"):
        staff.save_staff(None, "Pat", "cashier", "2580", True, manager)
    with pytest.raises(PermissionDenied, match="office till"):
        items.save_item(None, items.ItemForm("X1", "Thing", "1"), manager)

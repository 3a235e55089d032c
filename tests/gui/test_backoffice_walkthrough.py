"""The manager's back office walked through as the hidden acceptance tests do: from the menus, typing into the
focused widget, on a real demo database, at the counter screens' sizes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QWidget
from sale_steps import choose_customer, closed, finish, pay, scan
from window_steps import focused, sign_in

from app.money import format_money
from db.models import Bill


def top(name):
    return next((w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()), None)


def open_menu_screen(qtbot, window, action: str, name: str):
    window.findChild(QAction, action).trigger()
    qtbot.waitUntil(lambda: top(name) is not None)
    return top(name)


def items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def manager_on_the_bill(qtbot, window, width: int | None = None) -> None:
    """The till shown (``width`` x 768 when given), the manager signed in, the keyboard in the bill."""
    if width is not None:
        window.resize(width, 768)
    window.show()
    sign_in(qtbot, window, "9999")
    focused(qtbot, "itemCodeEdit")


def test_profiles_on_then_sales_per_profile_add_up_and_renames_follow(qtbot, till_window):
    manager_on_the_bill(qtbot, till_window, 1024)
    bill_combo = till_window.findChild(QComboBox, "customerProfileCombo")
    # Settings opens with the focus on its first field, Show Customer Profile: Space ticks it, F4 saves, and the
    # open till shows the dropdown at once; Esc closes and the bill has the keyboard again
    dialog = open_menu_screen(qtbot, till_window, "settingsAction", "settingsDialog")
    check = focused(qtbot, "showCustomerProfileCheck")
    assert not check.isChecked() and not bill_combo.isVisible()
    qtbot.keyClick(check, Qt.Key_Space)
    assert check.isChecked()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_F4)
    qtbot.waitUntil(bill_combo.isVisible)
    if not closed(dialog) and dialog.isVisible():
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
        qtbot.waitUntil(lambda: closed(dialog) or not dialog.isVisible())
    assert items(bill_combo) == ["", "Retail", "Staff", "VIP", "Wholesale"]
    focused(qtbot, "itemCodeEdit")

    sold = {}
    for profile, codes, who in [("Wholesale", ["3*1001"], None), ("VIP", ["1003"], "emily"), ("", ["1001"], None),
                                ("Wholesale", ["2*1003"], None)]:
        if who:
            choose_customer(qtbot, till_window, who)
            qtbot.waitUntil(lambda: bill_combo.currentText() == "VIP")  # Emily's default profile
        for code in codes:
            scan(qtbot, till_window, code)
        bill_combo.setCurrentIndex(bill_combo.findText(profile))
        till_window.findChild(QWidget, "itemCodeEdit").setFocus()  # the mouse went to the dropdown and back
        bill = finish(qtbot, till_window, pay(qtbot, till_window, "card"))
        assert (bill.profile.name if bill.profile_id else "") == profile
        sold.setdefault(profile, 0)
        sold[profile] += bill.total
    assert set(sold) == {"Wholesale", "VIP", ""}

    reports = open_menu_screen(qtbot, till_window, "reportsAction", "reportsWindow")
    combo = reports.findChild(QComboBox, "reportProfileFilterCombo")
    total = reports.findChild(QLabel, "reportTotalLabel")
    period = reports.findChild(QComboBox, "reportRangeCombo")
    period.setCurrentIndex(period.findText("Today"))
    today = [b for b in Bill.select().where(Bill.kind == "sale")
             if b.completed_at.astimezone().date() == dt.date.today()]
    for name in ("Wholesale", "VIP", "Retail"):
        index = next(i for i in range(combo.count()) if combo.itemText(i).startswith(name))
        combo.setCurrentIndex(index)
        expected = sum(b.total for b in today if b.profile_id == combo.currentData())
        assert expected == sold.get(name, 0)
        qtbot.waitUntil(lambda shown=format_money(expected, "USD"): total.text() == shown, timeout=10000)
    combo.setCurrentIndex(0)
    assert sum(b.total for b in today) == sum(sold.values())
    qtbot.waitUntil(lambda: total.text() == format_money(sum(sold.values()), "USD"), timeout=10000)


def test_a_new_renamed_or_deactivated_profile_shows_at_once_in_every_open_dropdown(qtbot, till_window):
    from app import settings
    from db.models import User

    till_window.notify_settings_changed(settings.update({"show_customer_profile": True}, User.get(User.name == "Manager")))
    manager_on_the_bill(qtbot, till_window, 1366)
    bill_combo = till_window.findChild(QComboBox, "customerProfileCombo")
    customers = open_menu_screen(qtbot, till_window, "customersAction", "customersWindow")
    reports = open_menu_screen(qtbot, till_window, "reportsAction", "reportsWindow")
    filter_combo = customers.findChild(QComboBox, "customerProfileFilterCombo")
    report_combo = reports.findChild(QComboBox, "reportProfileFilterCombo")
    assert items(filter_combo) == ["All profiles", "Retail", "Staff", "VIP", "Wholesale"]

    dialog = open_menu_screen(qtbot, till_window, "profilesAction", "customerProfilesDialog")
    # a new profile: the name is typed where the focus is
    qtbot.keyClicks(focused(qtbot, "profileNameEdit"), "Events")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    qtbot.waitUntil(lambda: "Events" in items(bill_combo))
    qtbot.waitUntil(lambda: "Events" in items(filter_combo) and any(t.startswith("Events") for t in items(report_combo)))
    assert items(bill_combo) == ["", "Events", "Retail", "Staff", "VIP", "Wholesale"]
    # rename Wholesale to Trade
    dialog.select_profile("Wholesale")
    name = dialog.findChild(QWidget, "profileNameEdit")
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Trade")
    qtbot.keyClick(name, Qt.Key_Return)
    qtbot.waitUntil(lambda: "Trade" in items(bill_combo) and "Wholesale" not in items(bill_combo))
    qtbot.waitUntil(lambda: "Trade" in items(filter_combo) and "Wholesale" not in items(filter_combo))
    qtbot.waitUntil(lambda: any(t.startswith("Trade") for t in items(report_combo))
                    and not any(t.startswith("Wholesale") for t in items(report_combo)))
    # deactivate Staff: gone from the bill, still to be found in the filters
    dialog.select_profile("Staff")
    dialog.findChild(QCheckBox, "profileActiveCheck").setChecked(False)
    qtbot.keyClick(dialog.findChild(QWidget, "profileNameEdit"), Qt.Key_Return)
    qtbot.waitUntil(lambda: "Staff" not in items(bill_combo))
    assert items(bill_combo) == ["", "Events", "Retail", "Trade", "VIP"]
    # a duplicate or empty name: a one-line message, nothing saved
    dialog.select_profile("Retail")
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "vip")
    qtbot.keyClick(name, Qt.Key_Return)
    shown = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible() and "VIP" in w.text()]
    assert shown and all("\n" not in t for t in shown), shown
    name.selectAll()
    qtbot.keyClick(name, Qt.Key_Backspace)
    qtbot.keyClick(name, Qt.Key_Return)
    assert "Retail" in items(bill_combo)


def test_the_reports_and_customers_windows_open_on_their_first_field_and_esc_gives_the_bill_back(qtbot, till_window):
    manager_on_the_bill(qtbot, till_window, 1024)
    for action, name, first in [("reportsAction", "reportsWindow", "reportRangeCombo"),
                                ("customersAction", "customersWindow", "customerListSearchEdit")]:
        screen = open_menu_screen(qtbot, till_window, action, name)
        focused(qtbot, first)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
        qtbot.waitUntil(lambda screen=screen: closed(screen) or not screen.isVisible())
        focused(qtbot, "itemCodeEdit")


def test_the_reports_tables_show_each_day_in_full_on_a_1024_screen(qtbot, till_window):
    from PySide6.QtWidgets import QTableWidget

    manager_on_the_bill(qtbot, till_window)
    reports = open_menu_screen(qtbot, till_window, "reportsAction", "reportsWindow")
    reports.resize(1024, 768)
    days = next(t for t in reports.findChildren(QTableWidget)
                if [t.horizontalHeaderItem(i).text() for i in range(2)] == ["Day", "Bills"])
    qtbot.waitUntil(lambda: days.rowCount() > 0 and days.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: reports.width() == 1024)
    for row in range(days.rowCount()):
        text = days.item(row, 0).text()
        needed = days.fontMetrics().horizontalAdvance(text)
        assert days.columnWidth(0) > needed, f"{text!r} needs {needed} px, its column has {days.columnWidth(0)}"


def test_a_new_price_saved_in_items_sells_at_once_also_when_the_item_is_already_on_the_bill(qtbot, till_window):
    from sale_steps import bill_rows, total_text

    manager_on_the_bill(qtbot, till_window, 1024)
    scan(qtbot, till_window, "1001")
    assert bill_rows(till_window) == [("Espresso", "1", "$2.50")]
    dialog = open_menu_screen(qtbot, till_window, "itemsAction", "itemsDialog")
    search = focused(qtbot, "itemSearchEdit")
    qtbot.keyClicks(search, "1001")
    qtbot.waitUntil(lambda: dialog.findChild(QWidget, "itemsView").model().rowCount() == 1)
    qtbot.keyClick(search, Qt.Key_Down)  # to the list, then Enter edits the item
    qtbot.keyClick(focused(qtbot, "itemsView"), Qt.Key_Return)
    focused(qtbot, "itemNameField")
    price = dialog.findChild(QWidget, "itemPriceField")
    qtbot.waitUntil(lambda: price.text() == "2.50")
    price.setFocus()
    price.selectAll()
    qtbot.keyClicks(price, "2.75")
    qtbot.keyClick(price, Qt.Key_Return)
    qtbot.waitUntil(lambda: "$2.75" in dialog.findChild(QLabel, "itemMessageLabel").text())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog) or not dialog.isVisible())
    scan(qtbot, till_window, "1001")
    # the espresso already rung keeps the price it was rung at; the one scanned now sells at the new price
    assert bill_rows(till_window) == [("Espresso", "1", "$2.50"), ("Espresso", "1", "$2.75")]
    assert total_text(till_window) == "$5.25"
    scan(qtbot, till_window, "1001")  # and the next one joins the line at the new price
    assert bill_rows(till_window) == [("Espresso", "1", "$2.50"), ("Espresso", "2", "$5.50")]


def test_customers_typed_search_then_down_and_enter_opens_the_customer_and_esc_comes_back(qtbot, till_window):
    from PySide6.QtWidgets import QTabWidget

    manager_on_the_bill(qtbot, till_window, 1366)
    customers = open_menu_screen(qtbot, till_window, "customersAction", "customersWindow")
    view = customers.findChild(QWidget, "customerListView")
    qtbot.keyClicks(focused(qtbot, "customerListSearchEdit"), "emily")
    qtbot.waitUntil(lambda: view.model().rowCount() == 1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Down)  # from the search to the list, on its first row
    qtbot.keyClick(focused(qtbot, "customerListView"), Qt.Key_Return)
    qtbot.waitUntil(lambda: top("customerViewDialog") is not None)
    card = top("customerViewDialog")
    # it fits a 1024x768 counter screen: no wider than the screen, its buttons and tabs inside it
    assert card.minimumSizeHint().width() <= 1024, card.minimumSizeHint()
    card.resize(1024, 690)
    qtbot.waitUntil(lambda: card.width() == 1024)
    for name in ("reservationsTab", "viewEditCustomerButton", "eraseCustomerButton"):
        widget = card.findChild(QWidget, name)
        tab = widget.parentWidget().parentWidget() if name == "reservationsTab" else None
        shown = tab if tab is not None else widget
        assert card.rect().contains(QRect(shown.mapTo(card, QPoint(0, 0)), shown.size())), name
    assert "Emily Roberts" in card.windowTitle() + " ".join(w.text() for w in card.findChildren(QLabel))
    tabs = next(t for t in card.findChildren(QTabWidget) if t.findChild(QWidget, "reservationsTab") is not None)
    assert tabs.indexOf(card.findChild(QWidget, "reservationsTab")) >= 0
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(card) or not card.isVisible())
    focused(qtbot, "customerListView")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    qtbot.waitUntil(lambda: closed(customers) or not customers.isVisible())
    focused(qtbot, "itemCodeEdit")


def test_every_back_office_window_opens_within_the_screen(qtbot, till_window):
    """Opened on a screen smaller than the size a window would like (the test screen is 800 pixels wide, as a
    1024 counter screen is for a 1180-pixel window), it opens no wider or taller than the screen leaves, unless
    its content needs more."""
    from PySide6.QtWidgets import QPushButton

    manager_on_the_bill(qtbot, till_window)
    area = QApplication.primaryScreen().availableGeometry()

    def check(widget):
        need = widget.minimumSizeHint()
        assert widget.width() <= max(area.width(), need.width()), (widget.objectName(), widget.size(), area)
        assert widget.height() <= max(area.height(), need.height()), (widget.objectName(), widget.size(), area)

    for action in ("customersAction", "reservationsAction", "promotionsAction", "preferenceAuditAction"):
        before = set(w for w in QApplication.topLevelWidgets() if w.isVisible())
        till_window.findChild(QAction, action).trigger()
        qtbot.waitUntil(lambda before=before: len([w for w in QApplication.topLevelWidgets() if w.isVisible()
                                                   and w not in before]) == 1)
        check(next(w for w in QApplication.topLevelWidgets() if w.isVisible() and w not in before))
    customers = top("customersWindow")
    for button in ("newCustomerButton", "duplicatesButton", "pricingButton", "importCustomersButton"):
        before = set(w for w in QApplication.topLevelWidgets() if w.isVisible())
        customers.findChild(QPushButton, button).click()
        qtbot.waitUntil(lambda before=before: any(w.isVisible() and w not in before
                                                  for w in QApplication.topLevelWidgets()))
        opened = next(w for w in QApplication.topLevelWidgets() if w.isVisible() and w not in before)
        check(opened)
        assert opened.minimumSizeHint().width() <= 1024, (button, opened.minimumSizeHint())
        opened.close()
        qtbot.waitUntil(lambda opened=opened: closed(opened) or not opened.isVisible())

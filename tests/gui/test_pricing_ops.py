"""The pricing dialog's saves run as write operations: the message says so once written, the row is in the
database, the lists show it, and input that is not an amount is refused before anything is written."""

from __future__ import annotations

from backoffice_steps import open_screen, visible
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QTableWidget, QTabWidget

from app import categories, loyalty_rules
from db.models import Customer, CustomerCategory, LoyaltyTier


def _pricing(qtbot, till_window, customer_id=None):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    if customer_id:
        qtbot.waitUntil(lambda: not window.model.loading and window.model.rowCount() > 0)
        window.select_customer(customer_id)
    qtbot.mouseClick(window.findChild(QPushButton, "pricingButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: visible(window, "pricingDialog") is not None)
    return visible(window, "pricingDialog")


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    widget.clear()
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _message(dialog) -> str:
    return dialog.findChild(QLabel, "pricingMessageLabel").text()


def test_a_category_is_saved_on_the_write_worker_and_listed(qtbot, till_window):
    dialog = _pricing(qtbot, till_window)
    _type(qtbot, dialog.findChild(QLineEdit, "categoryNameEdit"), "Trade")
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveCategoryButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: _message(dialog) == "Category saved.")
    assert CustomerCategory.get(CustomerCategory.name == "Trade").active
    view = dialog.findChild(QTableWidget, "categoriesView")
    assert "Trade" in [view.item(r, 0).text() for r in range(view.rowCount())]
    # the same name again is refused by the service, on the worker, and said
    dialog.findChild(QPushButton, "newCategoryButton").click()
    _type(qtbot, dialog.findChild(QLineEdit, "categoryNameEdit"), "trade")
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveCategoryButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "already" in _message(dialog))
    assert CustomerCategory.select().where(CustomerCategory.name ** "trade").count() == 1


def test_a_customers_own_price_and_a_refused_amount(qtbot, till_window):
    emily = Customer.get(Customer.name == "Emily Roberts")
    dialog = _pricing(qtbot, till_window, emily.id)
    dialog.findChild(QTabWidget, "pricingTabs").setCurrentIndex(2)
    _type(qtbot, dialog.findChild(QLineEdit, "customerPriceItemCodeEdit"), "1001")
    _type(qtbot, dialog.findChild(QLineEdit, "customerPriceEdit"), "abc")
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveCustomerPriceButton"), Qt.LeftButton)
    assert _message(dialog) and "saved" not in _message(dialog)  # refused at once, nothing written
    assert categories.customer_item_prices(emily.id) == []
    _type(qtbot, dialog.findChild(QLineEdit, "customerPriceEdit"), "2.00")
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveCustomerPriceButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: _message(dialog) == "Customer price saved.")
    [(price, item)] = categories.customer_item_prices(emily.id)
    assert (item.code, price.price) == ("1001", 200)
    view = dialog.findChild(QTableWidget, "customerItemPricesView")
    qtbot.waitUntil(lambda: view.rowCount() == 1 and view.item(0, 3).text() == "$2.00")


def test_a_tier_and_the_loyalty_rules(qtbot, till_window):
    dialog = _pricing(qtbot, till_window)
    dialog.findChild(QTabWidget, "pricingTabs").setCurrentIndex(3)
    _type(qtbot, dialog.findChild(QLineEdit, "tierNameEdit"), "Diamond")
    _type(qtbot, dialog.findChild(QLineEdit, "tierMinSpendEdit"), "500")
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveTierButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: _message(dialog) == "Tier saved.")
    assert LoyaltyTier.get(LoyaltyTier.name == "Diamond").min_spend == 50000
    _type(qtbot, dialog.findChild(QLineEdit, "pointValueEdit"), "0.05")
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveLoyaltyRulesButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: _message(dialog) == "Loyalty rules saved.")
    assert loyalty_rules.rules().point_value == 5

"""Settings do what their words say, and a bill says what a change did to it: Show Customer Profile off
means no profile and shelf prices (said in the settings and on the bill when it happens mid-sale); "Ask
for allergies" prompts the cashier for a customer with none recorded; a held bill whose profile was
deactivated comes back saying so and what its total became."""

from __future__ import annotations

from backoffice_steps import open_screen, visible
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from sale_steps import bill_rows, choose_customer, key, message, scan, start, total_text, wait_dialog
from window_steps import focused

from app import customers, preferences, profiles, settings
from db.models import Customer, CustomerProfile, User


def _switch(window, **values):
    manager = User.get(User.name == "Manager")
    window.notify_settings_changed(settings.update(values, manager))


def test_the_settings_text_says_what_off_does(qtbot, till_window):
    dialog = open_screen(qtbot, till_window, "settings_action", "settingsDialog")
    words = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Off: no bill has a profile" in words and "shelf prices" in words
    assert "default profile or shelf prices" not in words  # what it used to claim, and did not do


def test_profiles_off_means_shelf_prices_and_switching_mid_sale_says_so(qtbot, till_window):
    start(qtbot, till_window, profiles=True)
    scan(qtbot, till_window, "1003")
    choose_customer(qtbot, till_window, "emily")
    assert till_window.sale_page.cart.profile.name == "VIP" and total_text(till_window) == "$6.21"
    _switch(till_window, show_customer_profile=False)
    assert total_text(till_window) == "$6.90" and till_window.sale_page.cart.profile is None  # shelf price
    said = message(till_window)
    assert "VIP profile was taken off" in said and "re-priced from $6.21 to $6.90" in said
    _switch(till_window, show_customer_profile=True)
    assert total_text(till_window) == "$6.21" and "VIP applies" in message(till_window)


def test_a_held_bill_whose_profile_was_deactivated_says_so_on_recall(qtbot, till_window):
    start(qtbot, till_window, profiles=True)
    scan(qtbot, till_window, "1003")
    choose_customer(qtbot, till_window, "emily")
    key(qtbot, till_window, Qt.Key_F5)
    vip = CustomerProfile.get(CustomerProfile.name == "VIP")
    profiles.set_active(vip.id, False, User.get(User.name == "Manager"))
    key(qtbot, till_window, Qt.Key_F6)
    wait_dialog(qtbot, till_window, "heldBillsDialog")
    qtbot.keyClick(focused(qtbot, "heldBillsView"), Qt.Key_Return)
    qtbot.waitUntil(lambda: bool(bill_rows(till_window)))
    said = message(till_window)
    assert "VIP profile is no longer active" in said and "re-priced from $6.21 to $6.90" in said
    assert total_text(till_window) == "$6.90"


def _ask_label(window) -> QWidget:
    return window.findChild(QLabel, "askAllergiesLabel")


def test_ask_for_allergies_prompts_for_a_customer_with_none_recorded(qtbot, till_window):
    manager = User.get(User.name == "Manager")
    ada = customers.create({"name": "Ada Quill", "phone": "+1 555 880 1234"}, manager)
    start(qtbot, till_window)
    scan(qtbot, till_window, "1002")  # an almond croissant (nuts) already on the bill
    choose_customer(qtbot, till_window, "Ada Quill")
    label = _ask_label(till_window)
    assert label.isVisible() and "Ask Ada about food allergies" in label.text()
    focused(qtbot, "itemCodeEdit")  # a prompt, not a dialog: the cashier can scan on
    key(qtbot, till_window, Qt.Key_A, Qt.AltModifier)
    dialog = wait_dialog(qtbot, till_window, "recordAllergiesDialog")
    nuts = dialog.checks["nuts"]
    number = list(dialog.checks).index("nuts") + 1
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and QApplication.focusWidget().window() is dialog)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_0 + number)
    assert nuts.isChecked()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    # recorded (every allergen yes or no), shown as an alert, and the croissant on the bill now needs a yes
    warning = wait_dialog(qtbot, till_window, "allergenConfirmDialog")
    assert preferences.allergies(Customer.get_by_id(ada.id)) == ["nuts"]
    assert preferences.allergies_recorded(ada.id) and not label.isVisible()
    assert "nuts" in till_window.findChild(QLabel, "customerAlertsLabel").text()
    qtbot.keyClick(warning, Qt.Key_Escape)


def test_no_prompt_once_answered_or_when_the_setting_is_off(qtbot, till_window):
    manager = User.get(User.name == "Manager")
    bo = customers.create({"name": "Bo Answered", "phone": "+1 555 880 2222"}, manager)
    customers.create({"name": "Cy Unasked", "phone": "+1 555 880 3333"}, manager)
    preferences.record_allergies(bo.id, set(), manager)  # asked before: "none"
    start(qtbot, till_window)
    choose_customer(qtbot, till_window, "Bo Answered")
    assert not _ask_label(till_window).isVisible() and preferences.allergies_recorded(bo.id)
    _switch(till_window, ask_for_allergies=False)
    choose_customer(qtbot, till_window, "Cy Unasked")
    assert not _ask_label(till_window).isVisible()
    _switch(till_window, ask_for_allergies=True)
    assert _ask_label(till_window).isVisible()
    assert visible(till_window, "recordAllergiesDialog") is None  # it never opens by itself

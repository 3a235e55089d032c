"""Settings: F4 saves and the open till reacts at once; every field is saved, bad input changes nothing."""

from __future__ import annotations

from backoffice_steps import open_screen
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton, QSpinBox

from app import preferences, settings
from db.models import AuditLog, Customer, PreferenceDefinition


def test_f4_shows_the_profile_dropdown_in_the_open_till(qtbot, till_window):
    dialog = open_screen(qtbot, till_window, "settings_action", "settingsDialog")
    combo = till_window.findChild(QComboBox, "customerProfileCombo")
    assert not combo.isVisible()
    dialog.findChild(QCheckBox, "showCustomerProfileCheck").setChecked(True)
    qtbot.keyClick(dialog.findChild(QLineEdit, "shopNameEdit"), Qt.Key_F4)
    qtbot.waitUntil(combo.isVisible)
    assert [combo.itemText(i) for i in range(combo.count())][:1] == [""]
    assert {"Retail", "Wholesale", "Staff", "VIP"} <= {combo.itemText(i) for i in range(combo.count())}
    assert settings.get("show_customer_profile") is True
    # and off again with the Update button
    dialog.findChild(QCheckBox, "showCustomerProfileCheck").setChecked(False)
    qtbot.mouseClick(dialog.findChild(QPushButton, "updateButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: not combo.isVisible())


def test_every_setting_is_saved_and_audited(qtbot, till_window):
    dialog = open_screen(qtbot, till_window, "settings_action", "settingsDialog")
    dialog.findChild(QLineEdit, "shopNameEdit").setText("Harbour Bakery")
    dialog.findChild(QLineEdit, "shopTaxNumberEdit").setText("GB 123 4567 89")
    dialog.findChild(QComboBox, "currencyCombo").setCurrentIndex(dialog.findChild(QComboBox, "currencyCombo").findData("GBP"))
    rounding = dialog.findChild(QComboBox, "cashRoundingCombo")
    rounding.setCurrentIndex(rounding.findData(5))
    dialog.findChild(QCheckBox, "pricesIncludeTaxCheck").setChecked(False)
    dialog.line_discount_edit.setValue(12.5)
    till_code = dialog.findChild(QLineEdit, "tillCodeEdit")
    till_code.setText("")
    qtbot.keyClicks(till_code, "b2")
    assert till_code.text() == "B2"
    dialog.findChild(QLineEdit, "centralUrlEdit").setText("https://hq.example.com:8700/")
    dialog.findChild(QSpinBox, "syncIntervalSpin").setValue(120)
    contact = dialog.findChild(QComboBox, "pref_communication_channel")
    contact.setCurrentIndex(contact.findData("SMS"))
    dialog.findChild(QCheckBox, "pref_diet_vegetarian").setChecked(True)
    changes = []
    till_window.settings_changed.connect(changes.append)
    qtbot.keyClick(dialog, Qt.Key_F4)
    qtbot.waitUntil(lambda: "Saved" in dialog.findChild(QLabel, "settingsMessageLabel").text())
    values = settings.all_settings()
    assert (values["shop_name"], values["shop_tax_number"], values["currency"], values["cash_rounding"],
            values["prices_include_tax"], values["line_discount_limit_bp"], values["sync_interval_s"],
            values["default_communication"]) == ("Harbour Bakery", "GB 123 4567 89", "GBP", 5, False, 1250, 120, "sms")
    assert (settings.local("till_code"), settings.local("central_url")) == ("B2", "https://hq.example.com:8700")
    michael = Customer.get(Customer.name == "Michael Chen")
    effective = preferences.effective_map(michael)
    assert (effective["communication.channel"], effective["diet.vegetarian"]) == ("SMS", True)
    assert changes and {"currency", "till_code", "preference:communication.channel"} <= set(changes[-1])
    actions = {e.action for e in AuditLog.select()}
    assert {"settings.update", "till.config", "preference.default"} <= actions


def test_bad_input_shows_why_and_changes_nothing(qtbot, till_window):
    dialog = open_screen(qtbot, till_window, "settings_action", "settingsDialog")
    before = (settings.all_settings(), settings.local("till_code"),
              [d.default for d in PreferenceDefinition.select().order_by(PreferenceDefinition.key)])
    dialog.findChild(QLineEdit, "shopNameEdit").setText("Renamed")
    dialog.findChild(QLineEdit, "centralUrlEdit").setText("hq.example.com")
    qtbot.keyClick(dialog, Qt.Key_F4)
    message = dialog.findChild(QLabel, "settingsMessageLabel").text()
    assert "central store URL" in message
    assert dialog.tabs.currentIndex() == 2 and dialog.findChild(QLineEdit, "centralUrlEdit").property("invalid")
    dialog.findChild(QLineEdit, "centralUrlEdit").setText("")
    dialog.findChild(QLineEdit, "tillCodeEdit").setText("TILL NUMBER 1")
    qtbot.keyClick(dialog, Qt.Key_F4)
    assert "till code" in dialog.findChild(QLabel, "settingsMessageLabel").text()
    after = (settings.all_settings(), settings.local("till_code"),
             [d.default for d in PreferenceDefinition.select().order_by(PreferenceDefinition.key)])
    assert after == before

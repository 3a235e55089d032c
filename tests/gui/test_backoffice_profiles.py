"""Customer profiles: add, edit, deactivate, reactivate; a deactivated profile leaves the bill's dropdown
but stays on old bills and in reports."""

from __future__ import annotations

import datetime as dt

from backoffice_helpers import make_bill
from backoffice_steps import open_screen, visible
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton

from app import reports, settings
from db.models import AuditLog, Bill, CustomerProfile, User


def _combo_items(window):
    combo = window.findChild(QComboBox, "customerProfileCombo")
    return [combo.itemText(i) for i in range(combo.count())]


def test_a_deactivated_profile_leaves_the_dropdown_but_not_old_bills(qtbot, till_window):
    staff = CustomerProfile.get(CustomerProfile.name == "Staff")
    old_bill = make_bill(User.get(User.name == "Cashier"), profile=staff, lines=[(None, 2, 450)])
    dialog = open_screen(qtbot, till_window, "profiles_action", "customerProfilesDialog")
    QAbstractItemModelTester(dialog.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert "Staff" in _combo_items(till_window)

    dialog.select_profile("Staff")
    assert dialog.findChild(QLineEdit, "profileNameEdit").text() == "Staff"
    assert "Used on" in dialog.findChild(QLabel, "profileUsageLabel").text()
    dialog.findChild(QCheckBox, "profileActiveCheck").setChecked(False)
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveProfileButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "Staff" not in _combo_items(till_window))
    assert "Retail" in _combo_items(till_window)
    assert not CustomerProfile.get_by_id(staff.id).active

    # the old bill keeps its profile, and reports still count it under that name
    assert Bill.get_by_id(old_bill.id).profile.name == "Staff"
    today = dt.date.today()
    report = reports.sales_report(today, today)
    assert any(r.label == "Staff" and r.total >= 900 for r in report.by_profile)
    assert ("Staff (inactive)", staff.id) in reports.profile_choices()
    assert AuditLog.select().where((AuditLog.action == "profile.deactivate") & (AuditLog.entity_id == staff.id)).exists()

    # reactivate: back in the dropdown
    dialog.findChild(QCheckBox, "profileActiveCheck").setChecked(True)
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveProfileButton"), Qt.LeftButton)
    qtbot.waitUntil(lambda: "Staff" in _combo_items(till_window))


def test_add_a_profile_with_a_unique_required_name_and_a_rule(qtbot, till_window):
    dialog = open_screen(qtbot, till_window, "profiles_action", "customerProfilesDialog")
    qtbot.mouseClick(dialog.findChild(QPushButton, "newProfileButton"), Qt.LeftButton)
    name = dialog.findChild(QLineEdit, "profileNameEdit")
    save = dialog.findChild(QPushButton, "saveProfileButton")
    qtbot.keyClicks(name, "vip")
    assert not save.isEnabled() and "already a profile called VIP" in dialog.name_error.text()
    name.clear()
    assert not save.isEnabled() and "needs a name" in dialog.name_error.text()
    qtbot.keyClicks(name, "Trade")
    assert save.isEnabled() and dialog.name_error.text() == ""
    rule = dialog.findChild(QComboBox, "profileRuleCombo")
    rule.setCurrentIndex(rule.findData("discount"))
    assert dialog.discount_edit.isVisible() and not dialog.price_list_combo.isVisible()
    qtbot.mouseClick(save, Qt.LeftButton)
    assert "more than 0%" in dialog.findChild(QLabel, "profileMessageLabel").text()
    assert not CustomerProfile.select().where(CustomerProfile.name == "Trade").exists()
    dialog.discount_edit.setValue(12.5)
    qtbot.mouseClick(save, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Added Trade" in dialog.findChild(QLabel, "profileMessageLabel").text())
    trade = CustomerProfile.get(CustomerProfile.name == "Trade")
    assert (trade.rule, trade.discount_bp, trade.active) == ("discount", 1250, True)
    qtbot.waitUntil(lambda: "Trade" in _combo_items(till_window))
    assert visible(till_window, "customerProfilesDialog") is dialog
    assert settings.get("show_customer_profile") is False

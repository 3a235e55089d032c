"""The Customers window's segment and profile filters (chosen by typing into the focused combo), their CSV
export, and the segments on the bill's customer panel."""

from __future__ import annotations

import csv
import datetime as dt

from backoffice_helpers import make_bill
from backoffice_steps import open_screen
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QTableView
from sale_steps import choose_customer, start

from app import segments
from db.ids import utcnow
from db.models import Customer, CustomerProfile, User
from ui.customers_window import ID_ROLE


def _shown(window):
    model = window.findChild(QTableView, "customerListView").model()
    return [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())]


def _choose(qtbot, window, combo_name: str, text: str) -> None:
    """Type the item's first word into the focused combo (a space would open its popup)."""
    combo = window.findChild(QComboBox, combo_name)
    combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo)
    if combo.findText(text) == 0:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Home)
    else:
        qtbot.keyClicks(QApplication.focusWidget(), text.split()[0])
    qtbot.waitUntil(lambda: combo.currentText() == text)
    qtbot.waitUntil(lambda: not window.model.loading)


def _listable():
    return Customer.select().where(Customer.deleted_at.is_null() & Customer.erased_at.is_null()
                                   & Customer.merged_into.is_null())


def test_segment_and_profile_filters_narrow_the_list_and_its_export(qtbot, till_window, tmp_path):
    cashier = User.get(User.name == "Cashier")
    retail = CustomerProfile.get(CustomerProfile.name == "Retail")
    from db.models import Bill

    lapsed = list(_listable().where((Customer.status == "active") & Customer.id.not_in(
        Bill.select(Bill.customer).where(Bill.customer.is_null(False)))).limit(3))
    for customer in lapsed:
        make_bill(cashier, customer=customer, when=utcnow() - dt.timedelta(days=500))
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    segment_combo = window.findChild(QComboBox, "customerSegmentCombo")
    profile_combo = window.findChild(QComboBox, "customerProfileFilterCombo")
    assert segment_combo.accessibleName() and profile_combo.accessibleName()
    assert [segment_combo.itemText(i) for i in range(segment_combo.count())] == [
        "All segments", "New", "Regular", "Lapsed", "VIP", "Birthday this week"]
    profiles = [p.name for p in CustomerProfile.live().order_by(CustomerProfile.name)]
    assert [profile_combo.itemText(i) for i in range(profile_combo.count())] == ["All profiles", *profiles]
    qtbot.waitUntil(lambda: not window.model.loading)
    everyone = len(_shown(window))

    _choose(qtbot, window, "customerSegmentCombo", "Lapsed")
    expected = {c.id for c in _listable() if "lapsed" in segments.of_customer(c.id)}
    assert {c.id for c in lapsed} <= expected
    assert set(_shown(window)) == expected and len(_shown(window)) < everyone
    assert "Lapsed" in window.findChild(QLabel, "customerCountLabel").text()

    _choose(qtbot, window, "customerProfileFilterCombo", "Retail")
    both = {c.id for c in _listable() if c.default_profile_id == retail.id and c.id in expected}
    assert set(_shown(window)) == both

    path = tmp_path / "lapsed-retail.csv"
    window.export_csv(str(path))
    qtbot.waitUntil(lambda: "Exported" in window.findChild(QLabel, "customerCountLabel").text())
    with open(path, newline="", encoding="utf-8") as fh:
        exported = [row["phone"] for row in csv.DictReader(fh)]
    assert sorted(exported) == sorted(Customer.get(Customer.id == i).phone for i in both)

    _choose(qtbot, window, "customerSegmentCombo", "All segments")
    assert set(_shown(window)) == {c.id for c in Customer.select().where(
        Customer.deleted_at.is_null() & (Customer.default_profile == retail.id))}


def test_the_bill_shows_the_customers_segments(qtbot, till_window):
    start(qtbot, till_window)
    choose_customer(qtbot, till_window, "Emily")
    emily = Customer.get(Customer.name == "Emily Roberts")
    label = till_window.findChild(QLabel, "customerSegmentLabel")
    expected = segments.describe(segments.of_customer(emily.id))
    assert expected and label.text() == expected and label.isVisible()
    assert label.textFormat() == Qt.PlainText


def test_a_long_list_shows_its_count_and_first_rows_then_all_of_them(qtbot, till_window, monkeypatch):
    from app import segment_lists
    from ui.customers_window import NAME

    monkeypatch.setattr(segment_lists, "HEAD", 5)
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    model = window.model
    qtbot.waitUntil(lambda: not model.loading)
    everyone = list(model.rowids)
    assert len(everyone) > 5
    steps = []

    def seen(count):
        steps.append((model.loading, list(model.rowids), model.rowCount(), count,
                      model.index(0, NAME).data(), model.index(len(everyone) - 1, NAME).data(),
                      window.findChild(QLabel, "customerCountLabel").text()))

    model.loaded.connect(seen)
    window.reload()
    qtbot.waitUntil(lambda: not model.loading)
    (partial, first, rows, count, top, bottom, label), done = steps
    assert partial and first == everyone[:5] and rows == count == len(everyone)
    assert top and bottom is None  # the rows beyond the head are blank until the whole list is read
    assert f"{len(everyone):,} customers" in label
    assert done[0] is False and done[1] == everyone and done[2] == len(everyone) and done[5]

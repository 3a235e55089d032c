"""A cashier at the counter, keyboard only: every key goes to whatever widget has the focus, as the
acceptance tests type. What the other GUI tests do not walk through: the session ending (sign-out, the
window closed) while the allergy warning still waits for its answer."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QDialog, QLabel
from sale_steps import bill_rows, choose_customer, finish, scan, start, total_text, wait_dialog
from window_steps import focused, sign_in

from app.main import build_till


def _type(qtbot, keys: str = "", then=None) -> None:
    """Into whatever has the focus now."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    if keys:
        qtbot.keyClicks(widget, keys)
    if then is not None:
        qtbot.keyClick(widget, then)


def _focus_in(qtbot, window_name: str):
    """The focused widget, once it is inside the window or dialog named."""
    def inside():
        widget = QApplication.focusWidget()
        return widget is not None and widget.window().objectName() == window_name
    qtbot.waitUntil(inside)
    return QApplication.focusWidget()


def _emily_with_the_croissant_waiting(qtbot, window):
    """Espresso, Emily chosen, then the almond croissant: the allergy warning is open and unanswered."""
    start(qtbot, window)
    scan(qtbot, window, "1001")
    choose_customer(qtbot, window, "emily")
    scan(qtbot, window, "1002")
    wait_dialog(qtbot, window, "allergenConfirmDialog")
    _focus_in(qtbot, "allergenConfirmDialog")
    assert [name for name, _, _ in bill_rows(window)][1].endswith("(nuts)")
    return bill_rows(window), total_text(window)


def _recall_and_answer(qtbot, window, answer):
    """F6, Enter on the held bill: the warning is asked again; ``answer`` (Enter keeps, Esc removes)."""
    _type(qtbot, then=Qt.Key_F6)
    qtbot.keyClick(focused(qtbot, "heldBillsView"), Qt.Key_Return)
    _focus_in(qtbot, "allergenConfirmDialog")
    _type(qtbot, then=answer)
    focused(qtbot, "itemCodeEdit")


def _visible_dialogs():
    return [w.objectName() for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and shiboken6.isValid(w) and w.isVisible()]


def test_signing_out_during_the_allergy_warning_keeps_the_line_and_asks_again_on_recall(qtbot, till_window):
    rows, total = _emily_with_the_croissant_waiting(qtbot, till_window)
    till_window.findChild(QAction, "signOutAction").trigger()
    focused(qtbot, "pinEdit")
    assert _visible_dialogs() == []
    sign_in(qtbot, till_window, "9999")
    focused(qtbot, "itemCodeEdit")
    assert bill_rows(till_window) == []
    _recall_and_answer(qtbot, till_window, Qt.Key_Return)
    assert bill_rows(till_window) == rows and total_text(till_window) == total


def test_closing_the_till_during_the_allergy_warning_leaves_no_dialog_and_keeps_the_line(qtbot, demo_db_path):
    window = build_till(["--db", str(demo_db_path)])
    rows, _ = _emily_with_the_croissant_waiting(qtbot, window)
    window.close()
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name.startswith(("till-sync", "till-task"))])
    assert _visible_dialogs() == []  # nothing of the closed till is left on the screen
    again = build_till(["--db", str(demo_db_path)])
    qtbot.addWidget(again)
    try:
        sign_in(qtbot, again, "1111")
        focused(qtbot, "itemCodeEdit")
        _recall_and_answer(qtbot, again, Qt.Key_Escape)  # this time the customer does not want it
        assert bill_rows(again) == rows[:1]
    finally:
        again.close()


def test_the_cash_typed_before_choosing_cash_is_kept_with_its_change(qtbot, till_window):
    """Emily prefers card, so the payment opens on Card; the cashier types the $10 note she hands over, then
    F1 (cash): the $10 stays, the change shows, Enter sells with that change."""
    start(qtbot, till_window)
    scan(qtbot, till_window, "1003")
    choose_customer(qtbot, till_window, "emily")
    qtbot.keyClick(focused(qtbot, "itemCodeEdit"), Qt.Key_F12)
    dialog = wait_dialog(qtbot, till_window, "paymentDialog")
    edit = focused(qtbot, "tenderedEdit")
    assert dialog.findChild(QComboBox, "paymentMethodCombo").currentText() == "Card" and edit.text() == "6.90"
    _type(qtbot, "10", Qt.Key_F1)
    assert dialog.findChild(QComboBox, "paymentMethodCombo").currentText() == "Cash"
    assert edit.text() == "10" and "Change due: $3.10" in dialog.findChild(QLabel, "changeDueLabel").text()
    _type(qtbot, then=Qt.Key_F2)  # a change of mind keeps what was typed too
    assert edit.text() == "10"
    _type(qtbot, then=Qt.Key_F1)
    _type(qtbot, then=Qt.Key_Return)
    bill = finish(qtbot, till_window, dialog)
    assert [(p.method, p.amount, p.tendered, p.change) for p in bill.payments] == [("cash", 690, 1000, 310)]


def test_closing_the_till_closes_its_back_office_windows(qtbot, demo_db_path):
    """Windows a manager opened from the till go with it: none is left on the screen over a closed database
    (nor keeps the application running)."""
    window = build_till(["--db", str(demo_db_path)])
    start(qtbot, window, pin="9999")
    for action in ("customersAction", "reportsAction", "reservationsAction", "itemsAction"):
        window.findChild(QAction, action).trigger()
    qtbot.waitUntil(lambda: len([w for w in QApplication.topLevelWidgets() if w.isVisible()]) == 5)
    window.close()
    assert [w.objectName() for w in QApplication.topLevelWidgets() if shiboken6.isValid(w) and w.isVisible()] == []


def test_every_manager_screen_fits_a_768_pixel_high_counter_screen(qtbot, till_window):
    """Opened from the till on a 1024x768 screen (a maximised window has about 690 pixels inside it): no manager
    screen needs more than that, so its buttons (the settings' updateButton among them) stay on the screen."""
    start(qtbot, till_window, pin="9999")
    actions = ["settingsAction", "customersAction", "profilesAction", "reportsAction", "staffAction", "itemsAction",
               "reservationsAction", "promotionsAction", "failedPinsAction", "preferenceAuditAction"]
    for action in actions:
        till_window.findChild(QAction, action).trigger()
    qtbot.waitUntil(lambda: len(_open_screens(till_window)) == len(actions))
    too_big = {w.objectName(): w.minimumSizeHint().toTuple() for w in _open_screens(till_window)
               if w.minimumSizeHint().width() > 1024 or w.minimumSizeHint().height() > 690}
    assert too_big == {}


def _open_screens(window):
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]


def test_an_item_typed_in_by_keyboard_sells_by_its_barcode_and_warns_of_its_allergen(qtbot, till_window):
    """Manage › Items, Ctrl+N, each field typed and Tab to the next, Enter saves, Esc closes: the barcode
    scans at once, and its allergen (typed in the comma-separated field) stops the bill of a customer
    flagged for it."""
    start(qtbot, till_window, pin="9999")
    till_window.findChild(QAction, "itemsAction").trigger()
    _focus_in(qtbot, "itemsDialog")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_N, Qt.ControlModifier)
    focused(qtbot, "itemCodeField")
    for field, text in [("itemCodeField", "7001"), ("itemNameField", "Pecan Tart"), ("itemPriceField", "4.35"),
                        ("itemBarcodeField", "0012345678905"), ("itemTaxRateField", "8"),
                        ("itemAllergensField", "Nuts, gluten"), ("itemTagsField", "vegetarian")]:
        _type(qtbot, text)
        assert focused(qtbot, field).text() == text
        _type(qtbot, then=Qt.Key_Tab)
    focused(qtbot, "itemActiveCheck")
    _type(qtbot, then=Qt.Key_Return)
    dialog = QApplication.focusWidget().window()
    qtbot.waitUntil(lambda: "Added 7001" in dialog.findChild(QLabel, "itemMessageLabel").text())
    _type(qtbot, then=Qt.Key_Escape)
    scan(qtbot, till_window, "0012345678905")
    assert bill_rows(till_window) == [("Pecan Tart", "1", "$4.35")]
    choose_customer(qtbot, till_window, "emily")
    _focus_in(qtbot, "allergenConfirmDialog")
    _type(qtbot, then=Qt.Key_Escape)
    focused(qtbot, "itemCodeEdit")
    assert bill_rows(till_window) == []


def test_the_signed_in_label_is_the_persons_name_and_the_role_is_beside_it(qtbot, till_window):
    signed = till_window.findChild(QLabel, "signedInLabel")
    role = till_window.findChild(QLabel, "signedInRoleLabel")
    for pin, name in (("1111", "Cashier"), ("9999", "Manager")):
        sign_in(qtbot, till_window, pin)
        focused(qtbot, "itemCodeEdit")
        assert signed.text() == name and role.text() == name and role.isVisible()  # the demo's names are roles
        till_window.findChild(QAction, "signOutAction").trigger()
        focused(qtbot, "pinEdit")
        assert signed.text() == "Not signed in" and role.text() == ""


def test_the_alerts_label_holds_her_allergy_as_recorded_and_shows_it_in_capitals(qtbot, till_window):
    """customerAlertsLabel holds the flags as the shop records them ("nuts"); the warning is drawn in capitals."""
    from PySide6.QtGui import QFont

    start(qtbot, till_window)
    choose_customer(qtbot, till_window, "emily")
    alerts = till_window.findChild(QLabel, "customerAlertsLabel")
    assert alerts.isVisible() and "nuts" in alerts.text() and alerts.textFormat() == Qt.PlainText
    assert alerts.font().capitalization() == QFont.AllUppercase


def test_an_unlinked_till_says_it_is_offline(qtbot, till_window):
    """syncStatusLabel is online/offline (UI_CONTRACT.md): a till with no central store is offline, and why."""
    start(qtbot, till_window)
    text = till_window.findChild(QLabel, "syncStatusLabel").text()
    assert "Offline" in text and "Not linked to a central store" in text


def test_the_focus_is_where_the_next_key_goes_the_moment_a_window_or_dialog_shows_or_closes(qtbot, demo_db_path):
    """No waiting between keys: right after build_till returns, and right after each key that opens or closes a
    dialog, the focused widget is the one the next key belongs to (activation is not left to a later pass of
    the event loop, when a key sent to "the focused widget" would find none)."""
    def now() -> str:
        widget = QApplication.focusWidget()
        return widget.objectName() if widget is not None else "nothing"

    def key(which, text=""):
        if text:
            qtbot.keyClicks(QApplication.focusWidget(), text)
        qtbot.keyClick(QApplication.focusWidget(), which)

    window = build_till(["--db", str(demo_db_path)])
    qtbot.addWidget(window)
    assert now() == "pinEdit"
    key(Qt.Key_Return, "1111")
    assert now() == "itemCodeEdit"
    key(Qt.Key_F2)
    assert now() == "customerSearchEdit"
    key(Qt.Key_Escape)
    assert now() == "itemCodeEdit"
    choose_customer(qtbot, window, "emily")
    assert now() == "itemCodeEdit"
    key(Qt.Key_Return, "1002")
    assert QApplication.focusWidget().window().objectName() == "allergenConfirmDialog"
    key(Qt.Key_Escape)
    assert now() == "itemCodeEdit" and bill_rows(window) == []
    key(Qt.Key_Return, "1001")
    key(Qt.Key_F12)
    assert now() == "tenderedEdit"
    key(Qt.Key_Escape)
    assert now() == "itemCodeEdit"


def test_the_customers_window_opens_with_the_keyboard_in_its_search(qtbot, till_window):
    """Ctrl+Shift+C from the bill (a manager): the window opens active, typing searches its list at once."""
    start(qtbot, till_window, pin="9999")
    qtbot.keyClick(focused(qtbot, "itemCodeEdit"), Qt.Key_C, Qt.ControlModifier | Qt.ShiftModifier)
    assert QApplication.focusWidget().objectName() == "customerListSearchEdit"
    _type(qtbot, "emily rob")
    view = QApplication.focusWidget().window().findChild(QAbstractItemView, "customerListView")
    qtbot.waitUntil(lambda: view.model().rowCount() == 1)
    model = view.model()
    assert "Emily Roberts" in [model.index(0, c).data() for c in range(model.columnCount())]


def test_recalling_over_an_open_bill_says_the_open_one_was_held(qtbot, till_window):
    from sale_steps import message

    start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    _type(qtbot, then=Qt.Key_F5)
    scan(qtbot, till_window, "1003")
    _type(qtbot, then=Qt.Key_F6)
    qtbot.keyClick(focused(qtbot, "heldBillsView"), Qt.Key_Return)
    qtbot.waitUntil(lambda: bill_rows(till_window) == [("Espresso", "1", "$2.50")])
    assert "Recalled" in message(till_window) and "held" in message(till_window)
    _type(qtbot, then=Qt.Key_F6)  # the wrap waits there
    view = focused(qtbot, "heldBillsView")
    assert any("$6.90" in (view.model().index(r, 1).data() or "") for r in range(view.model().rowCount()))


def test_after_choosing_the_profile_by_keyboard_the_bill_says_which_not_how(qtbot, till_window):
    from sale_steps import combo, message

    start(qtbot, till_window, profiles=True)
    scan(qtbot, till_window, "1001")
    qtbot.keyClick(focused(qtbot, "itemCodeEdit"), Qt.Key_P, Qt.AltModifier)
    assert "Enter goes back" in message(till_window)
    _type(qtbot, "W", Qt.Key_Return)
    focused(qtbot, "itemCodeEdit")
    assert combo(till_window).currentText() == "Wholesale"
    assert message(till_window) == "Profile Wholesale: the bill is priced by it"

"""Reservations through the real till window, as a host types them: a cashier books a table for a
customer (the seating preselected from their preference), seats them (a bill opens for them), completes
it; a no-show counts in the customer view and in the reports."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPushButton, QTableWidget
from sale_steps import closed, start, wait_dialog

from app import preferences, reservations
from db.models import Customer, Reservation, User

SCREENS = Path("/work/notes/screens/returns")


def typed(text: str = "", key=None) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    if text:
        QTest.keyClicks(widget, text)
    if key is not None:
        QTest.keyClick(QApplication.focusWidget(), key)


def focused(qtbot, name: str) -> None:
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().objectName() == name)


def open_reservations(qtbot, till_window):
    till_window.reservations_action.trigger()
    qtbot.waitUntil(lambda: any(w.isVisible() for w in till_window.findChildren(QWidgetType, "reservationsWindow")))
    return next(w for w in till_window.findChildren(QWidgetType, "reservationsWindow") if w.isVisible())


from PySide6.QtWidgets import QWidget as QWidgetType  # noqa: E402


def book(qtbot, till_window, win, who: str, time: str, party: str, notes: str = "") -> Reservation:
    before = Reservation.select().count()
    QTest.keyClick(win, Qt.Key_N, Qt.ControlModifier)
    focused(qtbot, "reservationCustomerButton")
    typed(key=Qt.Key_Return)  # opens the customer picker
    picker = wait_dialog(qtbot, till_window, "customerPickerDialog")
    focused(qtbot, "customerSearchEdit")
    typed(who)
    qtbot.waitUntil(lambda: picker.is_current() and picker.results_model.rowCount() > 0)
    typed(key=Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(picker))
    focused(qtbot, "reservationTimeEdit")
    typed(time, Qt.Key_Tab)
    focused(qtbot, "reservationPartySizeSpin")
    typed(party, Qt.Key_Tab)
    focused(qtbot, "reservationSeatingCombo")
    typed(key=Qt.Key_Tab)
    focused(qtbot, "reservationNotesEdit")
    typed(notes, Qt.Key_Return)
    qtbot.waitUntil(lambda: Reservation.select().count() == before + 1)
    return Reservation.select().order_by(Reservation.created_at.desc(), Reservation.id.desc()).first()


def status_cells(win) -> list[str]:
    view = win.findChild(QTableWidget, "reservationsView")
    return [view.item(r, 4).text() for r in range(view.rowCount())]


def test_a_cashier_books_seats_and_completes_and_a_no_show_is_counted(qtbot, till_window):
    emily = Customer.get(Customer.name == "Emily Roberts")
    preferences.set_override(emily, "seating.preferred", "Booth", User.get(User.name == "Manager"))
    start(qtbot, till_window, profiles=True)  # a cashier: no manager PIN is asked
    win = open_reservations(qtbot, till_window)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)

    row = book(qtbot, till_window, win, "Emily", "19:30", "4", "Birthday")
    assert (row.customer_id, row.time, row.party_size, row.seating, row.notes, row.status) == (
        emily.id, "19:30", 4, "Booth", "Birthday", "booked")
    assert win.findChild(QComboBox, "reservationSeatingCombo").currentText() == "Booth"
    qtbot.waitUntil(lambda: status_cells(win) == ["Booked"])
    focused(qtbot, "reservationsView")
    # edit: the chosen booking is in the form; the party grows to five
    assert win.findChild(QLabel, "reservationFormTitle").text() == "Edit reservation · Booked"
    party = win.findChild(QWidgetType, "reservationPartySizeSpin")
    party.setFocus()
    party.selectAll()
    typed("5", Qt.Key_Return)
    qtbot.waitUntil(lambda: Reservation.get_by_id(row.id).party_size == 5)
    assert Reservation.select().count() == 1
    focused(qtbot, "reservationsView")

    typed(key=Qt.Key_F5)  # seat: a bill opens for her with her profile and preferences
    qtbot.waitUntil(lambda: Reservation.get_by_id(row.id).status == "seated")
    qtbot.waitUntil(lambda: status_cells(win) == ["Seated"])
    cart = till_window.sale_page.cart
    assert cart.customer is not None and cart.customer.id == emily.id and cart.profile.name == "VIP"
    assert "Table for 5, Booth: Birthday" in cart.note
    win.activateWindow()
    win.findChild(QTableWidget, "reservationsView").setFocus()
    typed(key=Qt.Key_F6)
    qtbot.waitUntil(lambda: Reservation.get_by_id(row.id).status == "completed")
    qtbot.waitUntil(lambda: status_cells(win) == ["Completed"])

    late = book(qtbot, till_window, win, "Emily", "21:00", "2")
    qtbot.waitUntil(lambda: len(status_cells(win)) == 2)
    typed(key=Qt.Key_F7)
    qtbot.waitUntil(lambda: Reservation.get_by_id(late.id).status == "no_show")
    qtbot.waitUntil(lambda: status_cells(win) == ["Completed", "No-show"])
    assert "21:00" in win.findChild(QLabel, "reservationMessageLabel").text()
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 1024):
        win.resize(width, 768)
        QApplication.processEvents()
        win.grab().save(str(SCREENS / f"reservations_window_{width}.png"))
    win.close()

    # the customer view (a manager's screen) and the reports count the no-show
    till_window.sign_out()
    start(qtbot, till_window, "9999")
    customers = till_window.customers_action
    customers.trigger()
    qtbot.waitUntil(lambda: any(w.isVisible() for w in till_window.findChildren(QWidgetType, "customersWindow")))
    customers_window = next(w for w in till_window.findChildren(QWidgetType, "customersWindow") if w.isVisible())
    view = customers_window.view_customer(emily.id)
    tab = view.findChild(QWidgetType, "reservationsTab")
    assert tab is not None and tab.accessibleName() == "Reservations"
    assert view.findChild(QLabel, "reservationCountsLabel").text() == "Visits 1 · No-shows 1 · Cancellations 0"
    history = view.findChild(QTableWidget, "customerReservationsView")
    assert sorted(history.item(r, 4).text() for r in range(history.rowCount())) == ["Completed", "No-show"]
    view.accept()

    till_window.reports_action.trigger()
    qtbot.waitUntil(lambda: any(w.isVisible() for w in till_window.findChildren(QWidgetType, "reportsWindow")))
    reports_window = next(w for w in till_window.findChildren(QWidgetType, "reportsWindow") if w.isVisible())
    label = reports_window.findChild(QLabel, "reportCoversLabel")
    qtbot.waitUntil(lambda: label.text().startswith("Covers 5 · No-show rate 50.0%"))
    by_profile = reports_window.findChild(QTableWidget, "reportCoversByProfileView")
    assert (by_profile.item(0, 0).text(), by_profile.item(0, 3).text()) == ("VIP", "1")
    assert reservations.covers_report(*reports_window.dates()).total.no_shows == 1
    assert isinstance(win, QWidgetType) and QPushButton is not None

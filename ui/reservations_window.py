"""Reservations (``reservationsWindow``, Till › Reservations, Ctrl+Shift+B): the day's bookings by time, a
date picker, and the booking form. Open to every signed-in person: a host books tables.

Keyboard first: Ctrl+N a new booking (the focus goes to the customer button: Enter opens the customer
picker, quick add included; after the pick the focus is in the time field), Tab through party size, seating
(preselected from the customer's seating preference) and notes, Enter saves. On the list, ↑↓ choose a
booking (it fills the form for editing); F5 seats it (and opens a bill for the customer with their profile
and preferences), F6 completes it, F7 marks a no-show, F8 cancels it; PgUp / PgDn go a day back or on.
Writes run on the till's write worker; the list is re-read when anything changes, also after a sync.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import customers, dates, plurals, reservations
from app.errors import TillError
from ui import ops
from ui.form_helpers import (
    PageHeader,
    StatusBadgeDelegate,
    hbox,
    list_table,
    named,
    primary,
    set_role,
)
from ui.reservation_fields import NotesField, TimeField
from ui.style import style_class

COLUMNS = ["Time", "Customer", "Party", "Seating", "Status", "Notes"]
COL_STATUS = 4
STATUS_KEYS = {Qt.Key_F5: reservations.SEATED, Qt.Key_F6: reservations.COMPLETED, Qt.Key_F7: reservations.NO_SHOW,
               Qt.Key_F8: reservations.CANCELLED}


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ReservationsWindow(QWidget):
    def __init__(self, window):
        super().__init__(window, Qt.Window)
        self.window_ = window
        # what the customer picker uses of its parent window
        self.reads, self.writes, self.till = window.reads, window.writes, window.till
        self.bookings: list[reservations.Booking] = []
        self.editing: str | None = None  # the reservation in the form (None: a new one)
        self.customer_id: str | None = None
        self.setObjectName("reservationsWindow")
        self.setAccessibleName("Reservations")
        self.setWindowTitle(self.tr("Reservations"))
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(1180, 700)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        self.header = PageHeader(self.tr("Reservations"), "")
        self.prev_button = named(QPushButton(self.tr("◀  PgUp")), "reservationsPrevDayButton", "Day before")
        self.today_button = named(QPushButton(self.tr("Today")), "reservationsTodayButton", "Today")
        self.next_button = named(QPushButton(self.tr("PgDn  ▶")), "reservationsNextDayButton", "Day after")
        self.date_edit = named(QDateEdit(), "reservationsDateEdit", "Day")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(dates.qt_format("yMMMEd"))
        self.date_edit.setDate(_qdate(dt.date.today()))
        self.date_edit.dateChanged.connect(lambda *_: self.load())
        self.prev_button.setToolTip(self.tr("The day before (PgUp)"))
        self.next_button.setToolTip(self.tr("The day after (PgDn)"))
        self.prev_button.clicked.connect(lambda: self.shift_day(-1))
        self.next_button.clicked.connect(lambda: self.shift_day(1))
        self.today_button.clicked.connect(lambda: self.date_edit.setDate(_qdate(dt.date.today())))
        layout.addLayout(hbox(self.header, None, self.prev_button, self.date_edit, self.today_button,
                              self.next_button))

        self.view = list_table("reservationsView", COLUMNS, row_height=34, stretch=5)
        self.view.setAccessibleName("The day's reservations")
        self.view.setItemDelegateForColumn(COL_STATUS, StatusBadgeDelegate(self.view))
        self.view.itemSelectionChanged.connect(self._row_chosen)
        self.view.installEventFilter(self)
        self.new_button = primary(named(QPushButton(self.tr("New  Ctrl+N")), "newReservationButton",
                                        "New reservation"))
        self.new_button.clicked.connect(self.new)
        self.seat_button = named(QPushButton(self.tr("Seat  F5")), "seatReservationButton", "Seat")
        self.complete_button = named(QPushButton(self.tr("Completed  F6")), "completeReservationButton", "Completed")
        self.no_show_button = named(QPushButton(self.tr("No-show  F7")), "noShowReservationButton", "No-show")
        self.cancel_button = named(QPushButton(self.tr("Cancel  F8")), "cancelReservationButton", "Cancel booking")
        self.cancel_button.setProperty("danger", True)
        for key, button in zip(STATUS_KEYS, (self.seat_button, self.complete_button, self.no_show_button,
                                             self.cancel_button), strict=True):
            button.clicked.connect(lambda _=False, status=STATUS_KEYS[key]: self.change_status(status))
        self.open_bill_check = named(QCheckBox(self.tr("Seating opens a bill for the customer")), "reservationOpenBillCheck",
                                     "Seating opens a bill")
        self.open_bill_check.setChecked(True)
        self.summary = named(QLabel(""), "reservationsSummaryLabel", "Summary")
        set_role(self.summary, "hint")
        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addLayout(hbox(self.new_button, None, self.seat_button, self.complete_button, self.no_show_button,
                            self.cancel_button))
        left.addLayout(hbox(self.open_bill_check, None, self.summary))
        body = hbox(left, self._form())
        body.setStretch(0, 3)
        body.setStretch(1, 2)
        layout.addLayout(body, 1)
        self.message = named(QLabel(""), "reservationMessageLabel", "Message")
        self.message.setTextFormat(Qt.PlainText)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        window.changed.connect(self._data_changed)
        relay = getattr(getattr(window, "sync_status", None), "_relay", None)
        self._last_sync = None
        if relay is not None:  # bookings made on other tills show after each sync round
            relay.status.connect(self._synced)
        self.load()
        self.new(focus=False)

    def _form(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("sidePanel")
        box = QVBoxLayout(panel)
        box.setContentsMargins(16, 14, 16, 14)
        self.form_title = named(QLabel(self.tr("New reservation")), "reservationFormTitle", "Form")
        style_class(self.form_title, "form-title")
        box.addWidget(self.form_title)
        form = QFormLayout()
        self.customer_button = named(QPushButton(self.tr("Choose the customer…  F2")), "reservationCustomerButton",
                                     "Customer")
        self.customer_button.clicked.connect(self.pick_customer)
        self.customer_button.installEventFilter(self)
        self.day_edit = named(QDateEdit(), "reservationFormDateEdit", "Date")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat(dates.qt_format("yMMMEd"))
        self.time_edit = named(TimeField(), "reservationTimeEdit", "Time")
        self.time_edit.setPlaceholderText(self.tr("HH:MM, e.g. 19:30"))
        self.time_edit.setMaxLength(5)
        self.party_spin = named(QSpinBox(), "reservationPartySizeSpin", "Party size")
        self.party_spin.setRange(1, reservations.MAX_PARTY)
        self.party_spin.setValue(2)
        self.seating_combo = named(QComboBox(), "reservationSeatingCombo", "Seating")
        self.notes_edit = named(NotesField(), "reservationNotesEdit", "Notes")
        self.notes_edit.setPlaceholderText(self.tr("Birthday, high chair, allergies…"))
        self.notes_edit.setMaxLength(500)
        for label, widget in [("Customer", self.customer_button), ("Date", self.day_edit), ("Time", self.time_edit),
                              ("Party", self.party_spin), ("Seating", self.seating_combo), ("Notes", self.notes_edit)]:
            form.addRow(label, widget)
        for widget in (self.time_edit, self.notes_edit):
            widget.returnPressed.connect(self.save)
        self.party_spin.installEventFilter(self)
        self.seating_combo.installEventFilter(self)
        box.addLayout(form)
        self.save_button = primary(named(QPushButton(self.tr("Save  Enter")), "saveReservationButton", "Save reservation"))
        self.save_button.clicked.connect(self.save)
        box.addLayout(hbox(None, self.save_button))
        box.addStretch(1)
        return panel

    # --- the list -------------------------------------------------------------------------------------------

    def day(self) -> dt.date:
        return self.date_edit.date().toPython()

    def shift_day(self, days: int) -> None:
        self.date_edit.setDate(self.date_edit.date().addDays(days))

    def load(self) -> None:
        chosen = self.current_id()
        self.bookings = reservations.for_day(self.day())  # one indexed range of one day
        self.view.blockSignals(True)
        self.view.setRowCount(len(self.bookings))
        for r, b in enumerate(self.bookings):
            party = QTableWidgetItem(str(b.party_size))
            party.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            for c, item in enumerate([QTableWidgetItem(b.time), QTableWidgetItem(b.customer_name), party,
                                      QTableWidgetItem(b.seating), QTableWidgetItem(b.status_label),
                                      QTableWidgetItem(b.notes)]):
                self.view.setItem(r, c, item)
        if chosen:
            self.select(chosen)  # signals still blocked: a re-read never refills the form being typed in
        self.view.blockSignals(False)
        waiting = [b for b in self.bookings if b.status == reservations.BOOKED]
        covers = sum(b.party_size for b in self.bookings if b.status in (reservations.SEATED, reservations.COMPLETED))
        no_shows = sum(b.status == reservations.NO_SHOW for b in self.bookings)
        self.header.set_subtitle(dates.long_day(self.day()))
        self.summary.setText(self.tr("{waiting} to come ({guests} guests) · {covers} covers seated · {no_shows}").format(
            waiting=len(waiting), guests=sum(b.party_size for b in waiting), covers=covers, no_shows=plurals.count(no_shows, "no-show")))
        self._enable_actions()

    def current_id(self) -> str | None:
        row = self.view.currentRow()
        return self.bookings[row].id if 0 <= row < len(self.bookings) and self.view.selectedItems() else None

    def select(self, reservation_id: str) -> None:
        for r, b in enumerate(self.bookings):
            if b.id == reservation_id:
                self.view.selectRow(r)
                return

    def _synced(self, status) -> None:
        when = getattr(status, "last_sync_at", None)
        if when is not None and when != self._last_sync and not getattr(status, "syncing", False):
            self._last_sync = when
            self.load()

    def _data_changed(self, changes) -> None:
        if changes.any_of("reservation", "customer"):
            self.load()

    def _enable_actions(self) -> None:
        current = next((b for b in self.bookings if b.id == self.current_id()), None)
        allowed = reservations.NEXT.get(current.status, set()) if current else set()
        for status, button in zip(STATUS_KEYS.values(), (self.seat_button, self.complete_button, self.no_show_button,
                                                         self.cancel_button), strict=True):
            button.setEnabled(status in allowed)

    def _row_chosen(self) -> None:
        self._enable_actions()
        reservation_id = self.current_id()
        if reservation_id:
            self.edit(reservation_id)

    # --- the form ------------------------------------------------------------------------------------------------

    def say(self, text: str, kind: str = "error") -> None:
        style_class(self.message, "error" if kind == "error" else "ok")
        self.message.setText(text)

    def _fill_seating(self, value: str) -> None:
        self.seating_combo.clear()
        self.seating_combo.addItem(self.tr("No preference"), "")
        for choice in reservations.seating_choices():
            self.seating_combo.addItem(choice, choice)
        if value and self.seating_combo.findData(value) < 0:
            self.seating_combo.addItem(value, value)
        self.seating_combo.setCurrentIndex(max(self.seating_combo.findData(value), 0))

    def new(self, focus: bool = True) -> None:
        self.editing = None
        self.view.clearSelection()
        self.form_title.setText(self.tr("New reservation"))
        self._set_customer(None)
        self.day_edit.setDate(self.date_edit.date())
        self.time_edit.clear()
        self.party_spin.setValue(2)
        self._fill_seating("")
        self.notes_edit.clear()
        self.save_button.setText(self.tr("Book  Enter"))
        if focus:
            self.customer_button.setFocus()

    def edit(self, reservation_id: str) -> None:
        b = reservations.booking(reservation_id)
        self.editing = b.id
        self.form_title.setText(self.tr("Edit reservation · {status_label}").format(status_label=b.status_label))
        self._set_customer(b.customer_id, b.customer_name)
        self.day_edit.setDate(_qdate(dt.date.fromisoformat(b.day)))
        self.time_edit.setText(b.time)
        self.party_spin.setValue(b.party_size)
        self._fill_seating(b.seating)
        self.notes_edit.setText(b.notes)
        self.save_button.setText(self.tr("Save  Enter"))

    def _set_customer(self, customer_id: str | None, name: str = "") -> None:
        self.customer_id = customer_id
        self.customer_button.setText(f"{name}  F2" if customer_id else self.tr("Choose the customer…  F2"))

    def pick_customer(self):
        from ui.customer_picker import CustomerPickerDialog

        dialog = CustomerPickerDialog(self)
        dialog.picked.connect(self._picked)
        self.window_.keep_open(dialog)
        dialog.open()
        dialog.search_edit.setFocus()
        return dialog

    def _picked(self, customer_id: str) -> None:
        customer = customers.get(customer_id)
        self._set_customer(customer.id, customer.name)
        self._fill_seating(reservations.preferred_seating(customer.id))  # the seating preference, applied
        self.activateWindow()  # back from the picker: the host types the time next
        self.time_edit.setFocus()

    def values(self) -> dict:
        return {"customer": self.customer_id, "day": self.day_edit.date().toPython(), "time": self.time_edit.text(),
                "party_size": self.party_spin.value(), "seating": self.seating_combo.currentData() or "",
                "notes": self.notes_edit.text()}

    def save(self) -> None:
        values, user, editing = self.values(), self.till.user, self.editing
        if editing is None:
            job = (reservations.create, values, user)
        else:
            job = (reservations.update, editing, values, user)

        def done(row):
            who = self.customer_button.text().removesuffix("  F2")
            booked = self.tr("Booked {time} for {who}, party of {party}").format(time=row.time, who=who, party=row.party_size)
            self.say(booked if editing is None else self.tr("Saved"), "info")
            if _qdate(dt.date.fromisoformat(row.day)) != self.date_edit.date():
                self.date_edit.setDate(_qdate(dt.date.fromisoformat(row.day)))
            self.load()  # the list holds the new row before it is chosen (the announced change reloads it too)
            self.window_.sync_status.refresh()
            self.select(row.id)
            self.view.setFocus()

        ops.write(self.window_, *job, owner=self).success(done).failure(self._failed).run()

    def _failed(self, exc) -> None:
        self.say(exc.message if isinstance(exc, TillError) else self.tr("Not saved: {exc}").format(exc=exc))

    def change_status(self, status: str) -> None:
        reservation_id = self.current_id()
        if reservation_id is None:
            self.say(self.tr("Choose a reservation in the list first (↑↓)."))
            return
        booking = next(b for b in self.bookings if b.id == reservation_id)

        def done(row):
            self.say(self.tr("{name} at {time}: {status}").format(name=booking.customer_name, time=row.time,
                                                                  status=reservations.LABELS[row.status]), "info")
            self.load()
            self.edit(row.id)
            self.window_.sync_status.refresh()
            if status == reservations.SEATED and self.open_bill_check.isChecked():
                self.open_bill(booking)

        ops.write(self.window_, reservations.set_status, reservation_id, status, self.till.user, owner=self).success(
            done).failure(self._failed).run()

    def open_bill(self, booking: reservations.Booking) -> None:
        """The seated customer on the bill (their profile and preferences follow); an open bill is held."""
        from ui.reservation_seating import seat_on_bill

        if seat_on_bill(self.window_.sale_page, booking):
            self.say(self.tr("{name} is seated; their bill is open on the till.").format(name=booking.customer_name), "info")

    # --- keys ------------------------------------------------------------------------------------------------------

    def eventFilter(self, watched, event):
        if event.type() == event.Type.KeyPress:
            key = event.key()
            if watched is self.customer_button and key in (Qt.Key_Return, Qt.Key_Enter):
                self.pick_customer()
                return True
            if watched in (self.party_spin, self.seating_combo) and key in (Qt.Key_Return, Qt.Key_Enter):
                self.save()
                return True
            if watched is self.view and key in STATUS_KEYS:
                self.change_status(STATUS_KEYS[key])
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key_N and mods & Qt.ControlModifier:
            self.new()
        elif key == Qt.Key_F2:
            self.pick_customer()
        elif key in STATUS_KEYS:
            self.change_status(STATUS_KEYS[key])
        elif key in (Qt.Key_PageUp, Qt.Key_PageDown):
            self.shift_day(-1 if key == Qt.Key_PageUp else 1)
        elif key == Qt.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)


def open_reservations(window) -> ReservationsWindow:
    """Till › Reservations: raised if already open; closed when the person signs out."""
    from ui.backoffice import _existing, _keep

    found = _existing(window, "reservationsWindow")
    if found is not None:
        return found
    widget = ReservationsWindow(window)
    _keep(window, widget, widget.show)
    widget.activateWindow()
    widget.new_button.setFocus()
    return widget

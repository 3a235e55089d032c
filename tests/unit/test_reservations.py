"""Reservations: booking rules, the status path, seating from the customer's preference, the customer's
history counts, the covers and no-show report, and that a reservation never disappears."""

from __future__ import annotations

import datetime as dt

import pytest

from app import auth, preferences, privacy, reservations
from app.errors import ValidationError
from db.models import Customer, CustomerProfile, Outbox, Reservation

TODAY = dt.date.today()


@pytest.fixture
def shop(demo_db):
    return {"manager": auth.User.get(auth.User.name == "Manager"),
            "cashier": auth.User.get(auth.User.name == "Cashier"),
            "emily": Customer.get(Customer.name == "Emily Roberts")}


def book(shop, **values):
    data = {"customer": shop["emily"].id, "day": TODAY, "time": "19:30", "party_size": 4} | values
    return reservations.create(data, shop["cashier"])


def test_a_cashier_books_and_the_seating_starts_at_the_customers_preference(shop):
    emily = shop["emily"]
    assert reservations.seating_choices() == ["Window", "Booth", "Bar", "Outside"]
    preferences.set_override(emily, "seating.preferred", "Booth", shop["cashier"])
    row = book(shop, time="1930")
    assert (row.time, row.party_size, row.seating, row.status) == ("19:30", 4, "Booth", "booked")
    assert reservations.preferred_seating(emily.id) == "Booth"
    chosen = book(shop, time="12:00", seating="Window")  # the host may choose otherwise
    assert chosen.seating == "Window"
    assert [b.time for b in reservations.for_day(TODAY)] == ["12:00", "19:30"]
    assert Outbox.select().where((Outbox.table_name == "reservation") & (Outbox.row_id == row.id)).count() == 1


@pytest.mark.parametrize("values, message", [
    ({"time": "25:00"}, "HH:MM"), ({"time": "evening"}, "HH:MM"), ({"party_size": 0}, "1 to"),
    ({"seating": "Roof"}, "Seating is one of"), ({"customer": "nobody"}, "Choose the customer"),
    ({"notes": "card 4111 1111 1111 1111"}, "card"),
])
def test_bad_input_is_refused_in_words_and_nothing_is_written(shop, values, message):
    before = Reservation.select().count()
    with pytest.raises(ValidationError, match=message):
        book(shop, **values)
    assert Reservation.select().count() == before


def test_status_path_edits_write_only_what_changed_and_a_reservation_never_disappears(shop):
    row = book(shop)
    updated = reservations.update(row.id, {"party_size": 6, "time": "19:30"}, shop["cashier"])
    assert updated.party_size == 6
    last = Outbox.select().where(Outbox.row_id == row.id).order_by(Outbox.seq.desc()).first()
    assert "party_size" in last.fields and "time" not in last.fields  # merged field by field
    with pytest.raises(ValidationError, match="cannot become completed"):
        reservations.set_status(row.id, reservations.COMPLETED, shop["cashier"])
    reservations.set_status(row.id, reservations.SEATED, shop["cashier"])
    assert reservations.set_status(row.id, reservations.COMPLETED, shop["cashier"]).status == "completed"
    with pytest.raises(ValueError, match="never deleted"):
        Reservation.get_by_id(row.id).delete_instance()
    assert reservations.booking(row.id).status_label == "Completed"


def test_history_counts_and_the_covers_report_with_a_no_show(shop):
    emily = shop["emily"]
    yesterday = TODAY - dt.timedelta(days=1)
    came = book(shop, day=yesterday, party_size=3)
    reservations.set_status(came.id, reservations.SEATED, shop["cashier"])
    reservations.set_status(came.id, reservations.COMPLETED, shop["cashier"])
    missed = book(shop, day=yesterday, time="20:00", party_size=2)
    reservations.set_status(missed.id, reservations.NO_SHOW, shop["cashier"])
    called_off = book(shop, time="18:00")
    reservations.set_status(called_off.id, reservations.CANCELLED, shop["cashier"])
    history = reservations.for_customer(emily.id)
    assert (history.visits, history.no_shows, history.cancellations) == (1, 1, 1)
    assert [b.status_label for b in history.bookings] == ["Cancelled", "No-show", "Completed"]

    report = reservations.covers_report(yesterday, TODAY)
    assert (report.total.reservations, report.total.covers, report.total.no_shows) == (2, 3, 1)
    assert report.total.no_show_rate == 0.5
    assert [(r.key, r.covers, r.no_shows) for r in report.by_day] == [(yesterday.isoformat(), 3, 1)]
    vip = CustomerProfile.get(CustomerProfile.name == "VIP")
    assert [(r.label, r.covers, r.no_shows) for r in report.by_profile] == [("VIP", 3, 1)]
    assert reservations.covers_report(yesterday, TODAY, vip.id).total.no_shows == 1
    assert reservations.covers_report(yesterday, TODAY, "").total.reservations == 0


def test_erasing_the_customer_clears_booking_notes_and_keeps_the_figures(shop):
    row = book(shop, notes="Anniversary, call 555-0100")
    reservations.set_status(row.id, reservations.NO_SHOW, shop["cashier"])
    privacy.erase(shop["emily"].id, shop["manager"])
    kept = Reservation.get_by_id(row.id)
    assert kept.notes == "" and kept.status == "no_show"
    queued = [o.payload.get("notes") for o in Outbox.select().where(Outbox.row_id == row.id)]
    assert "Anniversary, call 555-0100" not in queued

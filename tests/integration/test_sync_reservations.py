"""Reservations between tills through a real central server on real PostgreSQL: booked on one till, seen,
seated and completed on another; edits made on two tills while apart merge field by field, the status
decided by the later hybrid-clock stamp; a reservation never disappears."""

from __future__ import annotations

import datetime as dt

import pytest
from sync_helpers import link_two_tills, opened, sync, table_rows

from app import reservations
from db.models import User

pytestmark = pytest.mark.postgres
DAY = dt.date.today() + dt.timedelta(days=1)


def _two_tills(central_server, shop, first_till, tmp_path):
    return link_two_tills(central_server, shop, first_till, tmp_path)


def _host():
    return User.get(User.name == "Cashier")


def test_booked_on_one_till_seated_and_completed_on_another(central_server, shop, first_till, tmp_path):
    t1, t2, known = _two_tills(central_server, shop, first_till, tmp_path)
    customer = known["customers"][0]
    with opened(t1):
        booked = reservations.create({"customer": customer, "day": DAY, "time": "19:30", "party_size": 4,
                                      "notes": "window if possible"}, _host())
    assert sync(t1).rejected == 0
    assert central_server.rows(shop, "reservation")[booked.id]["status"] == "booked"
    sync(t2)
    with opened(t2):
        [seen] = reservations.for_day(DAY)
        assert (seen.id, seen.time, seen.party_size, seen.status_label) == (booked.id, "19:30", 4, "Booked")
        reservations.set_status(booked.id, reservations.SEATED, _host())
        reservations.set_status(booked.id, reservations.COMPLETED, _host())
    sync(t2)
    sync(t1)
    with opened(t1):
        [back] = reservations.for_day(DAY)
        assert (back.status_label, back.notes) == ("Completed", "window if possible")
        assert reservations.for_customer(customer).visits == 1


def test_edits_on_two_tills_merge_per_field_and_the_later_status_wins(central_server, shop, first_till, tmp_path):
    t1, t2, known = _two_tills(central_server, shop, first_till, tmp_path)
    with opened(t1):
        booked = reservations.create({"customer": known["customers"][1], "day": DAY, "time": "20:00"}, _host())
    sync(t1)
    sync(t2)
    with opened(t1):  # apart: T1 changes the party and marks a no-show ...
        reservations.update(booked.id, {"party_size": 6}, _host())
        reservations.set_status(booked.id, reservations.NO_SHOW, _host())
    with opened(t2):  # ... T2, later, changes the notes and seats them (they came late)
        reservations.update(booked.id, {"notes": "came late"}, _host())
        reservations.set_status(booked.id, reservations.SEATED, _host())
    for path in (t1, t2, t1):
        assert sync(path).rejected == 0
    for path in (t1, t2):
        with opened(path):
            row = table_rows("reservation")[booked.id]
            assert (row["party_size"], row["notes"], row["status"]) == (6, "came late", "seated")
    stored = central_server.rows(shop, "reservation")[booked.id]
    assert (stored["party_size"], stored["notes"], stored["status"], stored["deleted_at"]) == (6, "came late",
                                                                                               "seated", None)


def test_a_reservation_never_disappears_a_tombstone_is_refused(central_server, shop, first_till, tmp_path):
    t1, t2, known = _two_tills(central_server, shop, first_till, tmp_path)
    with opened(t1):
        booked = reservations.create({"customer": known["customers"][0], "day": DAY, "time": "12:15"}, _host())
    sync(t1)
    with opened(t1):
        from db.ids import utcnow
        from db.models import Reservation

        row = Reservation.get_by_id(booked.id)
        row.deleted_at = utcnow()  # what no till code does (delete_instance refuses): a tombstone pushed anyway
        row.save()
    report = sync(t1)
    assert report.rejected == 1
    assert central_server.rows(shop, "reservation")[booked.id]["deleted_at"] is None
    sync(t2)
    with opened(t2):
        assert [b.id for b in reservations.for_day(DAY)] == [booked.id]

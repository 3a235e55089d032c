"""Reservations: a table booked for a customer on a day at a time, for a party, with a seating choice.

Status runs Booked -> Seated -> Completed, or Booked -> Cancelled / No-show (a cancelled or no-show booking
can be booked again, a seated one that was a mistake can go back to Booked). Reservations sync like
customers: every edit writes only the fields it changed, the central store merges them field by field and
the later hybrid-clock stamp wins a field, the status included. A reservation is never deleted: it is
cancelled, and it stays in the customer's history.

The seating starts at the customer's seating preference (the shop's preference of category ``seating``,
``seating.preferred`` in the demo), which is how that preference is applied. Cashiers book (a host books
tables); no manager is needed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from app import audit, preferences
from app.changes import writes
from app.errors import NotFound, ValidationError
from db.models import Customer, CustomerProfile, PreferenceDefinition, Reservation, User, database

BOOKED, SEATED, COMPLETED, CANCELLED, NO_SHOW = "booked", "seated", "completed", "cancelled", "no_show"
LABELS = {BOOKED: "Booked", SEATED: "Seated", COMPLETED: "Completed", CANCELLED: "Cancelled", NO_SHOW: "No-show"}
NEXT = {
    BOOKED: {SEATED, CANCELLED, NO_SHOW},
    SEATED: {COMPLETED, BOOKED},
    COMPLETED: set(),
    CANCELLED: {BOOKED},
    NO_SHOW: {BOOKED, SEATED},  # late after all
}
FIELDS = ("customer", "day", "time", "party_size", "seating", "notes")
MAX_PARTY = 500
_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.h]?(\d{2}))?\s*$")


@dataclass(frozen=True)
class Booking:
    id: str
    customer_id: str
    customer_name: str
    day: str
    time: str
    party_size: int
    seating: str
    notes: str
    status: str

    @property
    def status_label(self) -> str:
        return LABELS.get(self.status, self.status.title())


# --- seating -----------------------------------------------------------------------------------------------


def seating_definition() -> PreferenceDefinition | None:
    """The shop's seating preference (category ``seating``), if it keeps one."""
    return (PreferenceDefinition.live().where((PreferenceDefinition.category == "seating")
                                              & (PreferenceDefinition.active == True))  # noqa: E712
            .order_by(PreferenceDefinition.sort_order, PreferenceDefinition.key).first())


def seating_choices() -> list[str]:
    definition = seating_definition()
    return [str(c) for c in (definition.choices or [])] if definition is not None else []


def preferred_seating(customer_id: str | None) -> str:
    """The customer's seating preference (their own, else the shop's default), or ""."""
    definition = seating_definition()
    if definition is None or not customer_id:
        return ""
    customer = Customer.get_or_none(Customer.id == customer_id)
    value = preferences.effective_map(customer).get(definition.key)
    return value if isinstance(value, str) else ""


# --- checking input ---------------------------------------------------------------------------------------------


def parse_time(text: str) -> str:
    """'19:30', '1930', '7:05', '19' -> 'HH:MM'."""
    match = _TIME.match(text or "")
    if not match:
        raise ValidationError("Type the time as HH:MM, for example 19:30.", "time")
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if len(match.group(1)) > 2 or hours > 23 or minutes > 59:
        raise ValidationError("Type the time as HH:MM, for example 19:30.", "time")
    return f"{hours:02d}:{minutes:02d}"


def _clean(data: dict) -> dict:
    from app.privacy import refuse_card_number

    out = {}
    if "customer" in data:
        customer = Customer.get_or_none(Customer.id == data["customer"])
        if customer is None or customer.deleted_at is not None or customer.erased_at is not None:
            raise ValidationError("Choose the customer the table is for.", "customer")
        out["customer"] = customer.id
    if "day" in data:
        day = data["day"]
        try:
            out["day"] = (day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))).isoformat()
        except ValueError:
            raise ValidationError("The date is not a date.", "day") from None
    if "time" in data:
        out["time"] = parse_time(str(data["time"]))
    if "party_size" in data:
        try:
            size = int(data["party_size"])
        except (TypeError, ValueError):
            raise ValidationError("The party size is a number.", "party_size") from None
        if not 1 <= size <= MAX_PARTY:
            raise ValidationError(f"A party is 1 to {MAX_PARTY} people.", "party_size")
        out["party_size"] = size
    if "seating" in data:
        seating = (data["seating"] or "").strip()
        choices = seating_choices()
        if seating and choices and seating not in choices:
            raise ValidationError(f"Seating is one of {', '.join(choices)}.", "seating")
        out["seating"] = seating
    if "notes" in data:
        notes = (data["notes"] or "").strip()
        if len(notes) > 500:
            raise ValidationError("Notes are at most 500 characters.", "notes")
        refuse_card_number(notes, "notes")
        out["notes"] = notes
    return out


# --- writing ------------------------------------------------------------------------------------------------------


@writes("reservation")
def create(data: dict, by: User | None) -> Reservation:
    """A new booking (status Booked). ``data``: customer (id), day, time, party_size, seating, notes; the
    seating defaults to the customer's preference."""
    missing = [f for f in ("customer", "day", "time") if not data.get(f)]
    if missing:
        raise ValidationError({"customer": "Choose the customer the table is for.",
                               "day": "Choose the day.", "time": "Type the time as HH:MM."}[missing[0]], missing[0])
    values = _clean({"party_size": 2, "notes": "", **data})
    if "seating" not in data or data["seating"] is None:
        values["seating"] = preferred_seating(values["customer"])
    with database.atomic():
        row = Reservation(status=BOOKED, **values)
        row.save(force_insert=True)
        audit.record(by, "reservation.create", "reservation", row.id,
                     {"customer": row.customer_id, "day": row.day, "time": row.time, "party": row.party_size})
    return row


def get(reservation_id: str) -> Reservation:
    row = Reservation.get_or_none(Reservation.id == reservation_id)
    if row is None:
        raise NotFound("That reservation does not exist.")
    return row


@writes("reservation")
def update(reservation_id: str, changes: dict, by: User | None) -> Reservation:
    """Edit some fields; only those that changed are written (and merged field by field when synced)."""
    row = get(reservation_id)
    values = _clean({k: v for k, v in changes.items() if k in FIELDS})
    changed = {k: v for k, v in values.items() if getattr(row, k if k != "customer" else "customer_id") != v}
    if not changed:
        return row
    with database.atomic():
        for key, value in changed.items():
            setattr(row, key, value)
        row.save()
        audit.record(by, "reservation.update", "reservation", row.id, {"fields": sorted(changed)})
    return row


@writes("reservation")
def set_status(reservation_id: str, status: str, by: User | None) -> Reservation:
    row = get(reservation_id)
    if status not in LABELS:
        raise ValidationError(f"Unknown status '{status}'.")
    if status == row.status:
        return row
    if status not in NEXT.get(row.status, set()):
        raise ValidationError(f"A {LABELS[row.status].lower()} reservation cannot become {LABELS[status].lower()}.")
    with database.atomic():
        row.status = status
        row.save()
        audit.record(by, "reservation.status", "reservation", row.id, {"status": status})
    return row


def forget_customer(customer_id: str) -> list[Reservation]:
    """On erasure (app/privacy.erase): the customer's booking notes go (they may hold personal details); the
    bookings stay, anonymous, for the covers and no-show figures. Returns the rows changed."""
    changed = []
    for row in Reservation.select().where((Reservation.customer == customer_id) & (Reservation.notes != "")):
        row.notes = ""
        row.save()
        changed.append(row)
    return changed


# --- reading --------------------------------------------------------------------------------------------------------

_BOOKING_SQL = ("SELECT r.id, r.customer_id, COALESCE(c.name, ''), r.day, r.time, r.party_size, r.seating, r.notes, "
                "r.status FROM reservation r LEFT JOIN customer c ON c.id = r.customer_id ")


def for_day(day: dt.date | str) -> list[Booking]:
    """The day's reservations by time (every one: a cancelled booking stays listed as Cancelled)."""
    text = day.isoformat() if isinstance(day, dt.date) else str(day)
    rows = database.execute_sql(_BOOKING_SQL + "WHERE r.day = ? ORDER BY r.time, c.name_norm, r.id", (text,))
    return [Booking(*row) for row in rows]


def booking(reservation_id: str) -> Booking:
    row = database.execute_sql(_BOOKING_SQL + "WHERE r.id = ?", (reservation_id,)).fetchone()
    if row is None:
        raise NotFound("That reservation does not exist.")
    return Booking(*row)


@dataclass(frozen=True)
class History:
    bookings: list[Booking]
    visits: int  # seated or completed
    no_shows: int
    cancellations: int


def for_customer(customer_id: str, limit: int = 500) -> History:
    from app.stats import bill_owners

    owners = bill_owners(customer_id) or [customer_id]
    marks = ",".join("?" * len(owners))
    rows = database.execute_sql(_BOOKING_SQL + f"WHERE r.customer_id IN ({marks}) ORDER BY r.day DESC, r.time DESC "
                                f"LIMIT {int(limit)}", owners)
    counts = dict(database.execute_sql(
        f"SELECT status, count(*) FROM reservation WHERE customer_id IN ({marks}) GROUP BY status", owners).fetchall())
    return History([Booking(*row) for row in rows], counts.get(SEATED, 0) + counts.get(COMPLETED, 0),
                   counts.get(NO_SHOW, 0), counts.get(CANCELLED, 0))


# --- the report: covers and no-shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverRow:
    key: str
    label: str
    reservations: int  # bookings that were due: seated, completed or no-show (cancelled ones are not)
    covers: int  # people seated
    no_shows: int

    @property
    def no_show_rate(self) -> float:
        return self.no_shows / self.reservations if self.reservations else 0.0


@dataclass(frozen=True)
class CoversReport:
    start: dt.date
    end: dt.date
    total: CoverRow
    by_day: list[CoverRow]
    by_profile: list[CoverRow]


def covers_report(start: dt.date, end: dt.date, profile_id: str | None = None) -> CoversReport:
    """Covers (people seated) and the no-show rate by day and by the customer's profile. ``profile_id``
    as in app/reports: None every customer, "" customers with no profile, else one profile."""
    if end < start:
        start, end = end, start
    where, params = "", []
    if profile_id == "":
        where = " AND c.default_profile_id IS NULL"
    elif profile_id is not None:
        where, params = " AND c.default_profile_id = ?", [profile_id]
    rows = database.execute_sql(
        "SELECT r.day, COALESCE(c.default_profile_id, ''), r.status, count(*), sum(r.party_size) "
        "FROM reservation r LEFT JOIN customer c ON c.id = r.customer_id "
        f"WHERE r.day BETWEEN ? AND ? AND r.status IN ('seated', 'completed', 'no_show'){where} GROUP BY 1, 2, 3",
        [start.isoformat(), end.isoformat(), *params]).fetchall()
    by_day: dict = defaultdict(lambda: [0, 0, 0])
    by_profile: dict = defaultdict(lambda: [0, 0, 0])
    for day, profile, status, count, people in rows:
        for bucket in (by_day[day], by_profile[profile]):
            bucket[0] += count
            if status == NO_SHOW:
                bucket[2] += count
            else:
                bucket[1] += people or 0
    names = {p.id: p.name for p in CustomerProfile.select(CustomerProfile.id, CustomerProfile.name)}
    days = [CoverRow(d, d, *v) for d, v in sorted(by_day.items())]
    profiles = sorted((CoverRow(p, names.get(p) or "No profile", *v) for p, v in by_profile.items()),
                      key=lambda r: (-r.covers, r.label))
    total = CoverRow("", "Total", sum(r.reservations for r in days), sum(r.covers for r in days),
                     sum(r.no_shows for r in days))
    return CoversReport(start, end, total, days, profiles)

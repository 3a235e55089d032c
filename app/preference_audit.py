"""The preference audit: a manager's review queue of preferences that look outdated or wrong.

Three kinds, none found by scanning every customer:
- stale: not confirmed (saved) for ``STALE_DAYS``: a range on the index of customer_preference.updated_at
  (a hybrid clock stamp, wall time first), read a page at a time when the queue opens;
- contradicted by behaviour: preferred payment Card (or Cash) but the last five bills since it was saved
  were paid otherwise; vegetarian or vegan but their favourite items include meat-tagged ones;
- overridden at checkout repeatedly: the cashier paid another way than the preferred payment
  ``OVERRIDE_LIMIT`` times since it was saved.
The last two are checked for the bill's customer when a sale is recorded (``note_sale``, called from
app/stats.apply_bill in the sale's transaction, for local and pulled bills alike) and kept in
``preference_review``. Each entry is confirmed, changed or removed by a manager, audited; confirming saves
the preference again, so it is not stale and older behaviour no longer counts against it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from app import audit, dates, preferences
from app.auth import require_manager
from app.changes import writes
from app.errors import NotFound
from db.hlc import format_stamp
from db.ids import derived_id, utcnow
from db.models import Customer, CustomerPreference, PreferenceDefinition, PreferenceReview, User, database

STALE_DAYS = 365
LAST_BILLS = 5
OVERRIDE_LIMIT = 3
MEAT_TAGS = {"meat", "beef", "pork", "chicken", "ham", "fish", "seafood"}
STALE, CONTRADICTED, OVERRIDDEN = "stale", "contradicted", "overridden"
REASONS = {STALE: "Not confirmed for a long time", CONTRADICTED: "Contradicted by behaviour",
           OVERRIDDEN: "Overridden at checkout"}


def _stamp(when: dt.datetime) -> str:
    return format_stamp(int(when.timestamp() * 1000), 0, "")


def _wall(stamp: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(stamp.split("-", 1)[0]) / 1000, dt.UTC)


def _flag(customer_id: str, key: str, reason: str, detail: str, overrides: int = 0) -> None:
    database.execute_sql(
        "INSERT INTO preference_review (id, customer_id, key, reason, detail, overrides, flagged_at, open) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, "
        "detail = excluded.detail, overrides = excluded.overrides, flagged_at = excluded.flagged_at, open = 1",
        (f"{customer_id}:{key}", customer_id, key, reason, detail, overrides,
         PreferenceReview.flagged_at.db_value(utcnow())))


def note_sale(customer_id: str, applied: dict | None, item_counts: dict | None = None,
              methods: tuple[str, ...] | None = None) -> None:
    """Check the bill's customer's payment and diet preferences against what they just did (``methods``:
    how this bill was paid; a bill paid the preferred way cannot contradict the preference)."""
    rows = dict(database.execute_sql(
        "SELECT key, COALESCE(value, 'null') || char(31) || updated_at FROM customer_preference WHERE customer_id = ? "
        "AND deleted_at IS NULL AND key IN ('payment.preferred', 'diet.vegetarian', 'diet.vegan')",
        (customer_id,)).fetchall())
    if not rows:
        return
    service = (applied or {}).get("service") or {}
    if "payment.preferred" in rows:
        value_json, saved = rows["payment.preferred"].split("\x1f")
        preferred = json.loads(value_json)
        paid_as_preferred = methods is not None and isinstance(preferred, str) and preferred.casefold() in methods
        if not paid_as_preferred:
            _check_payment(customer_id, preferred, saved, "payment.preferred" in service.get("overridden", ()))
    for key in ("diet.vegetarian", "diet.vegan"):
        if key in rows and json.loads(rows[key].split("\x1f")[0]) is True:
            _check_diet(customer_id, key, item_counts)


def _check_payment(customer_id: str, preferred, saved_stamp: str, overridden_now: bool) -> None:
    if not isinstance(preferred, str) or not preferred:
        return
    since = PreferenceReview.flagged_at.db_value(_wall(saved_stamp))
    methods = [r[0] for r in database.execute_sql(
        "SELECT (SELECT group_concat(p.method) FROM payment p WHERE p.bill_id = b.id AND p.method <> 'loyalty') "
        "FROM bill b WHERE b.customer_id = ? AND b.kind = 'sale' AND b.deleted_at IS NULL AND b.completed_at > ? "
        "ORDER BY b.completed_at DESC LIMIT ?", (customer_id, since, LAST_BILLS))]
    want = preferred.casefold()
    others = [m for m in methods if m and want not in m.split(",")]
    if len(methods) == LAST_BILLS and len(others) == LAST_BILLS:
        used = sorted({m for m in others})
        _flag(customer_id, "payment.preferred", CONTRADICTED,
              f"Preferred payment {preferred}, but the last {LAST_BILLS} bills were paid by {', '.join(used)}")
        return
    if overridden_now:
        row = PreferenceReview.get_or_none(PreferenceReview.id == f"{customer_id}:payment.preferred")
        count = (row.overrides if row is not None and row.flagged_at >= _wall(saved_stamp) else 0) + 1
        if count >= OVERRIDE_LIMIT:
            _flag(customer_id, "payment.preferred", OVERRIDDEN,
                  f"Preferred payment {preferred}, but the cashier chose another way {count} times", count)
        else:
            database.execute_sql(
                "INSERT INTO preference_review (id, customer_id, key, reason, detail, overrides, flagged_at, open) "
                "VALUES (?, ?, 'payment.preferred', ?, '', ?, ?, 0) ON CONFLICT (id) DO UPDATE SET "
                "overrides = excluded.overrides, flagged_at = excluded.flagged_at",
                (f"{customer_id}:payment.preferred", customer_id, OVERRIDDEN, count,
                 PreferenceReview.flagged_at.db_value(utcnow())))


def _check_diet(customer_id: str, key: str, item_counts: dict | None) -> None:
    from app import stats
    from db.models import CustomerStats

    if item_counts is None:
        row = database.execute_sql("SELECT item_counts FROM customer_stats WHERE customer_id = ?",
                                   (customer_id,)).fetchone()
        item_counts = json.loads(row[0]) if row and row[0] else {}
    favourites = stats.favourite_items(CustomerStats(item_counts=item_counts), limit=5)
    if not favourites:
        return
    marks = ",".join("?" * len(favourites))
    meat = [name for name, tags in database.execute_sql(
        f"SELECT name, tags FROM item WHERE id IN ({marks})", favourites)
        if MEAT_TAGS & {str(t).casefold() for t in json.loads(tags or "[]")}]
    if meat:
        label = "Vegetarian" if key == "diet.vegetarian" else "Vegan"
        _flag(customer_id, key, CONTRADICTED, f"{label}, but their favourites include {', '.join(sorted(meat))}")


# --- the queue --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    customer_id: str
    customer_name: str
    key: str
    label: str
    value: object
    reason: str
    detail: str
    since: dt.datetime


def queue(limit: int = 200, now: dt.datetime | None = None, stale_days: int = STALE_DAYS) -> list[Entry]:
    """Open entries (flagged at sale time) then stale preferences, oldest first; a page of each, read by
    index: opening the queue costs the same with a million customers."""
    now = now or utcnow()
    labels = {d.key: d.label for d in preferences.definitions()}
    out: list[Entry] = []
    seen = set()
    for customer_id, name, key, reason, detail, flagged, value in database.execute_sql(
            "SELECT r.customer_id, c.name, r.key, r.reason, r.detail, r.flagged_at, p.value "
            "FROM preference_review r INDEXED BY preference_review_open JOIN customer c ON c.id = r.customer_id "
            "LEFT JOIN customer_preference p ON p.customer_id = r.customer_id AND p.key = r.key "
            "AND p.deleted_at IS NULL WHERE r.open ORDER BY r.flagged_at LIMIT ?", (limit,)):
        seen.add((customer_id, key))
        out.append(Entry(customer_id, name, key, labels.get(key, key), json.loads(value) if value else None,
                         reason, detail, PreferenceReview.flagged_at.python_value(flagged)))
    cutoff = _stamp(now - dt.timedelta(days=stale_days))
    for customer_id, name, key, value, stamp in database.execute_sql(
            "SELECT p.customer_id, c.name, p.key, p.value, p.updated_at FROM customer_preference p "
            "INDEXED BY customer_preference_updated JOIN customer c ON c.id = p.customer_id "
            "WHERE p.updated_at < ? AND p.deleted_at IS NULL AND c.deleted_at IS NULL AND c.erased_at IS NULL "
            "AND c.merged_into_id IS NULL ORDER BY p.updated_at LIMIT ?", (cutoff, limit)):
        if (customer_id, key) in seen:
            continue
        when = _wall(stamp)
        out.append(Entry(customer_id, name, key, labels.get(key, key), json.loads(value) if value else None, STALE,
                         f"Last confirmed {dates.day(when)}", when))
    return out


def value_choices(key: str) -> list:
    """The values a preference can be changed to in the queue: yes/no, its choices, or none (free text)."""
    definition = PreferenceDefinition.get_or_none(PreferenceDefinition.key == key)
    if definition is not None and definition.value_type == "bool":
        return [True, False]
    if definition is not None and definition.value_type == "choice":
        return list(definition.choices)
    return []


def _customer(customer_id: str) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or customer.deleted_at is not None:
        raise NotFound("That customer no longer exists.")
    return customer


def _close(customer_id: str, key: str) -> None:
    database.execute_sql("DELETE FROM preference_review WHERE id = ?", (f"{customer_id}:{key}",))


@writes("customer_preference")
def confirm(by: User | None, customer_id: str, key: str) -> None:
    """The preference is right: saved again (now confirmed), its queue entry closed."""
    require_manager(by, "review preferences")
    customer = _customer(customer_id)
    row = CustomerPreference.get_or_none(CustomerPreference.id == derived_id("customer_preference", customer_id, key))
    with database.atomic():
        if row is not None and row.deleted_at is None:
            row.save()  # a new clock stamp: confirmed now, on every till
        _close(customer_id, key)
        audit.record(by, "preference.confirm", "customer", customer.id, {"key": key})


@writes("customer_preference")
def change(by: User | None, customer_id: str, key: str, value) -> None:
    require_manager(by, "review preferences")
    customer = _customer(customer_id)
    with database.atomic():
        preferences.set_override(customer, key, value, by)
        _close(customer_id, key)
        audit.record(by, "preference.review_change", "customer", customer.id, {"key": key, "value": value})


@writes("customer_preference")
def remove(by: User | None, customer_id: str, key: str) -> None:
    require_manager(by, "review preferences")
    customer = _customer(customer_id)
    with database.atomic():
        preferences.clear_override(customer, key, by)
        _close(customer_id, key)
        audit.record(by, "preference.review_remove", "customer", customer.id, {"key": key})

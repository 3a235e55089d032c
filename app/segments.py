"""Customer segments and life-cycle status, kept current at the till as sales happen (no nightly job).

- New: the first visit was within the last N days;
- Regular: at least K visits in the last M days;
- Lapsed: had visits, none in the last L days;
- VIP: in the category named VIP, or among the top share of customers by spend;
- Birthday this week: the date of birth falls in this local week (Monday to Sunday).

N, K, M, L and the share are shop settings (app/settings.py). A visit is a live sale (a void takes its
visit back). Each customer's figures (customer_stats) carry the first and last visit and the newest
visits, updated in the sale's transaction (``record_sale``) or when a bill is pulled, so every segment is
a range on an index (migration 14) and a customer's own segments are read from one row. ``regular_since``
is the K-th most recent visit: "K visits in the last M days" is "regular_since within M days".
Everything derives from synced bills and settings, so every till agrees once it has the same bills.
"""

from __future__ import annotations

import datetime as dt
import json
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from app import settings as shop_settings
from db.fields import UTCDateTimeField, parse_utc
from db.models import database

MAX_RECENT = 20  # visits kept per customer: the Regular rule's K is at most this
NEW, REGULAR, LAPSED, VIP, BIRTHDAY = "new", "regular", "lapsed", "vip", "birthday"
SEGMENTS = (NEW, REGULAR, LAPSED, VIP, BIRTHDAY)
LABELS = {NEW: "New", REGULAR: "Regular", LAPSED: "Lapsed", VIP: "VIP", BIRTHDAY: "Birthday this week"}
_time = UTCDateTimeField()


@dataclass(frozen=True)
class Rules:
    new_days: int = 30
    regular_visits: int = 3
    regular_days: int = 60
    lapsed_days: int = 90
    vip_top_pct: int = 5


def rules(values: dict | None = None) -> Rules:
    """The shop's rules (each clamped to something meaningful: K between 1 and MAX_RECENT)."""
    shop = shop_settings.ShopSettings.of(values) if values is not None else shop_settings.shop()

    def clamp(value: int, low: int, high: int) -> int:
        return min(max(value, low), high)

    return Rules(clamp(shop.segment_new_days, 1, 3650), clamp(shop.segment_regular_visits, 1, MAX_RECENT),
                 clamp(shop.segment_regular_days, 1, 3650), clamp(shop.segment_lapsed_days, 1, 3650),
                 clamp(shop.segment_vip_top_pct, 0, 100))


# --- the rules, pure ------------------------------------------------------------------------------------


def week_of(today: dt.date) -> list[dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return [monday + dt.timedelta(days=n) for n in range(7)]


def birthday_keys(today: dt.date) -> list[str]:
    """'MM-DD' of each day of this week; 29 February counts on the 28th in a year without it."""
    keys = [day.strftime("%m-%d") for day in week_of(today)]
    leap = today.year % 4 == 0 and (today.year % 100 != 0 or today.year % 400 == 0)
    if "02-28" in keys and not leap:
        keys.append("02-29")
    return keys


def has_birthday_this_week(date_of_birth: str | None, today: dt.date) -> bool:
    return bool(date_of_birth) and len(date_of_birth) >= 10 and date_of_birth[5:10] in birthday_keys(today)


@dataclass(frozen=True)
class Visits:
    first_visit: dt.datetime | None = None
    last_visit: dt.datetime | None = None
    recent: tuple[dt.datetime, ...] = ()  # newest first
    spent: int = 0


def classify(visits: Visits, rule: Rules, now: dt.datetime, *, category_name: str = "",
             date_of_birth: str | None = None, vip_threshold: int | None = None,
             today: dt.date | None = None) -> tuple[str, ...]:
    """The segments one customer is in (a customer can be in several: a regular VIP)."""
    out = []
    if visits.first_visit is not None and visits.first_visit >= now - dt.timedelta(days=rule.new_days):
        out.append(NEW)
    k = rule.regular_visits
    if len(visits.recent) >= k and visits.recent[k - 1] >= now - dt.timedelta(days=rule.regular_days):
        out.append(REGULAR)
    if visits.last_visit is not None and visits.last_visit < now - dt.timedelta(days=rule.lapsed_days):
        out.append(LAPSED)
    if category_name.strip().casefold() == "vip" or (
            vip_threshold is not None and visits.spent > 0 and visits.spent >= vip_threshold):
        out.append(VIP)
    if has_birthday_this_week(date_of_birth, today or now.astimezone().date()):
        out.append(BIRTHDAY)
    return tuple(out)


def top_share_threshold(spends_desc: Sequence[int], pct: int) -> int | None:
    """The spend that puts a customer in the top ``pct`` percent (of customers who spent anything)."""
    spenders = [s for s in spends_desc if s > 0]
    n = -(-len(spenders) * pct // 100)
    return spenders[n - 1] if n > 0 else None


# --- kept current as sales happen ------------------------------------------------------------------------


def regular_k_built() -> int:
    row = database.execute_sql("SELECT value FROM local_config WHERE key = 'segment_regular_k'").fetchone()
    return int(json.loads(row[0])) if row and row[0] else 3


def ensure_regular_k(k: int) -> None:
    """Rebuild ``regular_since`` for every customer if the Regular rule's K changed (a setting edited here
    or pulled from the office): one UPDATE, then the column matches the rule again."""
    k = min(max(int(k), 1), MAX_RECENT)
    if regular_k_built() == k:
        return
    with database.atomic():
        database.execute_sql("UPDATE customer_stats SET regular_since = json_extract(recent_visits, ?)",
                             (f"$[{k - 1}]",))
        database.execute_sql("INSERT OR REPLACE INTO local_config (key, value) VALUES ('segment_regular_k', ?)",
                             (json.dumps(k),))


def _store(customer_id: str, first: str | None, recent: list[str], *, last_too: bool = False) -> None:
    k = regular_k_built()
    values = [first, json.dumps(recent, separators=(",", ":")), recent[k - 1] if len(recent) >= k else None]
    last = ""
    if last_too:  # a void or a rebuild: the last visit may be an earlier one now
        last, values = ", last_visit = ?", [*values, recent[0] if recent else None]
    database.execute_sql(
        f"UPDATE customer_stats SET first_visit = ?, recent_visits = ?, regular_since = ?{last}, "
        "customer_rowid = COALESCE(customer_rowid, (SELECT rowid FROM customer WHERE id = customer_stats.customer_id)) "
        "WHERE customer_id = ?", (*values, customer_id))


def record_sale(customer_id: str, completed_at: dt.datetime) -> None:
    """One more visit (inside the sale's transaction, after app/stats.apply_bill made the row)."""
    forget_cache()  # spend changed: the VIP threshold may have moved
    row = database.execute_sql("SELECT first_visit, recent_visits FROM customer_stats WHERE customer_id = ?",
                               (customer_id,)).fetchone()
    if row is None:
        return
    at = _time.db_value(completed_at)
    first = at if row[0] is None or at < row[0] else row[0]
    recent = sorted(set(json.loads(row[1] or "[]")) | {at}, reverse=True)[:MAX_RECENT]
    _store(customer_id, first, recent)


def rebuild(customer_id: str, owners: list[str]) -> None:
    """The visit fields from the bills of ``owners`` (the customer and those merged into it): after a void,
    a merge, or bills arriving out of order."""
    forget_cache()
    if not owners:
        _store(customer_id, None, [], last_too=True)
        return
    marks = ",".join("?" * len(owners))
    rows = database.execute_sql(
        f"SELECT b.completed_at FROM bill b WHERE b.customer_id IN ({marks}) AND b.kind = 'sale' "
        "AND b.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM bill v WHERE v.voids_id = b.id "
        "AND v.deleted_at IS NULL) ORDER BY b.completed_at DESC", owners).fetchall()
    times = [r[0] for r in rows]
    _store(customer_id, times[-1] if times else None, times[:MAX_RECENT], last_too=True)


# --- reading ---------------------------------------------------------------------------------------------

_threshold_cache: dict[tuple, int | None] = {}


def vip_threshold(pct: int, *, fresh: bool = False) -> int | None:
    """The top-share spend threshold: two index reads (a count and an offset), kept until a sale or a
    pulled bill changes spend (then every till with the same bills has the same threshold)."""
    if pct <= 0:
        return None
    key = (pct, database.database)
    if key in _threshold_cache and not fresh:
        return _threshold_cache[key]
    count = database.execute_sql(
        "SELECT count(*) FROM customer_stats INDEXED BY customer_stats_spent WHERE spent > 0").fetchone()[0]
    n = -(-count * pct // 100)
    value = None
    if n > 0:
        row = database.execute_sql(
            "SELECT spent FROM customer_stats INDEXED BY customer_stats_spent WHERE spent > 0 "
            "ORDER BY spent DESC LIMIT 1 OFFSET ?", (n - 1,)).fetchone()
        value = row[0] if row else None
    _threshold_cache[key] = value
    return value


def forget_cache() -> None:
    _threshold_cache.clear()


def visits_from_row(first_visit: str | None, last_visit: str | None, recent_json: str | None,
                    spent: int | None) -> Visits:
    return Visits(
        first_visit=parse_utc(first_visit) if first_visit else None,
        last_visit=parse_utc(last_visit) if last_visit else None,
        recent=tuple(parse_utc(t) for t in json.loads(recent_json or "[]")),
        spent=spent or 0,
    )


def of_customer(customer_id: str, now: dt.datetime | None = None, rule: Rules | None = None) -> tuple[str, ...]:
    """One customer's segments now (a couple of indexed reads)."""
    from db.ids import utcnow

    now = now or utcnow()
    rule = rule or rules()
    row = database.execute_sql(
        "SELECT s.first_visit, s.last_visit, s.recent_visits, s.spent, cat.name, c.date_of_birth "
        "FROM customer c LEFT JOIN customer_stats s ON s.customer_id = c.id "
        "LEFT JOIN customer_category cat ON cat.id = c.category_id AND cat.deleted_at IS NULL "
        "WHERE c.id = ?", (customer_id,)).fetchone()
    if row is None:
        return ()
    return classify(visits_from_row(*row[:4]), rule, now, category_name=row[4] or "", date_of_birth=row[5],
                    vip_threshold=vip_threshold(rule.vip_top_pct))


def describe(segments: Sequence[str]) -> str:
    return " · ".join(LABELS[s] for s in segments)


# --- the Customers window's filters: app/segment_lists.py -------------------------------------------------

ORDER = {NEW: "newest first visit first", REGULAR: "latest regulars first", LAPSED: "most recent visit first",
         VIP: "highest spend first", BIRTHDAY: "by birthday"}


def ids(segment: str | None = None, profile_id: str | None = None, status: str | None = None, search: str = "",
        region: str = "US", now: dt.datetime | None = None, rule: Rules | None = None) -> array:
    """Rowids of the customers listed for these filters, in the list's order (app/segment_lists.ids)."""
    from app import segment_lists

    return segment_lists.ids(segment, profile_id, status, search, region, now, rule)

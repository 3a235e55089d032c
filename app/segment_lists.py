"""The Customers window's lists by segment, status tab and profile, fast at a million customers.

A segment kept in the customers' figures (New, Regular, Lapsed, VIP by spend) is read from its covering
index on customer_stats (migrations 14 and 18). Each index holds the segment's column, the customer's
rowid, how the customer is listed (``list_status``: active, inactive, erased, or NULL when deleted or
merged) and the default profile's rowid, all kept by triggers on customer; so the status tab and the profile
filter are conditions on index entries, never look-ups in the customer table. Each segment is in its own
order (segments.ORDER). A segment lists live customers only: erased, merged and deleted ones are left out.

A big list is shown in two steps: ``head`` gives its count and first rows (what the user waits for), then
``ids`` reads the complete ordered rowids on the worker while those rows are already on screen.
"""

from __future__ import annotations

import datetime as dt
from array import array
from dataclasses import dataclass

from app import customer_list, segments
from app.segments import BIRTHDAY, LAPSED, NEW, REGULAR, SEGMENTS, VIP, Rules
from db.fields import UTCDateTimeField
from db.models import database

HEAD = 200  # rows read before the list is first shown
_STATS = {NEW: ("customer_stats_first_visit", "first_visit", ">="),
          REGULAR: ("customer_stats_regular_since", "regular_since", ">="),
          LAPSED: ("customer_stats_last_visit", "last_visit", "<"),
          VIP: ("customer_stats_spent_rowid", "spent", ">=")}
_LISTABLE = "c.deleted_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL"
_time = UTCDateTimeField()
_NONE = object()  # a profile that is not on this till: nobody has it


@dataclass(frozen=True)
class Head:
    count: int  # the whole list's length
    rowids: array  # its first rows, in order


def _profile_rowid(profile_id: str | None):
    if profile_id is None:
        return None
    row = database.execute_sql("SELECT rowid FROM customer_profile WHERE id = ?", (profile_id,)).fetchone()
    return row[0] if row else _NONE


def _stats_where(segment: str, status: str | None, profile_id: str | None, now: dt.datetime,
                 rule: Rules) -> tuple[str, list] | None:
    """``FROM ... WHERE ...`` of a stats segment on its covering index, or None when it is empty."""
    if segment == REGULAR:
        segments.ensure_regular_k(rule.regular_visits)
    index, column, op = _STATS[segment]
    days = {NEW: rule.new_days, REGULAR: rule.regular_days, LAPSED: rule.lapsed_days}.get(segment)
    if days is not None:
        bound = _time.db_value(now - dt.timedelta(days=days))
    else:  # VIP: None when nobody has spent anything
        bound = segments.vip_threshold(rule.vip_top_pct, fresh=True)
    profile = _profile_rowid(profile_id)
    if bound is None or profile is _NONE:
        return None
    where, params = f"s.{column} {op} ?", [bound]
    if segment == VIP:
        where += " AND s.spent > 0"
    if status:
        where += " AND s.list_status = ?"
        params.append(status)
    else:
        where += " AND s.list_status IN ('active', 'inactive')"
    if profile is not None:
        where += " AND s.profile_rowid = ?"
        params.append(profile)
    return f"FROM customer_stats s INDEXED BY {index} WHERE {where} AND s.customer_rowid IS NOT NULL", params


def _order(segment: str) -> str:
    column = _STATS[segment][1]
    return f" ORDER BY s.{column} DESC, s.customer_rowid DESC"


def _customer_where(status: str | None, profile_id: str | None) -> tuple[str, list]:
    where, params = _LISTABLE, []
    if status:
        where += " AND c.status = ?"
        params.append(status)
    if profile_id is not None:
        where += " AND c.default_profile_id = ?"
        params.append(profile_id)
    return where, params


def _vip_category(status: str | None, profile_id: str | None, rule: Rules) -> array:
    """Customers in the VIP category who are not already listed as top spenders, in name order."""
    where, params = _customer_where(status, profile_id)
    bound = segments.vip_threshold(rule.vip_top_pct)  # just computed afresh by _stats_where
    if bound is not None:
        where += " AND NOT (COALESCE(s.spent, 0) > 0 AND s.spent >= ?)"
        params.append(bound)
    return array("q", (r[0] for r in database.execute_sql(
        "SELECT c.rowid FROM customer_category k JOIN customer c INDEXED BY customer_category_id "
        "ON c.category_id = k.id LEFT JOIN customer_stats s ON s.customer_id = c.id "
        f"WHERE lower(trim(k.name)) = 'vip' AND k.deleted_at IS NULL AND {where} ORDER BY c.name_norm", params)))


def _birthdays(now: dt.datetime, status: str | None, profile_id: str | None) -> array:
    keys = segments.birthday_keys(now.astimezone().date())
    where, params = _customer_where(status, profile_id)
    rows = database.execute_sql(
        "SELECT c.rowid, substr(c.date_of_birth, 6, 5), c.name_norm FROM customer c INDEXED BY customer_birthday "
        f"WHERE substr(c.date_of_birth, 6, 5) IN ({','.join('?' * len(keys))}) AND {where}", keys + params).fetchall()
    rows.sort(key=lambda r: (r[1], r[2], r[0]))
    return array("q", (r[0] for r in rows))


def _profile_where(profile_id: str, status: str | None) -> tuple[str, list]:
    """A profile alone: like the plain list (erased and merged customers shown with their badge), name order."""
    where, params = "c.default_profile_id = ? AND c.deleted_at IS NULL", [profile_id]
    if status:
        where += " AND c.status = ?"
        params.append(status)
    return f"FROM customer c INDEXED BY customer_by_profile WHERE {where}", params


def _plain_where(status: str | None) -> tuple[str, list]:
    where, params = "c.deleted_at IS NULL", []
    if status:
        where += " AND c.status = ?"
        params.append(status)
    return f"FROM customer c INDEXED BY customer_by_name WHERE {where}", params


def _plain_count(status: str | None) -> int:
    """Live customers (with ``status``): every row (with it) less the deleted ones (the partial index of
    migration 18). SQLite counts a whole table a page at a time, and one status on its small index;
    counting the live range of the name index stepped through a million entries (470 ms at 1M)."""
    if status:
        every = database.execute_sql("SELECT count(*) FROM customer INDEXED BY customer_status WHERE status = ?",
                                     (status,)).fetchone()[0]
        gone = database.execute_sql("SELECT count(*) FROM customer INDEXED BY customer_deleted "
                                    "WHERE deleted_at IS NOT NULL AND status = ?", (status,)).fetchone()[0]
    else:
        every = database.execute_sql("SELECT count(*) FROM customer").fetchone()[0]
        gone = database.execute_sql("SELECT count(*) FROM customer INDEXED BY customer_deleted "
                                    "WHERE deleted_at IS NOT NULL").fetchone()[0]
    return every - gone


def _read(sql: str, params: list, out: array | None = None) -> array:
    out = array("q") if out is None else out
    cursor = database.execute_sql(sql, params)
    while batch := cursor.fetchmany(20000):
        out.extend(r[0] for r in batch)
    return out


def _now_rule(now, rule) -> tuple[dt.datetime, Rules]:
    from db.ids import utcnow

    return now or utcnow(), rule or segments.rules()


def ids(segment: str | None = None, profile_id: str | None = None, status: str | None = None, search: str = "",
        region: str = "US", now: dt.datetime | None = None, rule: Rules | None = None) -> array:
    """Rowids of the customers in ``segment`` (in its order) with default profile ``profile_id`` (None: any),
    ``status`` and ``search`` (app/customer_list.ids). Without a segment or profile it is exactly the plain
    list; a profile alone is in name order."""
    if segment is None and profile_id is None:
        return customer_list.ids(status, search, region)
    if segment is not None and segment not in SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}")
    wanted = set(customer_list.ids(status, search, region)) if (search or "").strip() else None
    if segment is None:
        source, params = _profile_where(profile_id, status)
        found = _read(f"SELECT c.rowid {source} ORDER BY c.name_norm", params)
    elif segment == BIRTHDAY:
        found = _birthdays(_now_rule(now, rule)[0], status, profile_id)
    else:
        now, rule = _now_rule(now, rule)
        query = _stats_where(segment, status, profile_id, now, rule)
        found = _read(f"SELECT s.customer_rowid {query[0]}{_order(segment)}", query[1]) if query else array("q")
        if segment == VIP:
            found.extend(_vip_category(status, profile_id, rule))
    if wanted is not None:
        found = array("q", (r for r in found if r in wanted))
    return found


def head(segment: str | None = None, profile_id: str | None = None, status: str | None = None, search: str = "",
         region: str = "US", now: dt.datetime | None = None, rule: Rules | None = None,
         limit: int | None = None) -> Head | None:
    """The count and the first ``limit`` (HEAD) rowids of a list that can be long (the plain list, a profile, a
    stats segment), each from one covering index; None for a list that ``ids`` reads at once anyway (a
    search, Birthday this week)."""
    if (search or "").strip() or segment == BIRTHDAY:
        return None
    limit = limit or HEAD
    if segment is not None and segment not in SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}")
    if segment is None:
        source, params = _profile_where(profile_id, status) if profile_id is not None else _plain_where(status)
        if profile_id is None:
            count = _plain_count(status)
        else:
            count = database.execute_sql(f"SELECT count(*) {source}", params).fetchone()[0]
        return Head(count, _read(f"SELECT c.rowid {source} ORDER BY c.name_norm LIMIT ?", [*params, limit]))
    now, rule = _now_rule(now, rule)
    query = _stats_where(segment, status, profile_id, now, rule)
    count, first = 0, array("q")
    if query:
        count = database.execute_sql(f"SELECT count(*) {query[0]}", query[1]).fetchone()[0]
        first = _read(f"SELECT s.customer_rowid {query[0]}{_order(segment)} LIMIT ?", [*query[1], limit])
    if segment == VIP:
        extra = _vip_category(status, profile_id, rule)
        count += len(extra)
        first.extend(extra[:max(0, limit - len(first))])
    return Head(count, first)

"""Dates and times as the shop writes them: babel (CLDR) patterns in the shop's locale (``money.current_locale``),
in the till's local time zone. Machine formats (ISO in exports and in the database) do not come here.

Patterns are CLDR skeletons, so each locale orders and spells its own: ``day`` shows "Nov 3, 2026" in en_US,
"3 Nov 2026" in en_GB and "3. Nov. 2026" in de_DE.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from app.money import current_locale

# babel is imported where first used (as in app/money.py): its CLDR tables cost start-up time.


def local(when: dt.datetime) -> dt.datetime:
    """An aware time in the till's local zone; a naive one is taken as local already."""
    return when.astimezone() if when.tzinfo is not None else when


@lru_cache(maxsize=64)
def _locale(code: str):
    from babel import Locale

    return Locale.parse(code)


def _skeleton(skeleton: str, value) -> str:
    from babel.dates import format_skeleton

    return format_skeleton(skeleton, value, locale=_locale(current_locale()))


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return local(value).date() if isinstance(value, dt.datetime) else value


def stored(text: str | None) -> dt.datetime | None:
    """A time as the database stores it (UTC text, read by raw SQL) as an aware datetime; None stays None."""
    from db.fields import parse_utc

    return parse_utc(text) if text else None


def day(value: dt.date | dt.datetime) -> str:
    """The day with an abbreviated month: "Nov 3, 2026" / "3. Nov. 2026"."""
    return _skeleton("yMMMd", _as_date(value))


def day_no_year(value: dt.date | dt.datetime) -> str:
    return _skeleton("MMMd", _as_date(value))


def weekday(value: dt.date | dt.datetime, *, year: bool = True) -> str:
    """The day with its weekday: "Tue, Nov 3, 2026" / "Di., 3. Nov."."""
    return _skeleton("yMMMEd" if year else "MMMEd", _as_date(value))


def long_day(value: dt.date | dt.datetime) -> str:
    """Weekday and month in full: "Tuesday, November 3, 2026"."""
    from babel.dates import format_date

    return format_date(_as_date(value), "full", locale=_locale(current_locale()))


def month_year(value: dt.date | dt.datetime) -> str:
    return _skeleton("yMMM", _as_date(value))


def time(when: dt.datetime, *, seconds: bool = False) -> str:
    """The clock time: "2:05 PM" / "14:05"."""
    from babel.dates import format_time

    return format_time(local(when), "medium" if seconds else "short", locale=_locale(current_locale()))


def date_time(when: dt.datetime, *, year: bool = True, seconds: bool = False) -> str:
    """Day and clock time, joined as the locale joins them: "Nov 3, 2026, 2:05 PM" / "3. Nov. 2026, 14:05"."""
    loc = _locale(current_locale())
    pattern = loc.datetime_formats.get("medium", "{1} {0}")
    return str(pattern).format(time(when, seconds=seconds), day(when) if year else day_no_year(when))


def ago(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """How long ago, in words: "3 weeks ago" / "vor 3 Wochen"."""
    from babel.dates import format_timedelta

    now = now or dt.datetime.now(dt.UTC)
    if when.tzinfo is None or now.tzinfo is None:
        when, now = when.replace(tzinfo=None), now.replace(tzinfo=None)
    return format_timedelta(when - now, add_direction=True, locale=_locale(current_locale()))


def qt_format(skeleton: str) -> str:
    """The locale's CLDR pattern for ``skeleton`` in Qt's date-format syntax (QDateEdit.setDisplayFormat,
    QDateTimeAxis.setFormat): "yMMMd" is "MMM d, yyyy" in en_US, "d. MMM yyyy" in de_DE. Month and day names
    come from QLocale, which ui/i18n.py sets to the shop's locale."""
    import re

    pattern = _locale(current_locale()).datetime_skeletons[skeleton].pattern

    def field(match: re.Match) -> str:
        text = match.group(0)
        if text.startswith("'"):
            return text  # quoted literal: the same in both syntaxes
        letter, width = text[0], len(text)
        if letter == "y":
            return "yy" if width == 2 else "yyyy"
        if letter in "Ec":
            return "dddd" if width >= 4 else "ddd"
        if letter == "L":
            return "M" * width
        if letter == "a":
            return "AP"
        return text

    return re.sub(r"'[^']*'|([A-Za-z])\1*", field, pattern)

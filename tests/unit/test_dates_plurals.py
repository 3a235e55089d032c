"""Dates, times and counted nouns the way the shop writes them (babel/CLDR): a German shop, a Kuwaiti one,
and the default en_US; times shown in the till's local zone."""

from __future__ import annotations

import datetime as dt

import pytest

from app import dates, money, plurals


@pytest.fixture
def shop_locale():
    yield money.use_locale
    money.use_locale("en_US")


WHEN = dt.datetime(2026, 3, 5, 14, 7, 9)  # naive: already local
DAY = dt.date(2026, 3, 5)  # a Thursday


def test_us_shop(shop_locale):
    shop_locale("en_US")
    assert dates.day(DAY) == "Mar 5, 2026"
    assert dates.weekday(DAY) == "Thu, Mar 5, 2026"
    assert dates.weekday(DAY, year=False) == "Thu, Mar 5"
    assert dates.month_year(DAY) == "Mar 2026"
    assert dates.long_day(DAY) == "Thursday, March 5, 2026"
    assert dates.time(WHEN).replace("\u202f", " ") == "2:07 PM"
    assert dates.date_time(WHEN).replace("\u202f", " ") == "Mar 5, 2026, 2:07 PM"
    assert dates.ago(WHEN - dt.timedelta(days=20), WHEN) == "3 weeks ago"
    assert plurals.count(1, "bill") == "1 bill"
    assert plurals.count(1234, "bill") == "1,234 bills"
    assert plurals.count(0, "entry", "entries") == "0 entries"


def test_german_shop(shop_locale):
    shop_locale("de_DE")
    assert dates.day(DAY) == "5. März 2026"
    assert dates.weekday(DAY) == "Do., 5. März 2026"
    assert dates.long_day(DAY) == "Donnerstag, 5. März 2026"
    assert dates.time(WHEN) == "14:07"
    assert dates.time(WHEN, seconds=True) == "14:07:09"
    assert dates.date_time(WHEN, year=False) == "5. März, 14:07"
    assert dates.ago(WHEN - dt.timedelta(days=2), WHEN) == "vor 2 Tagen"
    assert plurals.count(1234, "bill") == "1.234 bills"


def test_kuwaiti_shop(shop_locale):
    shop_locale("ar_KW")
    assert dates.day(DAY) == "5 مارس 2026"
    assert dates.time(WHEN) == "2:07 م"
    assert plurals.plural(1, "bill") == "bill"
    assert plurals.plural(2, "bill") == "bills"  # Arabic's dual is still "more than one" for English words


def test_aware_times_are_shown_in_the_tills_zone(shop_locale):
    shop_locale("de_DE")
    utc = dt.datetime(2026, 3, 5, 14, 7, tzinfo=dt.UTC)
    assert dates.time(utc) == utc.astimezone().strftime("%H:%M")


def test_qt_date_widgets_get_the_locales_pattern(shop_locale):
    shop_locale("en_US")
    assert dates.qt_format("yMMMd") == "MMM d, yyyy"
    shop_locale("de_DE")
    assert dates.qt_format("yMMMd") == "d. MMM yyyy"
    assert dates.qt_format("yMMMEd") == "ddd, d. MMM yyyy"


def test_the_sync_status_says_how_long_ago_in_the_shops_words(shop_locale):
    from app.sync.worker import Status
    from ui.sync_status import describe

    two_hours_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2, minutes=1)
    offline = Status(linked=True, online=False, syncing=False, waiting=1, quarantined=0, conflicts=0,
                     last_sync_at=two_hours_ago)
    text, tip = describe(offline)
    assert "1 change waiting" in text and "Last synced 2 hours ago" in tip
    shop_locale("de_DE")
    text, tip = describe(offline)
    assert "Last synced vor 2 Stunden" in tip and dates.time(two_hours_ago) in text

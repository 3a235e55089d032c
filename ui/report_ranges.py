"""The reports window's periods (Today, Last 30 days…) and chart buckets: pure date arithmetic."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP

RANGES = ["Today", "Yesterday", "Last 7 days", "This month", "Last 30 days", "This year", "Last 365 days", "Custom"]
# the periods as shown (translated where shown); the English names above stay the combo's data and range_for's key
RANGE_TEXTS = [QT_TRANSLATE_NOOP("ReportsWindow", "Today"), QT_TRANSLATE_NOOP("ReportsWindow", "Yesterday"),
               QT_TRANSLATE_NOOP("ReportsWindow", "Last 7 days"), QT_TRANSLATE_NOOP("ReportsWindow", "This month"),
               QT_TRANSLATE_NOOP("ReportsWindow", "Last 30 days"), QT_TRANSLATE_NOOP("ReportsWindow", "This year"),
               QT_TRANSLATE_NOOP("ReportsWindow", "Last 365 days"), QT_TRANSLATE_NOOP("ReportsWindow", "Custom")]


def range_for(name: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if name == "Today":
        return today, today
    if name == "Yesterday":
        day = today - dt.timedelta(days=1)
        return day, day
    if name == "Last 7 days":
        return today - dt.timedelta(days=6), today
    if name == "This month":
        return today.replace(day=1), today
    if name == "Last 30 days":
        return today - dt.timedelta(days=29), today
    if name == "This year":
        return today.replace(month=1, day=1), today
    return today - dt.timedelta(days=364), today


def _bucket(day: dt.date, days: int) -> dt.date:
    """Chart buckets: days for up to two months, weeks up to about a year and a half, then months."""
    if days <= 62:
        return day
    if days <= 550:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)

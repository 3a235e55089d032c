"""Counted nouns ("1 bill", "3 bills") by the plural rules of the shop's locale (babel's CLDR rules), the
number written as the locale writes it ("1,234" / "1.234"). The one helper for every "N thing(s)" text."""

from __future__ import annotations

from functools import lru_cache

from app.money import current_locale


@lru_cache(maxsize=64)
def _locale(code: str):
    from babel import Locale

    return Locale.parse(code)


def is_one(n: int) -> bool:
    """Whether ``n`` takes the singular in the shop's language."""
    return _locale(current_locale()).plural_form(n) == "one"


def plural(n: int, one: str, other: str | None = None) -> str:
    """The word alone: ``plural(2, "bill")`` is "bills"."""
    return one if is_one(n) else (other if other is not None else one + "s")


def count(n: int, one: str, other: str | None = None) -> str:
    """The number and the word: ``count(1234, "customer")`` is "1,234 customers" in en_US."""
    from babel.numbers import format_decimal

    return f"{format_decimal(n, locale=_locale(current_locale()))} {plural(n, one, other)}"

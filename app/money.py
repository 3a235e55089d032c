"""Money is integer minor units everywhere; Decimal only at the edges (typing and showing).

Showing and reading amounts follows the shop's locale (setting ``locale``, e.g. en_US, de_DE, ar_KW) through
babel (CLDR data): the currency's own number of decimals (KWD has 3, JPY none), its symbol and where it goes,
the decimal and grouping separators. ``use_locale`` is called when the till opens and when the setting
changes, so the many callers pass only the amount and the currency.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from app.errors import ValidationError

# babel is imported where first used: its import (CLDR tables) would add ~60 ms to the till's start-up,
# before any amount is shown.

DEFAULT_LOCALE = "en_US"
LARGEST = Decimal(10) ** 12  # no till sells a trillion of anything: larger is a typing accident
_locale = DEFAULT_LOCALE


def check_locale(code: str) -> str:
    """The locale code as babel knows it, or ValidationError."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code))
    except (ValueError, TypeError, UnknownLocaleError):
        raise ValidationError(f"'{code}' is not a locale this till knows (for example en_US or de_DE).",
                              "locale") from None


def use_locale(code: str | None) -> None:
    global _locale
    if (code or DEFAULT_LOCALE) == DEFAULT_LOCALE:
        _locale = DEFAULT_LOCALE  # known good: no need to load babel yet
        return
    try:
        _locale = check_locale(code)
    except ValidationError:
        _locale = DEFAULT_LOCALE


def current_locale() -> str:
    return _locale


@lru_cache(maxsize=256)
def minor_digits(currency: str) -> int:
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


def to_decimal(minor: int, currency: str = "USD") -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency))


@lru_cache(maxsize=8192)  # item views repaint the same few amounts many times a second
def _formatted(minor: int, currency: str, locale: str) -> str:
    from babel.numbers import format_currency

    return format_currency(to_decimal(minor, currency), currency, locale=locale)


def format_money(minor: int, currency: str = "USD") -> str:
    return _formatted(int(minor), currency, _locale)


def format_amount(minor: int, currency: str = "USD") -> str:
    """The number alone, as the shop writes it ("12,50" in de_DE): for fields a cashier edits."""
    digits = minor_digits(currency)
    pattern = "0" if digits == 0 else "0." + "0" * digits
    from babel.numbers import format_decimal

    return format_decimal(to_decimal(minor, currency), format=pattern, locale=_locale)


def _number(text: str) -> Decimal:
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        return parse_decimal(text, locale=_locale, strict=True)
    except NumberFormatError:
        # "12.50" typed in a shop whose locale writes "12,50": a plain number is still read as typed
        return Decimal(text)


def parse_money(text: str, currency: str = "USD") -> int:
    """'12.5', '$12.50', '1,200' (en_US) or '12,50 €' (de_DE) -> minor units. Rejects more decimals than
    the currency has, and anything that is not an amount."""
    cleaned = (text or "").strip()
    for symbol in (currency_symbol(currency), currency):
        if symbol:
            cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.replace("\u00a0", " ").strip().replace(" ", "")
    try:
        value = _number(cleaned)
    except (InvalidOperation, ValueError):
        raise ValidationError(f"'{text}' is not an amount of money.") from None
    if not value.is_finite():
        raise ValidationError(f"'{text}' is not an amount of money.")
    if abs(value) >= LARGEST:  # 1E999999 would overflow the scaling below
        raise ValidationError(f"'{text}' is too large to be an amount of money.")
    scaled = value.scaleb(minor_digits(currency))
    if scaled != scaled.to_integral_value():
        raise ValidationError(f"'{text}' has more decimals than {currency} allows.")
    return int(scaled)


def percent_of(amount: int, basis_points: int) -> int:
    """``amount`` * bp / 10000, rounded half up, exact."""
    return int((Decimal(amount) * basis_points / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@lru_cache(maxsize=256)
def _symbol(currency: str, locale: str) -> str:
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency, locale=locale)


def currency_symbol(currency: str) -> str:
    return _symbol(currency, _locale)


# Currencies offered first in pickers (any ISO 4217 code babel knows works), with their usual symbols.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "JPY": "¥", "AUD": "A$", "CAD": "CA$", "CHF": "CHF",
           "NZD": "NZ$", "SGD": "SGD", "ZAR": "ZAR", "KWD": "KWD", "AED": "AED", "SEK": "SEK", "NOK": "NOK",
           "DKK": "DKK", "PLN": "PLN", "MXN": "MX$", "BRL": "R$"}

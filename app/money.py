"""Money is integer minor units everywhere; Decimal only at the edges (typing and showing)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, DecimalException

from app.errors import ValidationError

MAX_DIGITS = 15  # no amount a till handles has more whole digits: anything longer is a typing slip
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "JPY": "¥", "AUD": "A$", "CAD": "C$"}
MINOR_DIGITS = {"JPY": 0}


def minor_digits(currency: str) -> int:
    return MINOR_DIGITS.get(currency, 2)


def to_decimal(minor: int, currency: str = "USD") -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency))


def format_money(minor: int, currency: str = "USD") -> str:
    digits = minor_digits(currency)
    sign = "-" if minor < 0 else ""
    amount = f"{to_decimal(abs(minor), currency):,.{digits}f}"
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{amount}"


def parse_money(text: str, currency: str = "USD") -> int:
    """'12.5', '$12.50', '1,200' -> minor units. Rejects more decimals than the currency has."""
    cleaned = (text or "").strip().replace(",", "")
    for symbol in (SYMBOLS.get(currency, ""), currency):
        if symbol:
            cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.strip()
    try:
        value = Decimal(cleaned)
    except DecimalException:
        raise ValidationError(f"'{text}' is not an amount of money.") from None
    if not value.is_finite():
        raise ValidationError(f"'{text}' is not an amount of money.")
    if value and value.adjusted() >= MAX_DIGITS:  # 1E999999 would overflow the scaling below
        raise ValidationError(f"'{text}' is too large to be an amount of money.")
    scaled = value.scaleb(minor_digits(currency))
    if scaled != scaled.to_integral_value():
        raise ValidationError(f"'{text}' has more decimals than {currency} allows.")
    return int(scaled)


def percent_of(amount: int, basis_points: int) -> int:
    """``amount`` * bp / 10000, rounded half up, exact."""
    return int((Decimal(amount) * basis_points / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))

"""What the cashier types into the bill: "CODE", a barcode, "3*CODE", a quantity, a discount (10% or 1.50)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, DecimalException

from app.errors import ValidationError
from app.money import parse_money

MAX_QUANTITY = 9999
_ENTRY = re.compile(r"^\s*(?:(?P<qty>[^*]*)\*)?\s*(?P<code>[^*]*?)\s*$")


def parse_entry(text: str) -> tuple[int, str]:
    """'1001' -> (1, '1001'); '3*1001' -> (3, '1001'). ValidationError for anything else."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationError("Type or scan an item code first.", "code")
    match = _ENTRY.match(raw)
    if match is None or raw.count("*") > 1:
        raise ValidationError(f"'{raw}' is not an item code. Use CODE or QUANTITY*CODE, e.g. 3*1001.", "code")
    code = match.group("code")
    if not code:
        raise ValidationError(f"'{raw}' has a quantity but no item code.", "code")
    qty_text = match.group("qty")
    quantity = 1 if qty_text is None else parse_quantity(qty_text)
    return quantity, code


def parse_quantity(text: str) -> int:
    raw = (text or "").strip()
    try:
        quantity = int(raw)
    except ValueError:
        raise ValidationError(f"'{raw}' is not a whole quantity.", "quantity") from None
    check_quantity(quantity)
    return quantity


def check_quantity(quantity: int) -> None:
    if quantity <= 0:
        raise ValidationError("A quantity must be at least 1 (remove the line instead).", "quantity")
    if quantity > MAX_QUANTITY:
        raise ValidationError(f"{quantity} is more than the {MAX_QUANTITY} a line can hold: check the quantity.",
                              "quantity")


def parse_discount(text: str, currency: str) -> tuple[int, int]:
    """'10%' -> (1000, 0) basis points; '1.50' -> (0, 150) minor units; '' or '0' -> (0, 0)."""
    raw = (text or "").strip()
    if not raw or raw in ("0", "0%"):
        return 0, 0
    if raw.endswith("%"):
        try:
            typed = Decimal(raw[:-1].strip())  # never float: 'inf%' and 'nan%' are not percentages
        except DecimalException:
            raise ValidationError(f"'{raw}' is not a percentage.", "discount") from None
        if not typed.is_finite():
            raise ValidationError(f"'{raw}' is not a percentage.", "discount")
        if not 0 < typed <= 100:
            raise ValidationError("A discount is between 0% and 100%.", "discount")
        bp = int((typed * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))  # to whole basis points
        if not 0 < bp <= 10000:
            raise ValidationError("A discount is between 0% and 100%.", "discount")
        return bp, 0
    amount = parse_money(raw, currency)
    if amount <= 0:
        raise ValidationError("A discount is more than zero.", "discount")
    return 0, amount

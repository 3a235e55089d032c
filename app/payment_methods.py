"""How a bill is paid: the one vocabulary of payment methods, their stored values and their labels.

The values are what ``payment.method`` holds (and what syncs), so they never change. The labels are English;
the till's windows show them translated (ui/i18n.translate with the context ``PaymentMethod``: the marks
below let pyside6-lupdate collect them), receipts and reports print them as they are.
"""

from __future__ import annotations

from enum import StrEnum


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name pyside6-lupdate looks for)
    return text


class PaymentMethod(StrEnum):
    CASH = "cash"  # the only method that gives change
    CARD = "card"
    OTHER = "other"
    LOYALTY = "loyalty"  # loyalty points as a tender (app/loyalty.py)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def of(cls, value) -> PaymentMethod | None:
        """The method a stored value or a stated preference names ("card", "Card"); None if none."""
        if isinstance(value, str):
            try:
                return cls(value.strip().casefold())
            except ValueError:
                return None
        return None


_LABELS = {
    PaymentMethod.CASH: QT_TRANSLATE_NOOP("PaymentMethod", "Cash"),
    PaymentMethod.CARD: QT_TRANSLATE_NOOP("PaymentMethod", "Card"),
    PaymentMethod.OTHER: QT_TRANSLATE_NOOP("PaymentMethod", "Other"),
    PaymentMethod.LOYALTY: QT_TRANSLATE_NOOP("PaymentMethod", "Loyalty points"),
}
# the methods a customer can state as their preference, or a demo customer pays by (points are not money)
MONEY_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.OTHER)


def label(value: str) -> str:
    """The label of a stored method; a value this till does not know (a newer till's) title-cased."""
    method = PaymentMethod.of(value)
    return method.label if method is not None else str(value).title()

"""A sale completed on the write worker, and what the next bill starts from read there too.

Between Enter in the payment dialog and the cleared bill the UI thread should touch no disk: a new Cart
reads the shop's settings and promotion rules, and the till asks for the receipt printer. Read here, right
after the sale is committed, they are as fresh as reading them when the next bill opens.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import billing, promotions, settings
from app.changes import writes


@dataclass(frozen=True)
class NextBill:
    settings: settings.ShopSettings
    promotion_rules: list
    receipt_printer: str


def read() -> NextBill:
    return NextBill(settings.shop(), promotions.all_rules(), settings.local("receipt_printer") or "")


@writes(*billing.complete_sale.writes)
def complete_sale(cart, tenders, cashier) -> tuple[billing.SaleResult, NextBill]:
    """billing.complete_sale, then what the next bill needs."""
    return billing.complete_sale(cart, tenders, cashier), read()

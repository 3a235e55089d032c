"""Bills for back-office tests, written through the models as a completed sale is (bill, lines, payments,
loyalty, customer figures in one transaction)."""

from __future__ import annotations

import datetime as dt
import itertools

from app import stats
from db.ids import utcnow
from db.models import Bill, BillLine, LoyaltyEntry, Payment, database

_receipts = itertools.count(1)


def make_bill(cashier, *, customer=None, profile=None, lines=((None, 1, 1000),), method="cash",
              when: dt.datetime | None = None, points: int = 0) -> Bill:
    """``lines``: (item or None, quantity, unit price in cents)."""
    when = when or utcnow()
    total = sum(q * p for _, q, p in lines)
    with database.atomic():
        bill = Bill(receipt_no=f"TEST-{next(_receipts)}-{when.timestamp()}", till_code="TEST", cashier=cashier,
                    customer=customer, profile=profile, opened_at=when, completed_at=when, subtotal=total,
                    tax_total=total // 11, total=total, points_earned=points)
        bill.save()
        saved_lines = []
        for n, (item, quantity, price) in enumerate(lines, 1):
            line = BillLine(bill=bill, line_no=n, item=item, code=item.code if item else "MISC",
                            name=item.name if item else "Misc", quantity=quantity, unit_price=price,
                            total=quantity * price)
            line.save()
            saved_lines.append(line)
        payment = Payment(bill=bill, method=method, amount=total, tendered=total)
        payment.save()
        if points and customer is not None:
            LoyaltyEntry(customer=customer, bill=bill, kind="earn", points=points, at=when).save()
        stats.apply_bill(bill, saved_lines, [payment], points)
    return bill


def void_bill(original: Bill, cashier) -> Bill:
    with database.atomic():
        void = Bill(receipt_no=f"{original.receipt_no}-V", till_code="TEST", cashier=cashier,
                    customer=original.customer_id, profile=original.profile_id, status="void", kind="void",
                    voids=original, total=-original.total, subtotal=-original.subtotal)
        void.save()
        lines = list(BillLine.select().where(BillLine.bill == original))
        payments = list(Payment.select().where(Payment.bill == original))
        stats.apply_bill(void, lines, payments, -original.points_earned)
    return void

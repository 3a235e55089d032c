"""Believable past sales for the demo shop, rung up through the real cart and billing service.

Emily Roberts is a regular (flat whites, espressos, the veggie wrap; never nuts: she is allergic), a few
dozen other customers came by once or more, and some sales are walk-ins. The customers' figures, loyalty
points, favourite items and the report summaries all come from these sales, exactly as a real till would
have made them. Repeatable: a fixed seed, dates counted back from today.
"""

from __future__ import annotations

import datetime as dt
import random

from app import billing, catalogue, settings
from app import cart as carts
from app.errors import TillError
from app.payment_methods import MONEY_METHODS, PaymentMethod
from db.ids import utcnow
from db.models import Customer, Item, User

EMILY_REGULARS = ["Flat White", "Espresso", "Veggie Wrap", "Butter Croissant", "Oat Milk 1L", "Green Tea"]


# Past sales run up to yesterday, as a shop's would; "today" holds only the sales made since start-up.
FIRST_DAY_BACK = 1


def _when(rng: random.Random, today: dt.datetime, max_days: int) -> dt.datetime:
    day = today - dt.timedelta(days=rng.randint(FIRST_DAY_BACK, max_days))
    return day.replace(hour=rng.randint(7, 18), minute=rng.randint(0, 59), second=rng.randint(0, 59),
                       microsecond=0)


def _method(customer: carts.CustomerOnBill | None, rng: random.Random) -> str:
    preferred = customer.preferred_payment if customer else None
    if preferred in MONEY_METHODS and rng.random() < 0.85:
        return preferred
    return rng.choice([PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CARD]).value


def seed_sales(cashier: User, emily: Customer, *, customers: int = 40, walk_ins: int = 30,
               seed_value: int = 11) -> int:
    """Ring up the past sales. Call inside the demo seed's transaction. Returns how many were made."""
    rng = random.Random(seed_value)
    today = utcnow()
    # past bills carry their customers' profiles, for the reports
    shop = settings.shop().replace({"show_customer_profile": True})
    items = list(Item.select(Item.id).where(Item.active == True).order_by(Item.code))  # noqa: E712
    menu = [catalogue.get(i.id) for i in items]
    by_name = {item.name: item for item in menu}
    plan: list[tuple[dt.datetime, str | None, list]] = []

    regulars = [by_name[name] for name in EMILY_REGULARS if name in by_name]
    for _ in range(14):
        picks = rng.sample(regulars, k=rng.randint(1, 3))
        plan.append((_when(rng, today, 75), emily.id, [(item, rng.choice([1, 1, 1, 2])) for item in picks]))

    others = list(Customer.select(Customer.id).where((Customer.status == "active") & (Customer.id != emily.id))
                  .order_by(Customer.created_at).limit(customers * 3))
    for row in rng.sample(others, k=min(customers, len(others))):
        for _ in range(rng.randint(1, 4)):
            picks = rng.sample(menu, k=rng.randint(1, 4))
            plan.append((_when(rng, today, 120), row.id, [(item, rng.choice([1, 1, 2, 3])) for item in picks]))
    for _ in range(walk_ins):
        picks = rng.sample(menu, k=rng.randint(1, 3))
        plan.append((_when(rng, today, 45), None, [(item, 1) for item in picks]))

    plan.sort(key=lambda entry: entry[0])
    loaded: dict[str, carts.CustomerOnBill] = {}
    made = 0
    for when, customer_id, picks in plan:
        cart = carts.Cart(shop)
        cart.opened_at = when - dt.timedelta(minutes=rng.randint(1, 4))
        if customer_id is not None:
            cart.set_customer(loaded.get(customer_id) or carts.load_customer(customer_id))
            loaded[customer_id] = cart.customer
        for item, quantity in picks:
            result = cart.add_item(item, quantity)
            if result.needs_confirmation:  # the customer was told and still wanted it
                cart.confirm_allergens(result.line.id)
        total = cart.price(cash=False).total
        method = _method(cart.customer, rng)
        if method == PaymentMethod.CASH:
            cash_total = cart.price(cash=True).total
            tendered = -(-cash_total // 500) * 500 if rng.random() < 0.6 else cash_total
            tenders = [billing.Tender(PaymentMethod.CASH, tendered)]
        else:
            tenders = [billing.Tender(method, total)]
        try:
            billing.complete_sale(cart, tenders, cashier, now=when)
        except TillError:  # a demo sale that does not fit the rules is simply left out
            continue
        made += 1
    return made

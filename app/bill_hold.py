"""A held bill as data (HeldBill.data) and back: the lines, customer, profile and discounts; a held bill
recalled later is rebuilt with today's catalogue and says what could not come back."""

from __future__ import annotations

from app import catalogue
from app.bill_loading import load_customer, load_profile
from app.cart import Cart, CartLine
from app.errors import TillError
from app.money import format_money
from db.fields import parse_utc
from db.ids import new_id


def to_data(cart) -> dict:
    return {
        "bill_id": cart.bill_id,
        "opened_at": cart.opened_at.isoformat(),
        "customer_id": cart.customer.id if cart.customer else None,
        "profile_id": cart.profile.id if cart.profile else None,
        "profile_name": cart.profile.name if cart.profile else None,
        "total": cart.price().total if cart.lines else 0,
        "bill_discount_bp": cart.bill_discount_bp,
        "bill_discount_amount": cart.bill_discount_amount,
        "note": cart.note,
        "first_line_at": cart.first_line_at.isoformat() if cart.first_line_at else None,
        "lines": [
            {"id": line.id, "item_id": line.item.id, "quantity": line.quantity,
             "manual_price": line.manual_price, "discount_bp": line.discount_bp,
             "discount_amount": line.discount_amount, "allergens_confirmed": line.allergens_confirmed}
            for line in cart.lines
        ],
    }

def from_data(data: dict, settings: dict | None = None) -> tuple[Cart, list[str]]:
    """Rebuild a held cart with today's catalogue. Returns the cart and what could not come back."""
    cart = Cart(settings)
    problems: list[str] = []
    cart.bill_id = data.get("bill_id") or cart.bill_id
    cart.opened_at = parse_utc(data["opened_at"]) if data.get("opened_at") else cart.opened_at
    items = catalogue.get_many(line["item_id"] for line in data.get("lines", []))
    for saved in data.get("lines", []):
        item = items.get(saved["item_id"])
        if item is None or not item.active:
            problems.append("an item that is no longer sold was left out")
            continue
        cart.lines.append(CartLine(
            item=item, quantity=int(saved["quantity"]), id=saved.get("id") or new_id(),
            manual_price=saved.get("manual_price"), discount_bp=int(saved.get("discount_bp", 0)),
            discount_amount=int(saved.get("discount_amount", 0)),
            allergens_confirmed=list(saved.get("allergens_confirmed", [])),
        ))
    if data.get("customer_id"):
        try:
            cart.set_customer(load_customer(data["customer_id"]))
        except TillError as exc:
            problems.append(f"the customer was taken off: {exc.message}")
    if cart.profiles_enabled:
        cart.profile = load_profile(data.get("profile_id"))
    cart.bill_discount_bp = int(data.get("bill_discount_bp", 0))
    cart.bill_discount_amount = int(data.get("bill_discount_amount", 0))
    cart.note = data.get("note", "")
    if data.get("first_line_at"):
        cart.first_line_at = parse_utc(data["first_line_at"])
    cart._changed()
    if data.get("profile_id") and cart.profile is None:
        name = data.get("profile_name") or "its"
        why = "is no longer active" if cart.profiles_enabled else "is off (customer profiles are switched off)"
        problem = f"the {name} profile {why}, so it was taken off"
        if cart.lines and data.get("total") is not None and data["total"] != cart.price().total:
            problem += (f" and the bill re-priced from {format_money(int(data['total']), cart.currency)} "
                        f"to {format_money(cart.price().total, cart.currency)}")
        problems.append(problem)
    return cart, problems

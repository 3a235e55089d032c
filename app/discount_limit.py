"""The discount limit, held on the bill as it is paid.

Each discount is checked when the cashier gives it (app/cart.py), but the order of steps can carry a bill
past the limit without anyone approving it: a bill discount just under the limit on ten items, then the
quantity down to one, or a line discount and a bill discount stacked. So at payment the whole bill is
measured once more: what the cashier gave away (line and bill discounts and prices typed below the usual
price) against the bill without any of it. The shop's own rules (profile, customer prices, category or
tier discounts, promotions) are not the cashier's giving and are part of the undiscounted bill.

The cashier's own share stays within the limit: a manager's approval covers what was given away when the
manager approved (``cart.approved_discount_bp``); anything beyond that plus the limit needs a manager again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from app import audit, auth, pricing
from app.changes import writes
from app.errors import PermissionDenied
from app.money import format_money


@dataclass(frozen=True)
class GivenAway:
    undiscounted: int  # the bill without the cashier's discounts and typed prices
    given: int  # how much less the bill is with them

    @property
    def bp(self) -> int:
        """The share given away, in basis points, rounded up (so a limit is never passed by rounding)."""
        if self.undiscounted <= 0:
            return 0
        return -(-self.given * 10000 // self.undiscounted)


def given_away(cart) -> GivenAway:
    actual = cart.price()
    plain = pricing.price_bill(
        [dataclasses.replace(cart._line_input(line), manual_price=None, discount_bp=0, discount_amount=0)
         for line in cart.lines],
        cart.customer.terms if cart.customer else None,
        cart._profile_rule(),
        pricing.PricingSettings(prices_include_tax=cart.settings.prices_include_tax),
        promotions=cart._promotion_inputs(),  # the shop's promotions are its rules, not the cashier's giving
    )
    return GivenAway(plain.unrounded_total, max(0, plain.unrounded_total - actual.unrounded_total))


def limit_bp(cart) -> int:
    return cart.settings.line_discount_limit_bp


def check(cart) -> None:
    """NeedsApproval when the bill gives away more than the limit on top of what a manager approved."""
    from app.cart import NeedsApproval  # app.cart imports this module

    given = given_away(cart)
    allowed = min(10000, limit_bp(cart) + cart.approved_discount_bp)
    if given.given and given.given > pricing.percent(given.undiscounted, allowed):
        money = cart.currency
        raise NeedsApproval(
            f"This bill gives away {format_money(given.given, money)} ({given.bp / 100:g}% of "
            f"{format_money(given.undiscounted, money)}), more than the {limit_bp(cart) / 100:g}% a cashier may: "
            "a manager approves.",
            f"discounts of {format_money(given.given, money)} on a bill of {format_money(given.undiscounted, money)} "
            f"({given.bp / 100:g}%)")


def note_approval(cart, manager) -> None:
    """A manager approved a discount on this cart: what the bill gives away now is covered."""
    if not auth.is_manager(manager):
        raise PermissionDenied("Only a manager can approve a discount.")
    cart.approved_discount_bp = max(cart.approved_discount_bp, given_away(cart).bp)


@writes("audit_log")
def approve_at_payment(cart, manager) -> None:
    """The manager's approval asked for at payment; audited with what was given away."""
    note_approval(cart, manager)
    given = given_away(cart)
    audit.record(manager, "discount.approve", "bill", cart.bill_id,
                 {"given": given.given, "undiscounted": given.undiscounted, "bp": given.bp})

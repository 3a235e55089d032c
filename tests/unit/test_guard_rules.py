"""Issue 11's rules without a window: the discount limit measured on the final bill, and the PIN lockout's
arithmetic (doubling, the cap, a right PIN resetting it)."""

from __future__ import annotations

import pytest

from app import catalogue, discount_limit, lockout
from app.cart import Cart, NeedsApproval
from app.errors import PermissionDenied
from db.models import User


def _cart(*codes_and_qty) -> Cart:
    cart = Cart()
    for code, qty in codes_and_qty:
        cart.add_item(catalogue.lookup(code), qty)
    return cart


def test_a_price_typed_below_the_usual_counts_as_given_away(demo_db):
    cart = _cart(("1003", 1))
    line = cart.lines[0]
    cart.set_manual_price(line.id, 630)  # $0.60 under $6.90: within 10%
    cart.check_ready()
    cart.set_bill_discount(amount=60)  # and $0.60 more: 17% in all
    with pytest.raises(NeedsApproval):
        cart.check_ready()
    assert discount_limit.given_away(cart).given == 120


def test_an_approval_covers_what_was_given_then_plus_the_limit(demo_db):
    manager = User.get(User.name == "Manager")
    cart = _cart(("1003", 10))
    cart.set_bill_discount(bp=5000, approver=manager)  # a manager approved half off
    assert cart.approved_discount_bp == 5000
    cart.check_ready()
    cart.set_line_discount(cart.lines[0].id, bp=1000)  # the cashier's own 10% on top stays allowed
    cart.check_ready()
    cart.lines[0].discount_bp = 3000  # more than that (as a recalled or edited bill might hold) is caught
    cart._changed()
    with pytest.raises(NeedsApproval):
        cart.check_ready()
    with pytest.raises(PermissionDenied):
        discount_limit.note_approval(cart, User.get(User.name == "Cashier"))
    discount_limit.approve_at_payment(cart, manager)
    cart.check_ready()


def test_the_shops_own_rules_are_not_the_cashiers_giving(demo_db):
    from app import cart as carts

    cart = _cart(("1003", 2))
    cart.update_settings({"show_customer_profile": True})
    cart.set_profile(next(p for p in carts.active_profiles() if p.name == "Staff"))  # 20% off by profile
    given = discount_limit.given_away(cart)
    assert given.given == 0 and given.undiscounted == cart.price().total
    cart.check_ready()


def test_lockouts_double_up_to_an_hour_and_a_right_pin_resets(demo_db):
    now = [0.0]
    guard = lockout.PinGuard(clock=lambda: now[0])
    seconds = []
    for _round in range(9):
        for _n in range(4):
            with pytest.raises(PermissionDenied):
                guard.sign_in("0000")
        with pytest.raises(lockout.LockedOut) as locked:
            guard.sign_in("0000")
        seconds.append(locked.value.seconds)
        now[0] += locked.value.seconds
    assert seconds == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert guard.sign_in("1111").name == "Cashier"
    for _n in range(4):
        with pytest.raises(PermissionDenied):
            guard.manager("1111")  # a cashier is not a manager
    with pytest.raises(lockout.LockedOut) as locked:
        guard.manager("4444")
    assert locked.value.seconds == 30  # the right PIN started the doubling over
    assert guard.seconds_left() == 30

"""The bill being rung up: lines, customer, profile, discounts and allergen confirmations, in memory.

Nothing here writes to the database: a cart becomes a Bill only through app/billing.complete_sale (or a
HeldBill through hold). Every change validates first and changes nothing when it refuses, with a message
the cashier can act on. Prices come from app/pricing.price_bill, recomputed after every change.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from app import auth, catalogue, discount_limit, plurals, pricing
from app import settings as shop_settings
from app.bill_entry import (  # noqa: F401  (re-exported: many callers import them from here)
    _ENTRY,
    MAX_QUANTITY,
    check_quantity,
    parse_discount,
    parse_entry,
    parse_quantity,
)
from app.bill_loading import (  # noqa: F401
    CustomerInactive,
    CustomerOnBill,
    ProfileOnBill,
    active_profiles,
    effective_preferences,
    load_customer,
    load_profile,
)
from app.catalogue import CatalogueItem
from app.errors import NotFound, PermissionDenied, TillError, ValidationError
from app.money import format_money
from db.ids import new_id, utcnow
from db.models import database

MAX_UNIT_PRICE = 10_000_000  # 100,000.00 in a two-decimal currency: anything above is a typing slip
MAX_LINES = 500


class NeedsApproval(TillError):
    """A manager must approve this change (``what`` says what); retry it with ``approver=manager``."""

    def __init__(self, message: str, what: str):
        super().__init__(message)
        self.what = what


@dataclass
class CartLine:
    item: CatalogueItem
    quantity: int
    id: str = field(default_factory=new_id)  # becomes the BillLine's id
    manual_price: int | None = None
    discount_bp: int = 0
    discount_amount: int = 0
    allergens_confirmed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AddResult:
    line: CartLine
    quantity_added: int
    merged: bool
    needs_confirmation: tuple[str, ...]  # the customer's allergens this item carries, not yet confirmed


class Cart:
    def __init__(self, settings: shop_settings.ShopSettings | dict | None = None,
                 promotion_rules: list | None = None):
        """``settings`` and ``promotion_rules`` (app/promotions.all_rules) are read here unless given: the
        till reads them for the next bill on its write worker, right after a sale (app/next_bill.py)."""
        self.settings = shop_settings.ShopSettings.of(settings) if settings is not None else shop_settings.shop()
        self.bill_id = new_id()
        self.opened_at = utcnow()
        self.lines: list[CartLine] = []
        self.customer: CustomerOnBill | None = None
        self.profile: ProfileOnBill | None = None
        self.bill_discount_bp = 0
        self.bill_discount_amount = 0
        self.approved_discount_bp = 0  # share of the bill given away that a manager approved (discount_limit)
        self.note = ""  # the cashier's instructions for this bill (the customer's standing ones are added)
        self.held_id: str | None = None  # the HeldBill this cart was recalled from
        self._frozen = False  # a copy for the write worker (frozen())
        self._price_list_cache: dict[tuple[str, str], int | None] = {}
        self._priced: dict[bool, pricing.BillPrice] = {}
        self.first_line_at: dt.datetime | None = None  # service metrics: checkout time from the first line
        self.promotions: list = []  # app/promotions.Rule the customer qualifies for (walk-ins: untargeted)
        self.refresh_promotions(rules=promotion_rules)

    # --- reading -------------------------------------------------------------------------------------------

    @property
    def currency(self) -> str:
        return self.settings.currency

    @property
    def profiles_enabled(self) -> bool:
        return self.settings.show_customer_profile

    def is_empty(self) -> bool:
        return not self.lines

    def line(self, line_id: str) -> CartLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise NotFound("That line is no longer on the bill.")

    def index_of(self, line_id: str) -> int:
        return next(i for i, line in enumerate(self.lines) if line.id == line_id)

    def flagged_allergens(self, line: CartLine) -> tuple[str, ...]:
        """The customer's allergens this line's item carries (confirmed or not)."""
        if self.customer is None or not self.customer.allergies:
            return ()
        return tuple(a for a in line.item.allergens if a in self.customer.allergies)

    def unconfirmed_allergens(self, line: CartLine) -> tuple[str, ...]:
        return tuple(a for a in self.flagged_allergens(line) if a not in line.allergens_confirmed)

    def pending_allergen_lines(self) -> list[CartLine]:
        return [line for line in self.lines if self.unconfirmed_allergens(line)]

    def instructions(self) -> str:
        parts = [self.customer.instructions] if self.customer and self.customer.instructions else []
        if self.note.strip():
            parts.append(self.note.strip())
        return "\n".join(parts)

    def price(self, cash: bool = False) -> pricing.BillPrice:
        cash = bool(cash and self.settings.cash_rounding)
        if cash not in self._priced:
            self._priced[cash] = pricing.price_bill(
                [self._line_input(line) for line in self.lines],
                self.customer.terms if self.customer else None,
                self._profile_rule(),
                pricing.PricingSettings(
                    prices_include_tax=self.settings.prices_include_tax,
                    cash_rounding=self.settings.cash_rounding,
                ),
                bill_discount_bp=self.bill_discount_bp,
                bill_discount_amount=self.bill_discount_amount,
                cash=cash,
                promotions=self._promotion_inputs(),
            )
        return self._priced[cash]

    # --- promotions (app/promotions.py) -------------------------------------------------------------------

    def refresh_promotions(self, today: dt.date | None = None, rules: list | None = None) -> None:
        from app import promotions

        customer = self.customer
        who = None if customer is None else promotions.Who(
            segments=customer.segments, profile_id=customer.default_profile_id, category_id=customer.category_id,
            marketing_consent=customer.marketing_consent,
            channel=str(customer.preferences.get("communication.channel") or ""))
        self.promotions = promotions.for_checkout(who, today or dt.date.today(), rules)
        self._changed()

    def _promotion_inputs(self) -> list[pricing.PromotionInput]:
        return [pricing.PromotionInput(r.id, r.value if r.kind == "percent" else 0, r.value if r.kind == "amount" else 0)
                for r in self.promotions if r.kind in ("percent", "amount")]

    def promotion_points(self) -> int:
        """Bonus points of the promotions on this bill (a customer is needed to earn them)."""
        if self.customer is None:
            return 0
        return sum(r.value for r in self.promotions if r.kind == "points")

    def promotions_applied(self) -> list[dict]:
        """What the bill records of each promotion it applied, with the amount it took off."""
        amounts = dict(self.price().promotions)
        out = []
        for r in self.promotions:
            if r.kind == "points" and self.customer is None:
                continue
            entry = {"id": r.id, "name": r.name, "kind": r.kind, "value": r.value, "channel": r.channel}
            entry["amount" if r.kind != "points" else "points"] = amounts.get(r.id, 0) if r.kind != "points" else r.value
            out.append(entry)
        return out

    def service_record(self, tenders, now: dt.datetime) -> dict:
        """Service metrics for the bill (app/service_metrics.py)."""
        from app import service_metrics

        return service_metrics.record(self, tenders, now)

    def _line_input(self, line: CartLine) -> pricing.LineInput:
        return pricing.LineInput(
            item_id=line.item.id, base_price=line.item.price, quantity=line.quantity,
            tax_rate_bp=line.item.tax_rate_bp, tax_inclusive=line.item.tax_inclusive,
            manual_price=line.manual_price, discount_bp=line.discount_bp, discount_amount=line.discount_amount,
        )

    def _profile_rule(self) -> pricing.ProfileRule | None:
        profile = self.profile
        if profile is None:
            return None
        prices = {}
        if profile.rule == "price_list" and profile.price_list_id:
            for line in self.lines:
                price = self._price_list_price(profile.price_list_id, line.item.id)
                if price is not None:
                    prices[line.item.id] = price
        return pricing.ProfileRule(rule=profile.rule, discount_bp=profile.discount_bp, prices=prices)

    def _price_list_price(self, price_list_id: str, item_id: str) -> int | None:
        key = (price_list_id, item_id)
        if key not in self._price_list_cache:
            row = database.execute_sql(
                "SELECT price FROM price_list_entry WHERE price_list_id = ? AND item_id = ? AND deleted_at IS NULL",
                key,
            ).fetchone()
            self._price_list_cache[key] = None if row is None else row[0]
        return self._price_list_cache[key]

    def _changed(self) -> None:
        if self._frozen:
            raise TypeError("a frozen bill does not change")
        self._priced.clear()

    # --- lines ---------------------------------------------------------------------------------------------

    def add_entry(self, text: str) -> AddResult:
        """What the cashier typed or scanned: CODE, BARCODE or QTY*CODE."""
        quantity, code = parse_entry(text)
        item = catalogue.lookup(code)
        if item is None:
            raise ValidationError(f"No item has the code or barcode '{code}'.", "code")
        return self.add_item(item, quantity)

    def add_item(self, item: CatalogueItem, quantity: int = 1) -> AddResult:
        check_quantity(quantity)
        if not item.active:
            raise ValidationError(f"{item.name} ({item.code}) is no longer sold.", "code")
        if item.price < 0 or item.price > MAX_UNIT_PRICE:
            raise ValidationError(f"{item.name} has an impossible price: ask a manager to fix the catalogue.",
                                  "code")
        for line in self.lines:
            # the same item as sold now: a line rung before a manager changed its price keeps that price
            if (line.item == item and line.manual_price is None and not line.discount_bp
                    and not line.discount_amount):
                check_quantity(line.quantity + quantity)
                line.quantity += quantity
                self._changed()
                return AddResult(line, quantity, True, self.unconfirmed_allergens(line))
        if len(self.lines) >= MAX_LINES:
            raise ValidationError(f"A bill holds at most {MAX_LINES} lines: pay this one and start another.")
        line = CartLine(item=item, quantity=quantity)
        if self.first_line_at is None:
            self.first_line_at = utcnow()
        self.lines.append(line)
        self._changed()
        return AddResult(line, quantity, False, self.unconfirmed_allergens(line))

    def set_quantity(self, line_id: str, quantity: int) -> CartLine:
        line = self.line(line_id)
        check_quantity(quantity)
        line.quantity = quantity
        self._changed()
        return line

    def change_quantity(self, line_id: str, delta: int) -> CartLine:
        line = self.line(line_id)
        return self.set_quantity(line_id, line.quantity + delta)

    def remove(self, line_id: str) -> CartLine:
        line = self.line(line_id)
        self.lines.remove(line)
        self._changed()
        return line

    def take_back(self, line_id: str, quantity: int) -> None:
        """Undo an add of ``quantity`` (an allergen warning refused): fewer on a merged line, else remove."""
        line = self.line(line_id)
        if line.quantity > quantity:
            self.set_quantity(line_id, line.quantity - quantity)
        else:
            self.remove(line_id)

    def confirm_allergens(self, line_id: str) -> CartLine:
        line = self.line(line_id)
        line.allergens_confirmed = sorted(set(line.allergens_confirmed) | set(self.flagged_allergens(line)))
        return line

    def _limit_bp(self) -> int:
        return self.settings.line_discount_limit_bp

    def _require(self, approver, what: str, message: str) -> None:
        if approver is None:
            raise NeedsApproval(message, what)
        if not auth.is_manager(approver):
            raise PermissionDenied(f"Only a manager can approve: {what}.")

    def set_manual_price(self, line_id: str, price: int, approver=None) -> CartLine:
        """A price typed by hand; it stays whatever the profile or customer. Below the shelf price by more
        than the discount limit needs a manager."""
        line = self.line(line_id)
        if price < 0:
            raise ValidationError("A price cannot be negative.", "price")
        if price > MAX_UNIT_PRICE:
            raise ValidationError(f"{format_money(price, self.currency)} is not a believable price for one "
                                  f"{line.item.name}.", "price")
        floor = line.item.price - pricing.percent(line.item.price, self._limit_bp())
        if price < floor:
            self._require(approver, f"price {line.item.name} at {format_money(price, self.currency)}",
                          "A price this far below the shelf price needs a manager.")
        line.manual_price = price
        self._changed()
        self._approved(approver)
        return line

    def clear_manual_price(self, line_id: str) -> CartLine:
        line = self.line(line_id)
        line.manual_price = None
        self._changed()
        return line

    def set_line_discount(self, line_id: str, bp: int = 0, amount: int = 0, approver=None) -> CartLine:
        line = self.line(line_id)
        if bp < 0 or bp > 10000 or amount < 0:
            raise ValidationError("A discount is between 0% and 100% of the line.", "discount")
        index = self.index_of(line_id)
        before = self.price().lines[index]
        remaining = before.gross - before.auto_discount
        if amount > remaining:
            raise ValidationError(f"The discount is more than the line costs "
                                  f"({format_money(remaining, self.currency)}).", "discount")
        effective = pricing.percent(remaining, bp) + amount
        if effective > pricing.percent(remaining, self._limit_bp()):
            self._require(approver, f"a discount of {format_money(effective, self.currency)} on {line.item.name}",
                          f"A discount above {self._limit_bp() / 100:g}% needs a manager.")
        line.discount_bp, line.discount_amount = bp, amount
        self._changed()
        self._approved(approver)
        return line

    def set_bill_discount(self, bp: int = 0, amount: int = 0, approver=None) -> None:
        if bp < 0 or bp > 10000 or amount < 0:
            raise ValidationError("A discount is between 0% and 100% of the bill.", "discount")
        self._check_not_empty()
        current = replace_discount(self, 0, 0).total
        if amount > current:
            raise ValidationError(f"The discount is more than the bill ({format_money(current, self.currency)}).",
                                  "discount")
        effective = pricing.percent(current, bp) + amount
        if effective > pricing.percent(current, self._limit_bp()):
            self._require(approver, f"a bill discount of {format_money(effective, self.currency)}",
                          f"A bill discount above {self._limit_bp() / 100:g}% needs a manager.")
        self.bill_discount_bp, self.bill_discount_amount = bp, amount
        self._changed()
        self._approved(approver)

    def _approved(self, approver) -> None:
        if approver is not None:
            discount_limit.note_approval(self, approver)

    def _check_not_empty(self) -> None:
        if not self.lines:
            raise ValidationError("The bill is empty: add an item first.")

    # --- customer and profile ---------------------------------------------------------------------------

    def set_customer(self, customer: CustomerOnBill | None) -> None:
        """Put a customer on the bill (or take them off); the profile follows their default profile."""
        if customer is not None and customer.status != "active":
            raise CustomerInactive(customer.name)
        self.customer = customer
        self.refresh_promotions()
        if self.profiles_enabled:
            self.profile = load_profile(customer.default_profile_id) if customer else None
        else:
            self.profile = None
        self._changed()

    def set_profile(self, profile: ProfileOnBill | None) -> None:
        if profile is not None and not self.profiles_enabled:
            raise ValidationError("Customer profiles are switched off in the business settings.")
        self.profile = profile
        self._changed()

    def update_settings(self, changed: dict) -> str | None:
        """The manager changed settings: prices and the profile rule follow at once. Returns what that did
        to this bill in words (None when nothing the cashier sees changed)."""
        before_profile, before_total = self.profile, self.price().total if self.lines else 0
        self.settings = self.settings.replace(changed)
        if "show_customer_profile" in changed:
            if not self.profiles_enabled:
                self.profile = None
            elif self.customer is not None and self.profile is None:
                self.profile = load_profile(self.customer.default_profile_id)
        self._changed()
        parts = []
        if before_profile is not None and self.profile is None:
            parts.append(f"customer profiles are off, so the {before_profile.name} profile was taken off this bill")
        elif self.profile is not None and before_profile is None:
            parts.append(f"customer profiles are on: {self.profile.name} applies to this bill")
        after_total = self.price().total if self.lines else 0
        if after_total != before_total:
            parts.append(f"re-priced from {format_money(before_total, self.currency)} "
                         f"to {format_money(after_total, self.currency)}")
        return ("Settings changed: " + "; ".join(parts) + ".") if parts else None

    def refresh_customer(self, customer: CustomerOnBill) -> None:
        """The same customer read again (e.g. allergies just recorded); the bill's profile stays."""
        self.customer = customer
        self._changed()

    def applied_preferences(self) -> dict:
        """What the bill records of the customer's preferences, the profile and the discounts it applied."""
        applied: dict = {}
        if self.profile is not None:
            applied["profile"] = {"id": self.profile.id, "name": self.profile.name, "rule": self.profile.rule,
                                  "discount_bp": self.profile.discount_bp}
        if self.customer is None:
            return applied
        customer = self.customer
        if customer.allergies:
            applied["allergies"] = list(customer.allergies)
            confirmed = {line.item.code: line.allergens_confirmed for line in self.lines if line.allergens_confirmed}
            if confirmed:
                applied["allergens_confirmed"] = confirmed
        if customer.diets:
            applied["diets"] = list(customer.diets)
        if customer.preferred_payment:
            applied["payment.preferred"] = customer.preferred_payment
        if customer.instructions:
            applied["instructions.special"] = customer.instructions
        if customer.seating:
            applied["seating.preferred"] = customer.seating
        if customer.loyalty.tier_name:
            applied["loyalty_tier"] = customer.loyalty.tier_name  # the tier at the time of sale
        priced = self.price()
        source = next((line.auto_discount_source for line in priced.lines if line.auto_discount_source), None)
        if source == "tier":
            applied["tier_discount_bp"] = customer.terms.tier_discount_bp
            applied["tier"] = customer.loyalty.tier_name
        elif source == "category":
            applied["category_discount_bp"] = customer.terms.category_discount_bp
            applied["category"] = customer.category_name
        if any(line.price_source == pricing.CUSTOMER for line in priced.lines):
            applied["customer_prices"] = True
        return applied

    def applied_with_promotions(self) -> dict:
        applied = self.applied_preferences()
        promos = self.promotions_applied()
        if promos:
            applied["promotions"] = promos
        return applied

    # --- checks before payment ----------------------------------------------------------------------------

    def check_ready(self) -> None:
        self._check_not_empty()
        pending = self.pending_allergen_lines()
        if pending:
            names = ", ".join(line.item.name for line in pending)
            raise ValidationError(f"Confirm the allergy warning first: {names}.")
        discount_limit.check(self)  # NeedsApproval: the bill as paid gives away more than the limit

    # --- hold and recall --------------------------------------------------------------------------------------

    def frozen(self) -> Cart:
        """A copy of the bill as it stands, for the write worker: the cashier may change the live cart
        meanwhile. Its lines are copies and a tuple; changing it raises."""
        bill = copy.copy(self)
        bill.lines = tuple(copy.copy(line) for line in self.lines)
        bill._priced = dict(self._priced)
        bill._price_list_cache = dict(self._price_list_cache)
        bill.promotions = list(self.promotions)
        bill._frozen = True
        return bill

    def to_data(self) -> dict:
        from app import bill_hold

        return bill_hold.to_data(self)

    @classmethod
    def from_data(cls, data: dict, settings: dict | None = None) -> tuple[Cart, list[str]]:
        """Rebuild a held cart with today's catalogue (app/bill_hold.py)."""
        from app import bill_hold

        return bill_hold.from_data(data, settings)

    def label(self) -> str:
        who = self.customer.name if self.customer else "Walk-in"
        count = sum(line.quantity for line in self.lines)
        return f"{who} · {plurals.count(count, 'item')} · {format_money(self.price().total, self.currency)}"


def replace_discount(cart: Cart, bp: int, amount: int) -> pricing.BillPrice:
    """The cart's price as it would be with another bill discount (the cart itself is unchanged)."""
    return pricing.price_bill(
        [cart._line_input(line) for line in cart.lines],
        cart.customer.terms if cart.customer else None,
        cart._profile_rule(),
        pricing.PricingSettings(prices_include_tax=cart.settings.prices_include_tax),
        bill_discount_bp=bp,
        bill_discount_amount=amount,
        promotions=cart._promotion_inputs(),
    )


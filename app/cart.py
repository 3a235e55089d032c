"""The bill being rung up: lines, customer, profile, discounts and allergen confirmations, in memory.

Nothing here writes to the database: a cart becomes a Bill only through app/billing.complete_sale (or a
HeldBill through hold). Every change validates first and changes nothing when it refuses, with a message
the cashier can act on. Prices come from app/pricing.price_bill, recomputed after every change.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, DecimalException

from app import auth, catalogue, discount_limit, loyalty, preferences, pricing, stats
from app import settings as shop_settings
from app.catalogue import CatalogueItem
from app.errors import NotFound, PermissionDenied, TillError, ValidationError
from app.money import format_money, parse_money
from db.fields import parse_utc
from db.ids import new_id, utcnow
from db.models import (
    CustomerProfile,
    CustomerStats,
    database,
)

MAX_QUANTITY = 9999
MAX_UNIT_PRICE = 10_000_000  # 100,000.00 in a two-decimal currency: anything above is a typing slip
MAX_LINES = 500
PAYMENT_CHOICES = {"cash": "Cash", "card": "Card", "other": "Other", "loyalty": "Loyalty points"}

_ENTRY = re.compile(r"^\s*(?:(?P<qty>[^*]*)\*)?\s*(?P<code>[^*]*?)\s*$")


class NeedsApproval(TillError):
    """A manager must approve this change (``what`` says what); retry it with ``approver=manager``."""

    def __init__(self, message: str, what: str):
        super().__init__(message)
        self.what = what


class CustomerInactive(ValidationError):
    def __init__(self, name: str):
        super().__init__(
            f"{name} is inactive and cannot be put on a bill. A manager can reactivate the customer in "
            "Manage › Customers.", "customer")
        self.customer_name = name


@dataclass(frozen=True)
class ProfileOnBill:
    id: str
    name: str
    rule: str
    discount_bp: int
    price_list_id: str | None
    description: str = ""

    @classmethod
    def of(cls, row: CustomerProfile) -> ProfileOnBill:
        return cls(row.id, row.name, row.rule, row.discount_bp, row.price_list_id, row.description)

    def describe(self) -> str:
        if self.rule == "discount" and self.discount_bp:
            return f"{self.discount_bp / 100:g}% off"
        if self.rule == "price_list":
            return "price list"
        return "shelf prices"


@dataclass(frozen=True)
class CustomerOnBill:
    """Everything the bill needs to know about its customer, read once when the customer is picked."""

    id: str
    name: str
    phone: str | None
    email: str | None
    status: str
    default_profile_id: str | None
    terms: pricing.CustomerTerms
    loyalty: loyalty.LoyaltyTerms
    category_name: str = ""
    allergies: tuple[str, ...] = ()
    diets: tuple[str, ...] = ()
    preferences: dict = field(default_factory=dict)
    orders: int = 0
    spent: int = 0
    last_visit: dt.datetime | None = None
    points: int = 0
    favourites: tuple[CatalogueItem, ...] = ()
    most_used_payment: str | None = None
    segments: tuple[str, ...] = ()  # app/segments: new, regular, lapsed, vip, birthday
    category_id: str | None = None
    marketing_consent: bool = False

    @property
    def preferred_payment(self) -> str | None:
        """'cash' | 'card' | 'other': the customer's stated preference, else what they use most."""
        stated = self.preferences.get("payment.preferred")
        if isinstance(stated, str) and stated:
            return stated.lower()
        return self.most_used_payment

    @property
    def instructions(self) -> str:
        value = self.preferences.get("instructions.special")
        return value.strip() if isinstance(value, str) else ""

    @property
    def seating(self) -> str:
        value = self.preferences.get("seating.preferred")
        return value if isinstance(value, str) else ""


_CUSTOMER_SQL = (
    "SELECT c.id, c.name, c.phone, c.email, c.status, c.default_profile_id, c.deleted_at, c.erased_at, "
    "cat.name, cat.discount_bp, cat.earns_loyalty, tier.name, tier.discount_bp, tier.earn_multiplier_pct, "
    "s.orders, s.spent, s.last_visit, s.item_counts, s.payment_counts "
    "FROM customer c "
    "LEFT JOIN customer_category cat ON cat.id = c.category_id AND cat.deleted_at IS NULL AND cat.active "
    "LEFT JOIN loyalty_tier tier ON tier.id = c.loyalty_tier_id AND tier.deleted_at IS NULL "
    "LEFT JOIN customer_stats s ON s.customer_id = c.id "
    "WHERE c.id = ?"
)
# The effective preferences (the customer's override, else the definition's default): the rule of
# app/preferences.effective in one query (tests/unit/test_billing.py checks they agree).
_PREFERENCES_SQL = (
    'SELECT d.key, d.label, d.category, d."default", p.value, p.id IS NOT NULL '
    "FROM preference_definition d LEFT JOIN customer_preference p "
    "ON p.customer_id = ? AND p.key = d.key AND p.deleted_at IS NULL "
    "WHERE d.deleted_at IS NULL AND d.active ORDER BY d.category, d.sort_order, d.label"
)


def _json(text, default=None):
    return default if text is None else json.loads(text)


def effective_preferences(customer_id: str) -> list[preferences.Effective]:
    return [
        preferences.Effective(key, label, category, _json(value) if overridden else _json(default), bool(overridden))
        for key, label, category, default, value, overridden in database.execute_sql(_PREFERENCES_SQL, (customer_id,))
    ]


def load_customer(customer_id: str) -> CustomerOnBill:
    """Read a customer with their pricing terms, preferences and figures. Refuses inactive customers.
    A handful of indexed reads in raw SQL: it runs on the UI thread when the cashier picks a customer."""
    row = database.execute_sql(_CUSTOMER_SQL, (customer_id,)).fetchone()
    if row is None or row[6] is not None or row[7] is not None:
        raise NotFound("That customer no longer exists.")
    (cid, name, phone, email, status, default_profile_id, _, _, category_name, category_bp, earns, tier_name,
     tier_bp, multiplier, orders, spent, last_visit, item_counts, payment_counts) = row
    if status != "active":
        raise CustomerInactive(name)
    item_prices = {
        item_id: (price, bp)
        for item_id, price, bp in database.execute_sql(
            "SELECT item_id, price, discount_bp FROM customer_item_price WHERE customer_id = ? AND deleted_at IS NULL",
            (cid,))
    }
    from app import segments, tiers  # the tier reached by spend now, and the customer's segments

    tier = tiers.current(cid)
    tier_name, tier_bp, multiplier = (tier.name, tier.discount_bp, tier.earn_multiplier_pct) if tier else (
        None, None, None)
    terms = pricing.CustomerTerms(item_prices=item_prices, category_discount_bp=category_bp or 0,
                                  tier_discount_bp=tier_bp or 0)
    loyalty_terms = loyalty.LoyaltyTerms(
        earns=bool(earns) if category_name is not None else True,
        tier_name=tier_name or "",
        tier_discount_bp=tier_bp or 0,
        earn_multiplier_pct=multiplier if multiplier is not None else 100,
    )
    effective = effective_preferences(cid)
    prefs = {e.key: e.value for e in effective}
    allergies = tuple(e.key.split(".", 1)[1] for e in effective if e.category == "allergy" and e.value is True)
    diets = tuple(e.label for e in effective if e.category == "dietary" and e.value is True)
    figures = None
    if orders is not None:
        figures = CustomerStats(customer=cid, orders=orders, spent=spent, points=0,
                                item_counts=_json(item_counts, {}), payment_counts=_json(payment_counts, {}))
    favourite_ids = stats.favourite_items(figures, limit=5)
    found = catalogue.get_many(favourite_ids)
    favourites = tuple(found[i] for i in favourite_ids if i in found and found[i].active)
    return CustomerOnBill(
        id=cid, name=name, phone=phone, email=email, status=status, default_profile_id=default_profile_id,
        terms=terms, loyalty=loyalty_terms, category_name=category_name or "", allergies=allergies, diets=diets,
        preferences=prefs, orders=orders or 0, spent=spent or 0,
        last_visit=CustomerStats.last_visit.python_value(last_visit), points=loyalty.balance(cid),
        favourites=favourites, most_used_payment=stats.preferred_payment(figures),
        segments=segments.of_customer(cid),
        **_consent_and_category(cid),
    )


def _consent_and_category(customer_id: str) -> dict:
    row = database.execute_sql("SELECT category_id, marketing_consent FROM customer WHERE id = ?",
                               (customer_id,)).fetchone()
    return {"category_id": row[0], "marketing_consent": bool(row[1])} if row else {}


def active_profiles() -> list[ProfileOnBill]:
    rows = CustomerProfile.live().where(CustomerProfile.active == True).order_by(CustomerProfile.name)  # noqa: E712
    return [ProfileOnBill.of(row) for row in rows]


def load_profile(profile_id: str | None) -> ProfileOnBill | None:
    """The profile if it is active (else None). Raw SQL: it runs whenever a customer is picked."""
    if not profile_id:
        return None
    row = database.execute_sql(
        "SELECT id, name, rule, discount_bp, price_list_id, description FROM customer_profile "
        "WHERE id = ? AND deleted_at IS NULL AND active", (profile_id,)).fetchone()
    return None if row is None else ProfileOnBill(*row)


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


class Cart:
    def __init__(self, settings: dict | None = None):
        self.settings = dict(settings) if settings is not None else shop_settings.all_settings()
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
        self._price_list_cache: dict[tuple[str, str], int | None] = {}
        self._priced: dict[bool, pricing.BillPrice] = {}
        self.first_line_at: dt.datetime | None = None  # service metrics: checkout time from the first line
        self.promotions: list = []  # app/promotions.Rule the customer qualifies for (walk-ins: untargeted)
        self.refresh_promotions()

    # --- reading -------------------------------------------------------------------------------------------

    @property
    def currency(self) -> str:
        return self.settings.get("currency", "USD")

    @property
    def profiles_enabled(self) -> bool:
        return bool(self.settings.get("show_customer_profile"))

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
        cash = bool(cash and self.settings.get("cash_rounding"))
        if cash not in self._priced:
            self._priced[cash] = pricing.price_bill(
                [self._line_input(line) for line in self.lines],
                self.customer.terms if self.customer else None,
                self._profile_rule(),
                pricing.PricingSettings(
                    prices_include_tax=bool(self.settings.get("prices_include_tax", True)),
                    cash_rounding=int(self.settings.get("cash_rounding", 0) or 0),
                ),
                bill_discount_bp=self.bill_discount_bp,
                bill_discount_amount=self.bill_discount_amount,
                cash=cash,
                promotions=self._promotion_inputs(),
            )
        return self._priced[cash]

    # --- promotions (app/promotions.py) -------------------------------------------------------------------

    def refresh_promotions(self, today: dt.date | None = None) -> None:
        from app import promotions

        customer = self.customer
        who = None if customer is None else promotions.Who(
            segments=customer.segments, profile_id=customer.default_profile_id, category_id=customer.category_id,
            marketing_consent=customer.marketing_consent,
            channel=str(customer.preferences.get("communication.channel") or ""))
        self.promotions = promotions.for_checkout(who, today or dt.date.today())
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
            if (line.item.id == item.id and line.manual_price is None and not line.discount_bp
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
        return int(self.settings.get("line_discount_limit_bp", 1000))

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
        self.settings.update(changed)
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

    def to_data(self) -> dict:
        return {
            "bill_id": self.bill_id,
            "opened_at": self.opened_at.isoformat(),
            "customer_id": self.customer.id if self.customer else None,
            "profile_id": self.profile.id if self.profile else None,
            "profile_name": self.profile.name if self.profile else None,
            "total": self.price().total if self.lines else 0,
            "bill_discount_bp": self.bill_discount_bp,
            "bill_discount_amount": self.bill_discount_amount,
            "note": self.note,
            "first_line_at": self.first_line_at.isoformat() if self.first_line_at else None,
            "lines": [
                {"id": line.id, "item_id": line.item.id, "quantity": line.quantity,
                 "manual_price": line.manual_price, "discount_bp": line.discount_bp,
                 "discount_amount": line.discount_amount, "allergens_confirmed": line.allergens_confirmed}
                for line in self.lines
            ],
        }

    @classmethod
    def from_data(cls, data: dict, settings: dict | None = None) -> tuple[Cart, list[str]]:
        """Rebuild a held cart with today's catalogue. Returns the cart and what could not come back."""
        cart = cls(settings)
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

    def label(self) -> str:
        who = self.customer.name if self.customer else "Walk-in"
        count = sum(line.quantity for line in self.lines)
        return f"{who} · {count} item{'s' if count != 1 else ''} · {format_money(self.price().total, self.currency)}"


def replace_discount(cart: Cart, bp: int, amount: int) -> pricing.BillPrice:
    """The cart's price as it would be with another bill discount (the cart itself is unchanged)."""
    return pricing.price_bill(
        [cart._line_input(line) for line in cart.lines],
        cart.customer.terms if cart.customer else None,
        cart._profile_rule(),
        pricing.PricingSettings(prices_include_tax=bool(cart.settings.get("prices_include_tax", True))),
        bill_discount_bp=bp,
        bill_discount_amount=amount,
        promotions=cart._promotion_inputs(),
    )


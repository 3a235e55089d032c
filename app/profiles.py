"""Customer Profiles (Retail, Wholesale, Staff, VIP...): the pricing rule a bill can be rung up under.

A profile is never deleted: a deactivated one leaves the bill's dropdown but stays on old bills and in
reports. Names are unique (ignoring case and spaces) and required. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import audit
from app.auth import require_manager
from app.changes import writes
from app.errors import NotFound, ValidationError
from app.text import normalise_name
from db.models import CustomerProfile, PriceList, User, database

RULES = {"none": "No price rule", "price_list": "Price list", "discount": "Percentage discount"}
MAX_NAME = 60


@dataclass(frozen=True)
class ProfileValues:
    name: str
    active: bool = True
    rule: str = "none"
    discount_bp: int = 0
    price_list_id: str | None = None
    description: str = ""


def all_profiles(include_inactive: bool = True) -> list[CustomerProfile]:
    query = CustomerProfile.live().order_by(CustomerProfile.active.desc(), CustomerProfile.name)
    if not include_inactive:
        query = query.where(CustomerProfile.active == True)  # noqa: E712
    return list(query)


def active_profiles() -> list[CustomerProfile]:
    return all_profiles(include_inactive=False)


def get(profile_id: str) -> CustomerProfile:
    profile = CustomerProfile.get_or_none(CustomerProfile.id == profile_id)
    if profile is None or profile.deleted_at is not None:
        raise NotFound("That profile no longer exists.")
    return profile


def describe_rule(profile: CustomerProfile) -> str:
    if profile.rule == "discount":
        return f"{profile.discount_bp / 100:g}% off"
    if profile.rule == "price_list":
        return f"Price list: {profile.price_list.name}" if profile.price_list_id else "Price list (none chosen)"
    return "Shelf prices"


def validate(values: ProfileValues, current_id: str | None = None) -> ProfileValues:
    """The cleaned values, or ValidationError naming the field."""
    name = " ".join((values.name or "").split())
    if not name:
        raise ValidationError("A profile needs a name.", "name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"The name is longer than {MAX_NAME} characters.", "name")
    norm = normalise_name(name)
    for other in CustomerProfile.select(CustomerProfile.id, CustomerProfile.name):
        if other.id != current_id and normalise_name(other.name) == norm:
            raise ValidationError(f"There is already a profile called {other.name}.", "name")
    if values.rule not in RULES:
        raise ValidationError("Choose no rule, a price list or a percentage discount.", "rule")
    discount_bp, price_list_id = 0, None
    if values.rule == "discount":
        if not isinstance(values.discount_bp, int) or not 0 < values.discount_bp <= 10000:
            raise ValidationError("The discount is more than 0% and at most 100%.", "discount")
        discount_bp = values.discount_bp
    if values.rule == "price_list":
        price_list = PriceList.get_or_none(PriceList.id == values.price_list_id) if values.price_list_id else None
        if price_list is None or price_list.deleted_at is not None:
            raise ValidationError("Choose the price list this profile uses.", "price_list")
        price_list_id = price_list.id
    return ProfileValues(name, bool(values.active), values.rule, discount_bp, price_list_id,
                         (values.description or "").strip())


@writes("customer_profile")
def save(values: ProfileValues, by: User | None, profile_id: str | None = None) -> CustomerProfile:
    """Create (no ``profile_id``) or update a profile in one transaction, audited. Manager only."""
    require_manager(by, "change customer profiles")
    cleaned = validate(values, profile_id)
    with database.atomic():
        profile = get(profile_id) if profile_id else CustomerProfile()
        before = _snapshot(profile) if profile_id else None
        profile.name = cleaned.name
        profile.active = cleaned.active
        profile.rule = cleaned.rule
        profile.discount_bp = cleaned.discount_bp
        profile.price_list = cleaned.price_list_id
        profile.description = cleaned.description
        after = _snapshot(profile)
        if before == after:
            return profile
        profile.save()
        if before is None:
            audit.record(by, "profile.create", "customer_profile", profile.id, after)
        else:
            changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            action = "profile.update"
            if set(changes) == {"active"}:
                action = "profile.reactivate" if cleaned.active else "profile.deactivate"
            audit.record(by, action, "customer_profile", profile.id, changes)
    return profile


def set_active(profile_id: str, active: bool, by: User | None) -> CustomerProfile:
    profile = get(profile_id)
    return save(ProfileValues(profile.name, active, profile.rule, profile.discount_bp, profile.price_list_id,
                              profile.description), by, profile_id)


def _snapshot(profile: CustomerProfile) -> dict:
    return {"name": profile.name, "active": bool(profile.active), "rule": profile.rule,
            "discount_bp": profile.discount_bp, "price_list": profile.price_list_id,
            "description": profile.description}


def bills_using(profile_id: str) -> int:
    from db.models import Bill

    return Bill.select().where(Bill.profile == profile_id).count()

"""Customer records: validation, the unique normalised phone, create and update with the audit trail."""

from __future__ import annotations

import datetime as dt

from app import audit, settings
from app.contact import format_phone, normalise_email, normalise_phone
from app.errors import NotFound, ValidationError
from app.text import normalise_name
from db.ids import utcnow
from db.models import Customer, CustomerCategory, CustomerProfile, LoyaltyTier, User

STATUSES = ("active", "inactive")
GENDERS = ("", "female", "male", "non-binary", "other", "prefer not to say")

# Fields a form may set directly; contact fields are normalised first.
EDITABLE = (
    "name", "phone", "email", "personal_phone", "personal_email", "status", "gender", "date_of_birth",
    "photo", "notes", "marketing_consent", "default_profile", "category", "loyalty_tier",
)


class DuplicatePhone(ValidationError):
    """The phone already belongs to another customer (who is attached, so the UI can offer them)."""

    def __init__(self, existing: Customer, phone_text: str):
        super().__init__(
            f"{format_phone(existing.phone, settings.get('phone_region'))} belongs to {existing.name}.", "phone"
        )
        self.existing = existing
        self.phone_text = phone_text


def clean(values: dict, *, region: str | None = None, current: Customer | None = None) -> dict:
    """Validate and normalise form values. Raises ValidationError naming the first bad field."""
    region = region or settings.get("phone_region")
    out = {}
    for key, value in values.items():
        if key not in EDITABLE:
            raise ValidationError(f"'{key}' is not a customer field.", key)
        out[key] = value
    if "name" in out or current is None:
        name = " ".join((out.get("name") or "").split())
        if not name:
            raise ValidationError("A customer needs a name.", "name")
        if len(name) > 120:
            raise ValidationError("The name is longer than 120 characters.", "name")
        out["name"] = name
    if "phone" in out or current is None:
        out["phone"] = normalise_phone(out.get("phone") or "", region, "phone")
        existing = find_by_phone(out["phone"])
        if existing is not None and (current is None or existing.id != current.id):
            raise DuplicatePhone(existing, values.get("phone", ""))
    if "email" in out:
        out["email"] = normalise_email(out["email"], "email")
    if "personal_email" in out:
        out["personal_email"] = normalise_email(out["personal_email"], "personal_email")
    if out.get("personal_phone"):
        out["personal_phone"] = normalise_phone(out["personal_phone"], region, "personal_phone")
    elif "personal_phone" in out:
        out["personal_phone"] = None
    if "status" in out and out["status"] not in STATUSES:
        raise ValidationError("Status is active or inactive.", "status")
    if out.get("gender") and out["gender"] not in GENDERS:
        raise ValidationError(f"Unknown gender value '{out['gender']}'.", "gender")
    if out.get("date_of_birth"):
        try:
            born = dt.date.fromisoformat(str(out["date_of_birth"]))
        except ValueError:
            raise ValidationError("Date of birth must be a date (YYYY-MM-DD).", "date_of_birth") from None
        if born > dt.date.today() or born.year < 1900:
            raise ValidationError("Date of birth is not a believable date.", "date_of_birth")
        out["date_of_birth"] = born.isoformat()
    for key, model in (("default_profile", CustomerProfile), ("category", CustomerCategory), ("loyalty_tier", LoyaltyTier)):
        if out.get(key) and not isinstance(out[key], model):
            row = model.get_or_none(model.id == out[key])
            if row is None:
                raise ValidationError(f"Unknown {key.replace('_', ' ')}.", key)
            out[key] = row
    return out


def find_by_phone(e164: str) -> Customer | None:
    return Customer.get_or_none((Customer.phone == e164) & Customer.deleted_at.is_null())


def get(customer_id: str) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or customer.deleted_at is not None:
        raise NotFound("That customer no longer exists.")
    return customer


def _apply(customer: Customer, values: dict) -> None:
    for key, value in values.items():
        setattr(customer, key, value)
    if "name" in values:
        customer.name_norm = normalise_name(values["name"])
    if "marketing_consent" in values:
        customer.marketing_consent_at = utcnow() if values["marketing_consent"] else None


def create(values: dict, by: User | None) -> Customer:
    cleaned = clean(values)
    customer = Customer()
    _apply(customer, cleaned)
    with Customer._meta.database.atomic():
        customer.save()
        audit.record(by, "customer.create", "customer", customer.id, {"fields": sorted(cleaned)})
    return customer


def update(customer_id: str, values: dict, by: User | None) -> Customer:
    customer = get(customer_id)
    cleaned = clean(values, current=customer)
    before = {k: _plain(getattr(customer, k)) for k in cleaned}
    changed = {k: v for k, v in cleaned.items() if before[k] != _plain(v)}
    if not changed:
        return customer
    _apply(customer, changed)
    with Customer._meta.database.atomic():
        customer.save()
        audit.record(by, "customer.update", "customer", customer.id, {"fields": sorted(changed)})
    return customer


def _plain(value):
    return getattr(value, "id", value)


def record_view(customer: Customer, by: User | None, what: str = "view") -> None:
    """Log that someone looked at (or exported) this customer's data."""
    audit.record(by, f"customer.{what}", "customer", customer.id)

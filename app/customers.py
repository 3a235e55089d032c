"""Customer records: validation, the unique normalised phone, create and update with the audit trail;
addresses; delete (a customer with sales is deactivated instead) and the full form save."""

from __future__ import annotations

import datetime as dt

from app import audit, settings
from app.changes import writes
from app.contact import format_phone, normalise_email, normalise_phone
from app.errors import NotFound, ValidationError
from app.text import normalise_name
from db.ids import utcnow
from db.models import (
    Bill,
    Customer,
    CustomerAddress,
    CustomerCategory,
    CustomerProfile,
    LoyaltyTier,
    User,
    database,
)

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
            f"{format_phone(existing.phone, settings.shop().phone_region)} belongs to {existing.name}.", "phone"
        )
        self.existing = existing
        self.phone_text = phone_text


def clean_field(key: str, value, *, region: str | None = None, current: Customer | None = None) -> dict:
    """Check one field as it is typed (ValidationError with why), for a new customer when ``current`` is None:
    the other fields are not asked for yet."""
    return clean({key: value}, region=region, current=current or Customer())


def clean(values: dict, *, region: str | None = None, current: Customer | None = None) -> dict:
    """Validate and normalise form values. Raises ValidationError naming the first bad field."""
    region = region or settings.shop().phone_region
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
    if out.get("notes"):
        from app.privacy import contains_card_number

        if contains_card_number(out["notes"]):
            raise ValidationError("Notes must not hold a payment card number.", "notes")
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


def free_phone(phone: str | None, owner_id: str) -> None:
    """A deleted customer still holding ``phone`` (deleted on another till while a third gave them the
    number) gives it up, so the unique index never refuses a live customer the number."""
    if phone:
        for old in Customer.select().where((Customer.phone == phone) & Customer.deleted_at.is_null(False)
                                           & (Customer.id != owner_id)):
            old.phone = None
            old.save()


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


@writes("customer")
def create(values: dict, by: User | None) -> Customer:
    cleaned = clean(values)
    customer = Customer()
    _apply(customer, cleaned)
    with Customer._meta.database.atomic():
        free_phone(customer.phone, customer.id)
        customer.save()
        audit.record(by, "customer.create", "customer", customer.id, {"fields": sorted(cleaned)})
    return customer


@writes("customer")
def update(customer_id: str, values: dict, by: User | None) -> Customer:
    customer = get(customer_id)
    cleaned = clean(values, current=customer)
    before = {k: _plain(getattr(customer, k)) for k in cleaned}
    changed = {k: v for k, v in cleaned.items() if before[k] != _plain(v)}
    if not changed:
        return customer
    _apply(customer, changed)
    with Customer._meta.database.atomic():
        free_phone(changed.get("phone"), customer.id)
        customer.save()
        audit.record(by, "customer.update", "customer", customer.id, {"fields": sorted(changed)})
    return customer


def _plain(value):
    return getattr(value, "id", value)


@writes("audit_log")
def record_view(customer: Customer | str, by: User | None, what: str = "view") -> None:
    """Log that someone looked at (or exported) this customer's data (NotFound if it is gone)."""
    if isinstance(customer, str):
        customer = get(customer)
    audit.record(by, f"customer.{what}", "customer", customer.id)


# --- status and deletion ---------------------------------------------------------------------------------


def has_sales(customer_id: str) -> bool:
    return Bill.select(Bill.id).where(Bill.customer == customer_id).exists()


@writes("customer")
def set_status(customer_id: str, status: str, by: User | None) -> Customer:
    return update(customer_id, {"status": status}, by)


@writes("customer")
def delete(customer_id: str, by: User | None) -> str:
    """Delete a customer who never bought anything ("deleted"); one with sales is deactivated instead
    ("deactivated"), so their bills keep their customer. The deleted row is a tombstone whose phone is
    released for a new customer."""
    from app.auth import require_manager

    require_manager(by, "delete customers")
    customer = get(customer_id)
    if has_sales(customer_id):
        if customer.status != "inactive":
            set_status(customer_id, "inactive", by)
        return "deactivated"
    with database.atomic():
        customer.phone = None
        customer.deleted_at = utcnow()
        customer.save()
        for address in CustomerAddress.live().where(CustomerAddress.customer == customer):
            address.delete_instance()
        audit.record(by, "customer.delete", "customer", customer.id, {"name": customer.name})
    return "deleted"


# --- addresses ---------------------------------------------------------------------------------------------

ADDRESS_KINDS = ("home", "work", "delivery", "billing")
ADDRESS_FIELDS = ("kind", "line1", "line2", "city", "region", "postcode", "country", "is_default")


def addresses(customer_id: str) -> list[CustomerAddress]:
    return list(CustomerAddress.live().where(CustomerAddress.customer == customer_id)
                .order_by(CustomerAddress.is_default.desc(), CustomerAddress.kind))


def clean_address(values: dict, index: int = 0) -> dict:
    where = f"address {index + 1}"
    out = {k: (values.get(k) or "").strip() if k != "is_default" else bool(values.get(k)) for k in ADDRESS_FIELDS}
    out["kind"] = out["kind"] or "home"
    if out["kind"] not in ADDRESS_KINDS:
        raise ValidationError(f"{where}: the kind is home, work, delivery or billing.", "addresses")
    if not out["line1"]:
        raise ValidationError(f"{where}: the first line is required.", "addresses")
    from app.privacy import contains_card_number

    for key in ADDRESS_FIELDS[1:-1]:
        if len(out[key]) > 120:
            raise ValidationError(f"{where}: {key} is longer than 120 characters.", "addresses")
        if contains_card_number(out[key]):
            raise ValidationError(f"{where}: that looks like a payment card number, never stored.", "addresses")
    return out


@writes("customer_address")
def save_addresses(customer: Customer, rows: list[dict], by: User | None) -> bool:
    """Make the customer's addresses exactly ``rows`` (each with an ``id`` when it already exists).
    Returns whether anything changed."""
    cleaned = [clean_address(r, n) for n, r in enumerate(rows)]
    if sum(1 for r in cleaned if r["is_default"]) > 1:
        raise ValidationError("Only one address can be the default.", "addresses")
    current = {a.id: a for a in addresses(customer.id)}
    keep = set()
    changed = False
    with database.atomic():
        for raw, values in zip(rows, cleaned, strict=True):
            row = current.get(raw.get("id") or "")
            if row is None:
                row = CustomerAddress(customer=customer)
            elif all(getattr(row, k) == v for k, v in values.items()):
                keep.add(row.id)
                continue
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
            keep.add(row.id)
            changed = True
        for row_id, row in current.items():
            if row_id not in keep:
                row.delete_instance()
                changed = True
        if changed:
            audit.record(by, "customer.addresses", "customer", customer.id, {"count": len(cleaned)})
    return changed


@writes("customer")
def save_form(customer_id: str | None, values: dict, address_rows: list[dict] | None,
              preference_changes: dict[str, object] | None, by: User | None) -> Customer:
    """Everything the customer form edits, in one transaction: the record, its addresses, and its
    preference overrides (key -> value; the value ``DEFAULT`` removes the override)."""
    from app import preferences

    with database.atomic():
        customer = update(customer_id, values, by) if customer_id else create(values, by)
        if address_rows is not None:
            save_addresses(customer, address_rows, by)
        from app.privacy import refuse_card_number

        for key, value in (preference_changes or {}).items():
            if isinstance(value, str):
                refuse_card_number(value, "preferences")
            if value is DEFAULT:
                preferences.clear_override(customer, key, by)
            else:
                preferences.set_override(customer, key, value, by)
    return customer


class _Default:
    def __repr__(self):
        return "DEFAULT"


DEFAULT = _Default()  # "use the shop's default" for a preference in save_form

"""Customer preferences: definitions with global defaults, per-customer overrides stored as rows.

The effective value of a preference is the customer's override, else the definition's default.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import audit
from app.errors import ValidationError
from db.ids import derived_id
from db.models import Customer, CustomerPreference, PreferenceDefinition, User


@dataclass(frozen=True)
class Effective:
    key: str
    label: str
    category: str
    value: object
    overridden: bool


def definitions() -> list[PreferenceDefinition]:
    return list(
        PreferenceDefinition.live()
        .where(PreferenceDefinition.active == True)  # noqa: E712
        .order_by(PreferenceDefinition.category, PreferenceDefinition.sort_order, PreferenceDefinition.label)
    )


def overrides_of(customer: Customer | None) -> dict[str, object]:
    """The customer's own values (preference key -> value); the shop's defaults stand for the rest."""
    if customer is None:
        return {}
    return {p.key: p.value for p in CustomerPreference.live().where(CustomerPreference.customer == customer)}


def effective(customer: Customer | None) -> list[Effective]:
    overrides = overrides_of(customer)
    return [
        Effective(d.key, d.label, d.category, overrides.get(d.key, d.default), d.key in overrides)
        for d in definitions()
    ]


def effective_map(customer: Customer | None) -> dict[str, object]:
    return {e.key: e.value for e in effective(customer)}


def _check_value(definition: PreferenceDefinition, value):
    if value is None:
        return None
    if definition.value_type == "bool" and not isinstance(value, bool):
        raise ValidationError(f"{definition.label} is yes or no.", definition.key)
    if definition.value_type == "choice" and value not in definition.choices:
        raise ValidationError(f"{definition.label} must be one of {', '.join(definition.choices)}.", definition.key)
    if definition.value_type == "text" and not isinstance(value, str):
        raise ValidationError(f"{definition.label} is text.", definition.key)
    return value


def set_override(customer: Customer, key: str, value, by: User | None) -> CustomerPreference:
    definition = PreferenceDefinition.get_or_none(PreferenceDefinition.key == key)
    if definition is None:
        raise ValidationError(f"Unknown preference '{key}'.", key)
    value = _check_value(definition, value)
    row_id = derived_id("customer_preference", customer.id, key)
    with CustomerPreference._meta.database.atomic():
        row = CustomerPreference.get_or_none(CustomerPreference.id == row_id)
        if row is None:
            row = CustomerPreference(id=row_id, customer=customer, key=key)
        row.value = value
        row.deleted_at = None
        row.save()
        audit.record(by, "customer.preference", "customer", customer.id, {"key": key, "value": value})
    return row


def clear_override(customer: Customer, key: str, by: User | None) -> None:
    row = CustomerPreference.get_or_none(CustomerPreference.id == derived_id("customer_preference", customer.id, key))
    if row is not None and row.deleted_at is None:
        with CustomerPreference._meta.database.atomic():
            row.delete_instance()
            audit.record(by, "customer.preference_cleared", "customer", customer.id, {"key": key})


def allergies(customer: Customer | None) -> list[str]:
    """The allergens this customer is flagged for (keys ``allergy.<allergen>`` that are on)."""
    return [e.key.split(".", 1)[1] for e in effective(customer) if e.category == "allergy" and e.value is True]


def diets(customer: Customer | None) -> list[str]:
    return [e.label for e in effective(customer) if e.category == "dietary" and e.value is True]


def allergies_recorded(customer_id: str) -> bool:
    """Whether anyone recorded this customer's allergies (yes or no to any allergen), so the till knows
    whether to prompt the cashier to ask."""
    return (CustomerPreference.live()
            .where((CustomerPreference.customer == customer_id) & CustomerPreference.key.startswith("allergy."))
            .exists())


def allergy_definitions() -> list[PreferenceDefinition]:
    return [d for d in definitions() if d.category == "allergy" and d.value_type == "bool"]


def record_allergies(customer_id: str, allergens: set[str], by: User | None) -> list[str]:
    """The customer's answer to "any allergies?": every allergen the shop tracks is recorded yes or no (so
    "none" is an answer too). Returns the allergens now flagged."""
    customer = Customer.get_by_id(customer_id)
    with CustomerPreference._meta.database.atomic():
        for definition in allergy_definitions():
            set_override(customer, definition.key, definition.key.split(".", 1)[1] in allergens, by)
    return sorted(allergens)

"""The shop-wide default of each preference (managers set them in Settings): a customer without an
override gets the default, e.g. "Contact by: Email" or "Ask for allergies: on"."""

from __future__ import annotations

from app import audit
from app.auth import require_manager
from app.changes import writes
from app.errors import ValidationError
from app.preferences import _check_value
from db.models import PreferenceDefinition, User, database


def definitions() -> list[PreferenceDefinition]:
    return list(PreferenceDefinition.live().order_by(PreferenceDefinition.category, PreferenceDefinition.sort_order,
                                                     PreferenceDefinition.label))


@writes("preference_definition")
def set_defaults(changes: dict[str, object], by: User | None) -> dict[str, object]:
    """Set several defaults (key -> value) in one transaction. Returns those that changed."""
    require_manager(by, "change the default preferences")
    rows = {d.key: d for d in definitions()}
    for key, value in changes.items():
        if key not in rows:
            raise ValidationError(f"Unknown preference '{key}'.", key)
        if value is not None:
            _check_value(rows[key], value)
    changed = {k: v for k, v in changes.items() if rows[k].default != v}
    if not changed:
        return {}
    with database.atomic():
        for key, value in changed.items():
            row = rows[key]
            before = row.default
            row.default = value
            row.save()
            audit.record(by, "preference.default", "preference_definition", row.id,
                         {"key": key, "from": before, "to": value})
    return changed

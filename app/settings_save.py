"""The settings dialog's save as one write service: shop settings, default preferences and this till's own
configuration in one transaction, so a refusal part-way changes nothing."""

from __future__ import annotations

from app import audit, preference_defaults, settings
from app.changes import writes
from db.models import database


@writes("setting", "preference_definition", "local_config")
def save(values: dict, prefs: dict, local: dict, manager) -> dict:
    """Returns every key that changed (preferences as ``preference:<key>``)."""
    with database.atomic():
        changed = settings.update(values, manager)
        changed_prefs = preference_defaults.set_defaults(prefs, manager)
        changed_local = {k: v for k, v in local.items() if settings.local(k) != v}
        for key, value in changed_local.items():
            settings.set_local(key, value)
        if changed_local:
            audit.record(manager, "till.config", "local_config", None, changed_local)
    return {**changed, **changed_local, **{f"preference:{k}": v for k, v in changed_prefs.items()}}

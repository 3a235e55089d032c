"""Staff: the people who sign in to the till, their role (Cashier or Manager), PIN and whether active.

Rules: names are unique; a PIN is 4 to 8 digits and no two active people share one (a PIN is how the till
knows who is signing in); the last active manager can be neither deactivated nor made a cashier, so the
shop is never locked out of its own settings. Every change is audited (never with the PIN).
PINs are hashed by app/auth.py's functions, whatever scheme they use.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import audit, auth
from app.errors import NotFound, ValidationError
from app.shop_setup import require_head_office
from db.models import User, database

ROLE_LABELS = {auth.CASHIER: "Cashier", auth.MANAGER: "Manager"}


@dataclass(frozen=True)
class StaffRow:
    id: str
    name: str
    role: str
    active: bool

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role.title())


def list_staff() -> list[StaffRow]:
    """Everyone, active first, then by name (a shop has tens of people, not thousands)."""
    rows = User.live().order_by(User.active.desc(), User.name)
    return [StaffRow(u.id, u.name, u.role, bool(u.active)) for u in rows]


def _pin_taken(pin: str, except_id: str | None) -> bool:
    for user in User.live().where(User.active == True):  # noqa: E712 - peewee expression
        if user.id != except_id and auth.verify_pin(pin, user.pin_hash):
            return True
    return False


def _active_managers(except_id: str | None = None) -> int:
    query = User.live().where((User.active == True) & (User.role == auth.MANAGER))  # noqa: E712
    if except_id:
        query = query.where(User.id != except_id)
    return query.count()


def save_staff(staff_id: str | None, name: str, role: str, pin: str, active: bool, by: User) -> StaffRow:
    """Add (``staff_id`` None) or edit a person. An empty ``pin`` keeps the current PIN when editing."""
    auth.require_manager(by, "manage staff")
    require_head_office("staff and PINs")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Type the person's name.", "name")
    if len(name) > 60:
        raise ValidationError("A name is at most 60 characters.", "name")
    if role not in auth.ROLES:
        raise ValidationError("The role is Cashier or Manager.", "role")
    pin = (pin or "").strip()
    with database.atomic():
        user = None
        if staff_id:
            user = User.get_or_none((User.id == staff_id) & User.deleted_at.is_null())
            if user is None:
                raise NotFound("That person is no longer on the staff list.")
        if not pin and user is None:
            raise ValidationError("A new person needs a PIN (4 to 8 digits).", "pin")
        if pin:
            auth.validate_pin(pin)
        clash = User.get_or_none((User.name == name) & (User.id != (staff_id or "")))
        if clash is not None:
            raise ValidationError(f"{name} is already on the staff list: use another name (e.g. add an initial).",
                                  "name")
        # the PIN must be unique among active people: the new PIN, or the kept one when reactivating
        if active and pin and _pin_taken(pin, staff_id):
            raise ValidationError("Another active person already uses this PIN: choose a different one.", "pin")
        if active and not pin and user is not None and not user.active:
            # PIN hashes are salted, so an old PIN cannot be compared with today's: ask for a new one
            raise ValidationError(f"Give {user.name} a new PIN to reactivate them (their old one may now be "
                                  "someone else's).", "pin")
        if user is not None and user.role == auth.MANAGER and user.active and (
                role != auth.MANAGER or not active) and _active_managers(except_id=user.id) == 0:
            raise ValidationError(f"{user.name} is the last active manager: make someone else a manager first.",
                                  "active" if not active else "role")
        before = None if user is None else {"name": user.name, "role": user.role, "active": bool(user.active)}
        if user is None:
            user = User(name=name, role=role, pin_hash=auth.hash_pin(pin), active=active)
        else:
            user.name, user.role, user.active = name, role, active
            if pin:
                user.pin_hash = auth.hash_pin(pin)
        user.save()
        after = {"name": name, "role": role, "active": active}
        detail = {"after": after, **({"before": before} if before else {}), "pin_changed": bool(pin)}
        action = "user.create" if before is None else ("user.deactivate" if before["active"] and not active
                                                        else "user.update")
        audit.record(by, action, "user", user.id, detail)
    return StaffRow(user.id, user.name, user.role, bool(user.active))

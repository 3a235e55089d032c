"""Users, PINs and roles. PINs are stored as argon2id hashes (argon2-cffi), never in clear.

A PIN is unique among a shop's active staff, and a sign-in never lets one person in as another. The hash
uses one salt for the whole shop (the ``pin_salt`` setting, synced) and the shop's cost settings, so the
same PIN gives the same hash on every till: two tills that gave out the same PIN while offline end with
two staff holding equal hashes, and every till then refuses that PIN (neither person signs in) until a
manager sets a new one; ``pin_clashes`` lists them for the manager. With a 4-6 digit PIN a per-user salt
would add nothing against guessing; the file's protection is SQLCipher, the hash guards a row that leaks.
Older hashes (scrypt, other costs or salt) still verify one by one and are rehashed at a sign-in on a till
that may change staff.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret

from app import audit
from app.errors import PermissionDenied, ValidationError
from db import pins
from db.models import Setting, User
from db.pins import MEMORY_KIB, TIME_COST

CASHIER = "cashier"
MANAGER = "manager"
ROLES = (CASHIER, MANAGER)

# Per-shop cost (settings "pin_hash_time_cost", "pin_hash_memory_kib"); these defaults are OWASP's
# argon2id minimum, about 40-80 ms per hash on a till.
SALT_KEY = "pin_salt"
_SCRYPT = {"n": 2**12, "r": 8, "p": 1}  # the hashes of earlier versions


class PinClash(PermissionDenied):
    """The PIN belongs to more than one active person: nobody signs in with it until a manager changes it."""


def _setting(key: str):
    row = Setting.get_or_none(Setting.id == key)
    return None if row is None or row.deleted_at is not None else row.value


def _cost() -> tuple[int, int]:
    time_cost, memory = _setting("pin_hash_time_cost"), _setting("pin_hash_memory_kib")
    time_cost = time_cost if isinstance(time_cost, int) and 1 <= time_cost <= 10 else TIME_COST
    memory = memory if isinstance(memory, int) and 8192 <= memory <= 1048576 else MEMORY_KIB
    return time_cost, memory


def _salt(create: bool) -> bytes | None:
    value = _setting(SALT_KEY)
    if isinstance(value, str) and len(value) == 32:
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    if not create:
        return None
    value = secrets.token_hex(16)
    row = Setting.get_or_none(Setting.id == SALT_KEY) or Setting(id=SALT_KEY)
    row.value, row.deleted_at = value, None
    row.save()
    return bytes.fromhex(value)


def _hash(pin: str, salt: bytes) -> str:
    time_cost, memory = _cost()
    return hash_secret(pin.encode(), salt, time_cost=time_cost, memory_cost=memory, parallelism=1, hash_len=32,
                       type=Type.ID).decode("ascii")


def hash_pin(pin: str) -> str:
    """The shop's hash of ``pin`` (creates the shop's PIN salt the first time: call it in a write)."""
    return _hash(pin, _salt(create=True))


def verify_pin(pin: str, stored: str) -> bool:
    stored = stored or ""
    if stored.startswith("$argon2"):
        try:
            return PasswordHasher().verify(stored, pin)
        except (VerificationError, InvalidHashError):
            return False
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    try:
        digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex), dklen=32, **_SCRYPT)
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def _prefix(stored: str) -> str:
    return (stored or "").rsplit("$", 1)[0]


def _matches(pin: str, except_id: str | None = None) -> tuple[list[User], str | None]:
    """Active staff whose PIN is ``pin``, and the shop's current hash of it (None without a salt yet).
    Current-scheme hashes compare by equality; older ones are verified one by one."""
    salt = _salt(create=False)
    current = _hash(pin, salt) if salt else None
    prefix = _prefix(current) if current else None
    found = []
    for user in User.live().where(User.active == True):  # noqa: E712 - peewee expression
        if user.id == except_id:
            continue
        if current is not None and _prefix(user.pin_hash) == prefix:
            if hmac.compare_digest(user.pin_hash, current):
                found.append(user)
        elif verify_pin(pin, user.pin_hash):
            found.append(user)
    return found, current


def pin_in_use(pin: str, except_user_id: str | None = None) -> bool:
    """Another active person already has this PIN (a new or changed PIN must not)."""
    return bool(_matches(pin, except_user_id)[0])


def pin_clashes() -> list[list[User]]:
    """Groups of active staff sharing a PIN (given out on two tills while offline), for a manager."""
    groups: dict[str, list[User]] = {}
    for user in User.live().where(User.active == True).order_by(User.name):  # noqa: E712
        groups.setdefault(user.pin_hash, []).append(user)
    return [users for users in groups.values() if len(users) > 1]


def validate_pin(pin: str) -> str:
    checked = pins.pin_or_none(pin)
    if checked is None:
        raise ValidationError(pins.PIN_RULE, "pin")
    return checked


def create_user(name: str, role: str, pin: str, by: User | None = None) -> User:
    if role not in ROLES:
        raise ValidationError(f"Unknown role '{role}'.", "role")
    pin = validate_pin(pin)
    if pin_in_use(pin):
        raise ValidationError("Another user already has this PIN.", "pin")
    user = User(name=name.strip(), role=role, pin_hash=hash_pin(pin))
    with User._meta.database.atomic():
        user.save()
        audit.record(by, "user.create", "user", user.id, {"name": user.name, "role": role})
    return user


def find_by_pin(pin: str) -> User | None:
    """The one active person with this PIN; None when nobody has it, or more than one person has it."""
    found, _ = _matches(pin)
    return found[0] if len(found) == 1 else None


def can_change_head_office_data() -> bool:
    """A till not linked to a central store, or an office till (enrolled with --office): its edits of
    head-office data (staff, catalogue, prices, settings ...) are the shop's; a counter till's are refused
    by the central store and put back (a screen may say so before the manager starts)."""
    from app.sync import state

    known = state.load()
    return not known.till_id or bool(known.office)


def sign_in(pin: str) -> User:
    pin = (pin or "").strip()
    found, current = _matches(pin)
    if len(found) > 1:
        raise PinClash("This PIN belongs to more than one person, so it cannot sign anyone in. A manager must "
                       "set a new PIN for them (Staff).")
    if not found:
        raise PermissionDenied("That PIN does not match an active user.")
    user = found[0]
    with User._meta.database.atomic():
        if current is not None and user.pin_hash != current and can_change_head_office_data():
            user.pin_hash = current  # an older hash: the shop's current scheme and cost from now on
            user.save()
        audit.record(user, "user.sign_in", "user", user.id)
    return user


def is_manager(user: User | None) -> bool:
    return user is not None and user.role == MANAGER


def require_manager(user: User | None, what: str = "do this") -> User:
    if not is_manager(user):
        raise PermissionDenied(f"Only a manager can {what}.")
    return user

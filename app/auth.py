"""Users, PINs and roles. PINs are stored as salted scrypt hashes, never in clear."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from app import audit
from app.errors import PermissionDenied, ValidationError
from db.models import User

CASHIER = "cashier"
MANAGER = "manager"
ROLES = (CASHIER, MANAGER)

# n=2**12 keeps sign-in under ~10 ms per user on a till while still far slower to brute-force than a plain
# hash; the real protection of the file is SQLCipher, this guards PINs if a row leaks through sync or logs.
_SCRYPT = {"n": 2**12, "r": 8, "p": 1}


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex), dklen=32, **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def validate_pin(pin: str) -> str:
    pin = (pin or "").strip()
    if not pin.isdigit() or not 4 <= len(pin) <= 8:
        raise ValidationError("A PIN is 4 to 8 digits.", "pin")
    return pin


def create_user(name: str, role: str, pin: str, by: User | None = None) -> User:
    if role not in ROLES:
        raise ValidationError(f"Unknown role '{role}'.", "role")
    pin = validate_pin(pin)
    if find_by_pin(pin) is not None:
        raise ValidationError("Another user already has this PIN.", "pin")
    user = User(name=name.strip(), role=role, pin_hash=hash_pin(pin))
    with User._meta.database.atomic():
        user.save()
        audit.record(by, "user.create", "user", user.id, {"name": user.name, "role": role})
    return user


def find_by_pin(pin: str) -> User | None:
    for user in User.live().where(User.active == True):  # noqa: E712 - peewee expression
        if verify_pin(pin, user.pin_hash):
            return user
    return None


def sign_in(pin: str) -> User:
    user = find_by_pin((pin or "").strip())
    if user is None:
        raise PermissionDenied("That PIN does not match an active user.")
    audit.record(user, "user.sign_in", "user", user.id)
    return user


def is_manager(user: User | None) -> bool:
    return user is not None and user.role == MANAGER


def require_manager(user: User | None, what: str = "do this") -> User:
    if not is_manager(user):
        raise PermissionDenied(f"Only a manager can {what}.")
    return user

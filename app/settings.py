"""Business settings shared by every till of the shop (synced), and per-till configuration (local)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from app import audit, money
from app.auth import require_manager
from app.changes import writes
from app.errors import ValidationError
from db.models import LocalConfig, Setting, User


@dataclass(frozen=True)
class ShopSettings:
    """The shop's business settings (synced; one ``setting`` row per field that differs from its default),
    read once by ``shop()``. A value of the wrong type (from another till, or older data) reads as the
    field's default, so callers need no defaults or casts of their own."""

    show_customer_profile: bool = False
    shop_name: str = "The Till"
    shop_address: str = ""
    shop_tax_number: str = ""
    currency: str = "USD"
    locale: str = "en_US"  # how money, numbers and dates are written and read (babel/CLDR)
    phone_region: str = "US"
    prices_include_tax: bool = True
    default_tax_rate_bp: int = 0  # the tax rate a new item starts with (basis points)
    cash_rounding: int = 0  # minor units to round cash totals to (0 = none, 5 = nearest 0.05)
    line_discount_limit_bp: int = 1000  # a line discount above 10% needs a manager
    return_approval_limit: int = 5000  # minor units: a refund above this needs a manager (app/returns.py)
    loyalty_points_per_unit: int = 1  # points earned per whole currency unit spent
    loyalty_point_value: int = 1  # minor units one point is worth when redeemed
    loyalty_expiry_days: int = 365
    sync_interval_s: int = 60
    ask_for_allergies: bool = True
    default_communication: str = "email"
    pin_hash_time_cost: int = 2  # argon2id cost of PIN hashes (app/auth.py): passes over memory
    pin_hash_memory_kib: int = 19456  # and memory in KiB; new and changed PINs use the shop's current cost
    # The customers' web sign-up page (central/signup.py); empty: the page's own wording.
    privacy_notice: str = ""
    marketing_consent_wording: str = ""
    # Customer segments (app/segments.py): New, Regular, Lapsed, VIP
    segment_new_days: int = 30  # New: first visit within the last N days
    segment_regular_visits: int = 3  # Regular: at least K visits ...
    segment_regular_days: int = 60  # ... in the last M days
    segment_lapsed_days: int = 90  # Lapsed: had visits, none in the last L days
    segment_vip_top_pct: int = 5  # VIP: category VIP, or among the top share (percent) of customers by spend
    # Loyalty tiers by spend (app/tiers.py): "lifetime" (tiers only rise, voids aside) or "rolling" (the
    # spend of the last tier_window_days: a customer drops a tier when it falls below the threshold)
    tier_basis: str = "lifetime"
    tier_window_days: int = 365

    @classmethod
    def of(cls, values: Mapping | ShopSettings | None = None) -> ShopSettings:
        """Settings from stored values by key (unknown keys ignored, missing ones at their default)."""
        if isinstance(values, ShopSettings):
            return values
        return cls()._with(values or {})

    def replace(self, changes: Mapping) -> ShopSettings:
        """A copy with ``changes`` (key -> value) applied; keys that are not shop settings are ignored."""
        return self._with(changes)

    def _with(self, changes: Mapping) -> ShopSettings:
        typed = {k: _typed(k, v) for k, v in changes.items() if k in DEFAULTS}
        return dataclasses.replace(self, **typed) if typed else self

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    # Read by key, for code that still holds settings as a mapping (e.g. a form keyed by setting name).
    def get(self, key: str, default=None):
        return getattr(self, key) if key in DEFAULTS else default

    def __getitem__(self, key: str):
        if key not in DEFAULTS:
            raise KeyError(key)
        return getattr(self, key)


# key -> default (the fields above). Types are checked on update against the default's type.
DEFAULTS: dict[str, object] = {f.name: f.default for f in dataclasses.fields(ShopSettings)}


def _typed(key: str, value):
    """``value`` as the type of the setting's default; the default when it cannot be read as one."""
    default = DEFAULTS[key]
    if isinstance(default, bool):
        return value if isinstance(value, bool) else bool(value) if isinstance(value, int) else default
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            return default
    return value if isinstance(value, str) else default


LOCAL_DEFAULTS: dict[str, object] = {
    "till_code": "T1",
    "central_url": "",
    "receipt_seq": 0,
    "receipt_printer": "",  # e.g. "usb:0x04b8:0x0202" or "network:192.168.1.50"; empty = PDF/print dialog
}


def shop() -> ShopSettings:
    """The shop's settings, read from the ``setting`` table in one query (a cache may wrap this: every
    change goes through ``update`` or a pulled ``setting`` row)."""
    rows = Setting._meta.database.execute_sql("SELECT id, value FROM setting WHERE deleted_at IS NULL").fetchall()
    values = {}
    for key, text in rows:
        try:
            values[key] = Setting.value.python_value(text)
        except ValueError:  # not JSON (a damaged row): the setting's default
            continue
    return ShopSettings.of(values)


def get(key: str):
    """One setting by key, typed (prefer ``shop().<field>``)."""
    return shop()[key]


def all_settings() -> dict:
    """Every setting by key (a form keyed by setting name; prefer ``shop()``)."""
    return shop().as_dict()


def _check_type(key: str, value):
    if key not in DEFAULTS:
        raise ValidationError(f"Unknown setting '{key}'.", key)
    expected = type(DEFAULTS[key])
    if expected is bool and not isinstance(value, bool):
        raise ValidationError(f"Setting '{key}' must be on or off.", key)
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError(f"Setting '{key}' must be a whole number.", key)
    if expected is int and value < 0:
        raise ValidationError(f"Setting '{key}' cannot be negative.", key)
    if expected is str and not isinstance(value, str):
        raise ValidationError(f"Setting '{key}' must be text.", key)
    if key == "locale":
        money.check_locale(value)
    if key == "currency" and not _known_currency(value):
        raise ValidationError(f"'{value}' is not an ISO 4217 currency code.", key)


def _known_currency(code: str) -> bool:
    from babel.numbers import get_currency_name

    return len(code) == 3 and code.isupper() and get_currency_name(code, locale="en_US") != code


@writes("setting")
def update(changes: dict, user: User | None) -> dict:
    """Save several settings in one transaction (manager only). Returns the keys that changed."""
    require_manager(user, "change the business settings")
    for key, value in changes.items():
        _check_type(key, value)
    current = all_settings()
    changed = {k: v for k, v in changes.items() if current.get(k) != v}
    with Setting._meta.database.atomic():
        for key, value in changed.items():
            row = Setting.get_or_none(Setting.id == key) or Setting(id=key)
            row.value = value
            row.deleted_at = None
            row.save()
        if changed:
            audit.record(user, "settings.update", "setting", None, {k: [current.get(k), v] for k, v in changed.items()})
    if "locale" in changed:
        money.use_locale(changed["locale"])
    return changed


def local(key: str):
    row = LocalConfig.get_or_none(LocalConfig.key == key)
    return LOCAL_DEFAULTS.get(key) if row is None else row.value


@writes("local_config")
def set_local(key: str, value) -> None:
    LocalConfig.insert(key=key, value=value).on_conflict_replace().execute()


def next_receipt_no() -> str:
    """TILLCODE-n. Call inside the sale's transaction so a rolled-back sale does not use up a number.
    Raw SQL: this runs in every sale's transaction, where peewee's query building costs ~1 ms."""
    db = LocalConfig._meta.database
    seq = db.execute_sql(
        "INSERT INTO local_config (key, value) VALUES ('receipt_seq', '1') ON CONFLICT (key) DO UPDATE SET "
        "value = CAST(COALESCE(CAST(value AS INTEGER), 0) + 1 AS TEXT) RETURNING value"
    ).fetchone()[0]
    row = db.execute_sql("SELECT value FROM local_config WHERE key = 'till_code'").fetchone()
    till_code = LOCAL_DEFAULTS["till_code"] if row is None else LocalConfig.value.python_value(row[0])
    return f"{till_code}-{int(seq)}"

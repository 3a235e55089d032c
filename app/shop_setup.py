"""First run: a new shop set up on this till, or this till joined to an existing shop.

A database with no staff has no shop yet (a new file opened without ``--demo``): the setup wizard asks for
the shop's name, currency, phone region, tax and its first manager, and ``set_up_shop`` writes them in one
transaction. Joining instead links the till to the central store (``app.sync.engine.enroll``) and fetches
the shop with one sync round, reporting its progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app import audit, auth, currencies, settings
from app.errors import PermissionDenied, TillError, ValidationError
from app.sync import state
from db.models import SYNCED_MODELS, User, database


def needs_setup() -> bool:
    """True while no one can sign in: no staff at all (a new database that has not joined a shop)."""
    return not User.live().exists()


def head_office_refusal(what: str) -> str | None:
    """Why this till may not change head-office data (staff, catalogue), or None. A counter till of a shop
    with a central store may not: the store would refuse the change and put the shop's version back."""
    if state.load().counter_till:
        return (f"This is a counter till: {what} are changed on the shop's office till and reach this till at "
                "its next sync.")
    return None


def require_head_office(what: str) -> None:
    reason = head_office_refusal(what)
    if reason:
        raise PermissionDenied(reason)


def currency_codes() -> list[str]:
    return sorted(currencies.CURRENCIES)


def region_codes() -> list[str]:
    """ISO 3166 region codes phone numbers can be read for (phonenumbers' list, without the non-geographic
    '001')."""
    import phonenumbers

    return sorted(r for r in phonenumbers.SUPPORTED_REGIONS if len(r) == 2 and r.isalpha())


def parse_percent(text: str, what: str = "The tax rate", field: str | None = None) -> int:
    """'8', '8.5', '8.25 %' -> basis points (800, 850, 825); 0 to 100 with at most two decimals."""
    cleaned = (text or "").strip().rstrip("%").strip().replace(",", ".")
    if not cleaned:
        return 0
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"{what} '{text.strip()}' is not a percentage (e.g. 8 or 8.25).", field) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise ValidationError(f"{what} is a percentage from 0 to 100.", field)
    bp = value * 100
    if bp != bp.to_integral_value():
        raise ValidationError(f"{what} has at most two decimals (e.g. 8.25).", field)
    return int(bp)


def format_percent(bp: int) -> str:
    return f"{Decimal(int(bp or 0)) / 100:f}".rstrip("0").rstrip(".") if bp else "0"


@dataclass
class ShopDetails:
    shop_name: str
    currency: str
    phone_region: str
    prices_include_tax: bool
    default_tax_rate: str  # percent, as typed
    manager_name: str
    manager_pin: str
    manager_pin_repeat: str


def validate(details: ShopDetails) -> dict:
    """The settings to write, or ValidationError naming the field."""
    name = " ".join((details.shop_name or "").split())
    if not name:
        raise ValidationError("The shop needs a name (it is printed on every receipt).", "shop_name")
    if len(name) > 80:
        raise ValidationError("The shop name is at most 80 characters.", "shop_name")
    if details.currency not in currencies.CURRENCIES:
        raise ValidationError(f"'{details.currency}' is not an ISO 4217 currency code.", "currency")
    if details.phone_region not in region_codes():
        raise ValidationError(f"'{details.phone_region}' is not a region phone numbers can be read for.",
                              "phone_region")
    rate = parse_percent(details.default_tax_rate, "The default tax rate", "default_tax_rate")
    manager = " ".join((details.manager_name or "").split())
    if not manager:
        raise ValidationError("Type the manager's name.", "manager_name")
    auth.validate_pin(details.manager_pin)
    if details.manager_pin.strip() != (details.manager_pin_repeat or "").strip():
        raise ValidationError("The two PINs differ: type the same PIN twice.", "manager_pin_repeat")
    return {"shop_name": name, "currency": details.currency, "phone_region": details.phone_region,
            "prices_include_tax": bool(details.prices_include_tax), "default_tax_rate_bp": rate,
            "manager_name": manager}


def set_up_shop(details: ShopDetails) -> User:
    """Write the new shop's settings and its first manager in one transaction; returns the manager."""
    values = validate(details)
    manager_name = values.pop("manager_name")
    with database.atomic():
        if not needs_setup():
            raise TillError("This till already has a shop and staff: sign in instead.")
        manager = auth.create_user(manager_name, auth.MANAGER, details.manager_pin)
        settings.update(values, manager)
        audit.record(manager, "shop.setup", "setting", None, {k: v for k, v in values.items()})
    return manager


# --- joining an existing shop --------------------------------------------------------------------------


class _ProgressClient:
    """Wraps the sync client to report the download: which table the snapshot is at, how many pages."""

    def __init__(self, client, report):
        self._client = client
        self._report = report
        self._tables = [m._meta.table_name for m in SYNCED_MODELS]
        self.pages = 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def snapshot_body(self, at, table, after, limit):
        body = self._client.snapshot_body(at, table, after, limit)
        self.pages += 1
        done = self._tables.index(table) if table in self._tables else 0
        self._report(10 + int(80 * done / len(self._tables)), f"Fetching the shop ({table or 'start'})…")
        return body

    def pull(self, cursor, limit):
        self._report(92, "Fetching the latest changes…")
        return self._client.pull(cursor, limit)


def join_shop(path, url: str, token: str, progress=lambda percent, text: None):
    """Link this till to the central store and fetch the shop (users, catalogue, customers, settings).

    Runs on a worker (network and bulk writes). ``progress(percent, text)`` is called from that thread.
    Returns the sync report."""
    from app.sync import engine
    from app.sync.client import CentralClient

    progress(2, "Checking the till token with the central store…")
    info = engine.enroll(path, url, token)
    progress(8, f"Joined '{info.shop_name}' as till {info.till_code}.")
    with CentralClient(*engine.link_details(path)) as client:
        report = engine.SyncEngine(_ProgressClient(client, progress)).run_round()
    progress(100, "The shop is here.")
    return report

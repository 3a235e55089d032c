"""What the next bill starts from: the shop's settings, its promotion rules and the receipt printer.

Between Enter in the payment dialog and the cleared bill the UI thread touches no disk and waits for nothing
but the sale's durable commit: the new bill starts from what the till last read (at sign-in, and again
whenever the window announces a change to the settings or promotions, made here or pulled by sync), and
``read()`` runs once more on the write worker right behind the sale, after the cleared bill is on screen. If
anything changed that nobody announced, the new bill is corrected and the cashier told, as when settings
change mid-bill.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import promotions, settings

READ_FROM = ("setting", "promotion", "local_config")  # a change to any of these is read again


@dataclass(frozen=True)
class NextBill:
    settings: settings.ShopSettings
    promotion_rules: list
    receipt_printer: str


def read() -> NextBill:
    return NextBill(settings.shop(), promotions.all_rules(), settings.local("receipt_printer") or "")


def changed_settings(before: settings.ShopSettings, now: settings.ShopSettings) -> dict:
    """The settings whose value differs (key -> new value), for ``Cart.update_settings``."""
    old = before.as_dict()
    return {key: value for key, value in now.as_dict().items() if old.get(key) != value}

"""What the sign-in window shows before the encrypted database is open: the shop's name and language.

The till paints its sign-in page first and opens the database (keyring, key check, integrity check,
migrations) while the cashier types a PIN; but the page is built in the shop's language, which lives in
the encrypted file. So the name and the locale of the last start are kept in a small plain file beside
the database (both are printed on every receipt; nothing else goes there). No file, or one that cannot
be read, means the slow way: open the database first, as a new database must (it may need the setup
wizard). A file out of date (the shop renamed, or its language changed on another till) is corrected
when the database has opened.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)

MAX_BYTES = 4096  # a name and a locale code; anything bigger is not ours
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8}){0,3}")  # en_US, de_DE, zh_Hant_TW


class StartHint(NamedTuple):
    shop_name: str
    locale: str


def hint_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".signin.json")


def read(db_path: Path) -> StartHint | None:
    """The hint kept beside ``db_path``, or None (none yet, not one we wrote, or no database any more)."""
    if not db_path.is_file():
        return None
    try:
        with open(hint_path(db_path), "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        data = json.loads(raw)
        name, locale = data["shop_name"], data["locale"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not (isinstance(name, str) and isinstance(locale, str) and _LOCALE.fullmatch(locale)):
        return None
    return StartHint(name[:200], locale)


def write(db_path: Path, hint: StartHint) -> None:
    """Keep ``hint`` for the next start (replaced whole; a failure only costs the next start its head start)."""
    if read(db_path) == hint:
        return
    target = hint_path(db_path)
    temp = target.with_name(target.name + ".tmp")
    try:
        temp.write_text(json.dumps({"shop_name": hint.shop_name, "locale": hint.locale}), encoding="utf-8")
        os.replace(temp, target)
    except OSError as exc:
        log.warning("could not keep the sign-in hint at %s: %s", target, exc)


def keep(till) -> None:
    """After the database has opened: keep its shop's name and language for the next start (not before the
    shop is set up: a new database opens first and shows the setup wizard)."""
    from app import money, settings, shop_setup

    if shop_setup.needs_setup():
        return
    write(till.path, StartHint(settings.shop().shop_name, money.current_locale()))

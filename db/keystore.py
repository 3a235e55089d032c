"""Where the database key lives: the OS keyring, through the ``keyring`` API.

The key is 32 random bytes made on first run and given to SQLCipher as a raw key (``x'…'``), which skips
the passphrase KDF. When no keyring backend exists the caller supplies a passphrase instead. A demo
database without a keyring may keep its key in a file beside it; the app warns about that visibly.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import keyring
from keyring.errors import KeyringError, NoKeyringError

from db.errors import KeyMissingError, KeyringUnavailableError

SERVICE = "the-till"


@dataclass(frozen=True)
class DatabaseKey:
    """What SQLCipher is given: a raw 256-bit key or a passphrase (run through SQLCipher's KDF)."""

    secret: str
    raw: bool
    source: str  # keyring | passphrase | demo-file

    def pragma_value(self) -> str:
        return f"x'{self.secret}'" if self.raw else self.secret


def account_for(path: Path) -> str:
    return f"db:{Path(path).resolve()}"


def new_raw_key() -> str:
    return secrets.token_hex(32).upper()


def demo_key_file(path: Path) -> Path:
    return Path(str(path) + ".demo-key")


def load_key(path: Path, *, create: bool, passphrase_prompt=None, demo: bool = False) -> DatabaseKey:
    """The key for the database at ``path``.

    create: the file does not exist yet, so a new key may be made and stored.
    passphrase_prompt: called with (path, create) when no keyring backend exists; returns a passphrase
    or None (cancelled).
    """
    account = account_for(path)
    demo_file = demo_key_file(path)
    if demo_file.exists():
        return DatabaseKey(demo_file.read_text().strip(), raw=True, source="demo-file")
    try:
        stored = keyring.get_password(SERVICE, account)
        if stored:
            return DatabaseKey(stored, raw=True, source="keyring")
        if not create:
            raise KeyMissingError(
                f"The key for {path} is not in this computer's keyring. Restore the keyring entry "
                f"'{SERVICE}' / '{account}' from the backup made when the till was set up."
            )
        key = new_raw_key()
        keyring.set_password(SERVICE, account, key)
        if keyring.get_password(SERVICE, account) != key:
            raise KeyringUnavailableError("The keyring did not keep the new database key.")
        return DatabaseKey(key, raw=True, source="keyring")
    except NoKeyringError:
        if demo and create:
            key = new_raw_key()
            demo_file.write_text(key)
            os.chmod(demo_file, 0o600)
            return DatabaseKey(key, raw=True, source="demo-file")
        if passphrase_prompt is not None:
            passphrase = passphrase_prompt(path, create)
            if passphrase:
                return DatabaseKey(passphrase, raw=False, source="passphrase")
        env = os.environ.get("POS_DB_PASSPHRASE")
        if env:
            return DatabaseKey(env, raw=False, source="passphrase")
        raise KeyringUnavailableError(
            "No keyring is available to hold the database key. Install a keyring service "
            "(Secret Service on Linux) or set a passphrase with POS_DB_PASSPHRASE."
        ) from None
    except KeyringError as exc:
        raise KeyringUnavailableError(f"The keyring could not be used: {exc}") from exc


def forget_key(path: Path) -> None:
    try:
        keyring.delete_password(SERVICE, account_for(path))
    except KeyringError:
        pass

"""The running till: its open database, who is signed in, and the start-up steps shared by the GUI,
the CLI and tests."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from app import auth, settings
from app.errors import PermissionDenied
from app.lockout import PinGuard
from db.connection import OpenDatabase, open_database
from db.models import Customer, User

log = logging.getLogger(__name__)


@dataclass
class Till:
    opened: OpenDatabase
    user: User | None = None
    warnings: list[str] = field(default_factory=list)
    lockout: PinGuard = field(default_factory=PinGuard)  # wrong PINs lock PIN entry (app/lockout)

    @property
    def path(self) -> Path:
        return self.opened.path

    @property
    def db(self):
        return self.opened.db

    def sign_in(self, pin: str) -> User:
        self.user = self.lockout.sign_in(pin)
        log.info("signed in: %s (%s)", self.user.name, self.user.role)
        return self.user

    def sign_out(self) -> None:
        self.user = None

    def require_manager(self, what: str) -> User:
        return auth.require_manager(self.user, what)

    def settings(self) -> dict:
        return settings.all_settings()

    def close(self) -> None:
        self.opened.close()

    def pending_changes(self) -> int:
        """Rows written here and not yet pushed to the central store."""
        from db import outbox

        return outbox.pending_count()

    def check_integrity(self, on_result):
        """Start the background integrity check of a large file (db/integrity); ``on_result(problem or None)``
        runs on the check's thread. Returns the running check (``stop()`` ends it)."""
        from db import integrity

        return integrity.BackgroundCheck(self.opened.path, self.opened.key.pragma_value(), on_result).start()

    def damaged_message(self, problem: str) -> str:
        from db import integrity

        return integrity.damaged_message(self.path, problem)


def open_till(path, *, demo_data: bool = False, passphrase_prompt=None, progress=None) -> Till:
    """Open the database at ``path``; with ``demo_data`` a new database is seeded with the demo shop.
    ``progress(done, total, what)`` hears the steps of an upgrade of the file, if it needs one."""
    path = Path(path)
    opened = open_database(path, passphrase_prompt=passphrase_prompt, demo=demo_data, progress=progress)
    till = Till(opened)
    if opened.key.source == "demo-file":
        till.warnings.append(
            "Demo database: no keyring is available, so its key is kept in a file beside it. "
            "Never use a demo database for real sales."
        )
    if demo_data and not Customer.select().exists():
        from app import demo  # only a demo start needs it

        log.info("seeding demo shop into %s", path)
        demo.seed()
    if opened.backup_path:
        log.info("database upgraded; backup of the previous version at %s", opened.backup_path)
    from app import money, settings

    money.use_locale(settings.shop().locale)
    return till


def ensure_manager(till: Till, what: str) -> None:
    if not auth.is_manager(till.user):
        raise PermissionDenied(f"Only a manager can {what}.")

"""Numbered schema migrations, run at start after a backup copy of the file.

Each migration is a SQL file ``NNNN_name.sql`` in this folder, applied in one transaction together with
the new ``PRAGMA user_version``. The first is a frozen snapshot of the schema, so later model changes
never alter what an old migration does. To change the schema: edit db/models.py and add the next file
with the ALTER/CREATE statements that take version N-1 to N.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sqlite3
from importlib import resources
from pathlib import Path

from db.errors import DiskFullError, MigrationError


def _migration_files() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files(__package__).iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    # Gaps are allowed (numbers reserved by parallel work); user_version is the last number applied.
    numbers = [n for n, _, _ in found]
    if len(set(numbers)) != len(numbers) or (numbers and numbers[0] != 1):
        raise RuntimeError(f"migration numbers must start at 1 and be unique, found {numbers}")
    return found


MIGRATIONS = _migration_files()
LATEST = MIGRATIONS[-1][0]


def _statements(sql: str) -> list[str]:
    """Split a migration into statements where SQLite says one is complete (``sqlite3.complete_statement``
    knows that the ';' inside a trigger's BEGIN ... END, a string or a comment ends nothing), at line ends;
    comment lines before a statement are left out."""
    parts, current = [], []
    for line in sql.splitlines():
        if not current and (not line.strip() or line.strip().startswith("--")):
            continue
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            parts.append("\n".join(current).strip())
            current = []
    if "\n".join(current).strip():
        parts.append("\n".join(current).strip())
    return parts


def backup_path_for(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.v{version}.bak")


def _backup(db, path: Path, backup: Path, pragma_key: str | None) -> None:
    """A consistent copy of the open database (same key: restore by copying it back), written under a
    temporary name and renamed into place, so a failure (disk full) never leaves a half-written .bak."""
    from sqlcipher3 import dbapi2 as sqlcipher

    need = path.stat().st_size
    free = shutil.disk_usage(path.parent).free
    if free < need + 2**20:
        raise DiskFullError(f"The disk is full: the database upgrade needs {need // 2**20 + 2} MB free for its "
                            f"backup copy and has {free // 2**20} MB. Free some space and start again; "
                            "nothing was changed.")
    temporary = backup.with_name(backup.name + ".part")
    try:
        temporary.unlink(missing_ok=True)  # left by a run that was killed half-way: never resumed
        target = sqlcipher.connect(str(temporary))
        try:
            if pragma_key is not None:
                target.execute("PRAGMA key='{}'".format(pragma_key.replace("'", "''")))
            db.connection().backup(target)
        finally:
            target.close()
        with open(temporary, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(temporary, backup)
    except (OSError, sqlcipher.Error) as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if "full" in str(exc).lower() or getattr(exc, "errno", None) == errno.ENOSPC:
            raise DiskFullError("The disk is full: the database upgrade could not write its backup copy. "
                                "Free some space and start again; nothing was changed.") from None
        raise MigrationError(f"The database upgrade could not write its backup copy ({exc}); "
                             "nothing was changed.") from None


def migrate(db, path: Path, current: int, pragma_key: str | None = None, progress=None) -> Path | None:
    """Bring the open database from ``current`` to LATEST. Returns the backup made, if any.

    ``progress(done, total, what)`` is told before each step (the backup copy, then each migration): at a
    million customers an upgrade takes about a minute, and whoever started the till should see why."""
    if current >= LATEST:
        return None
    pending = [m for m in MIGRATIONS if m[0] > current]
    total = len(pending) + (current > 0)
    backup = None
    if current > 0:
        if progress is not None:
            progress(0, total, "Making a backup copy of the database first")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        backup = backup_path_for(path, current)
        _backup(db, path, backup, pragma_key)
    for done, (number, name, sql) in enumerate(pending, start=int(current > 0)):
        if progress is not None and current > 0:  # a new file is set up in a moment: nothing to tell
            progress(done, total, f"Step {number}: {name.replace('_', ' ')}")
        try:
            with db.atomic():
                for statement in _statements(sql):
                    db.execute_sql(statement)
                db.execute_sql(f"PRAGMA user_version = {number}")
        except Exception as exc:
            raise MigrationError(
                f"Upgrading the database to schema {number} ({name}) failed: {exc}. "
                f"The database is unchanged{'; a backup is at ' + str(backup) if backup else ''}."
            ) from exc
    return backup

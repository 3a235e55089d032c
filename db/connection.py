"""Opening the till's encrypted database: key, checks, pragmas, migrations, clear errors.

The order matters: nothing is written to the file until the key is proven right and the schema version
is known to be ours, so a wrong key, a foreign file or a newer database leaves the file byte-for-byte
unchanged.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
from dataclasses import dataclass
from pathlib import Path

import filelock
from playhouse.sqlcipher_ext import SqlCipherDatabase
from sqlcipher3 import dbapi2 as sqlcipher

from db import integrity, migrations
from db.errors import (
    DatabaseLockedError,
    DiskFullError,
    NewerSchemaError,
    NotATillDatabaseError,
    TillDatabaseError,
    WrongKeyError,
)
from db.integrity import DatabaseDamagedError
from db.keystore import DatabaseKey, load_key
from db.models import database

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: a completed sale survives power loss
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -32000,  # 32 MB page cache
    "temp_store": 2,  # MEMORY
}

PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass
class OpenDatabase:
    db: SqlCipherDatabase
    path: Path
    key: DatabaseKey
    created: bool
    schema_version: int
    backup_path: Path | None
    _lock: filelock.BaseFileLock
    integrity_deferred: bool = False  # too big to check before use: db/integrity.BackgroundCheck it

    def close(self) -> None:
        """Close this thread's connection and let go of the file (once: a second call does nothing, so it
        cannot unbind a database opened again since)."""
        if self._lock is None:
            return
        if not self.db.is_closed():
            self.db.close()
        if database.obj is self.db:
            database.initialize(None)
        self._lock.release()
        self._lock = None


def _lock_for(path: Path) -> filelock.BaseFileLock:
    # the resolved path: a symlink (or another spelling) of the same file takes the same lock
    return filelock.FileLock(str(Path(path).resolve()) + ".lock", timeout=0)


MIN_FREE_BYTES = 2**20  # below this the till cannot even open its journal files


def _storage_error(path: Path, exc: OSError) -> TillDatabaseError:
    """An OSError at open, in words that name the real cause."""
    if exc.errno == errno.ENOSPC:
        return DiskFullError(f"The disk holding {path} is full: the till cannot open its database. "
                             "Free some space and start again. Nothing was changed.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return TillDatabaseError(f"The folder {path.parent} is read-only: the till must write its lock and "
                                 "journal files there. Nothing was changed.")
    return TillDatabaseError(f"{path} cannot be opened: {exc.strerror or exc}. Nothing was changed.")


def _free_bytes(path: Path) -> int:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return MIN_FREE_BYTES  # unknown: let SQLite's own error speak


def _check_free_space(path: Path) -> None:
    free = _free_bytes(path)
    if free < MIN_FREE_BYTES:
        raise DiskFullError(f"The disk holding {path} is full ({free // 1024} KB free): the till cannot open "
                            "its database. Free some space and start again. Nothing was changed.")


def _key_is_known(path: Path) -> bool:
    """This computer holds a key for the file (so it once held a database)."""
    import keyring
    from keyring.errors import KeyringError

    from db.keystore import SERVICE, account_for, demo_key_file

    if demo_key_file(path).exists():
        return True
    try:
        return bool(keyring.get_password(SERVICE, account_for(path)))
    except KeyringError:
        return False


def _connect(path: Path, key: DatabaseKey) -> SqlCipherDatabase:
    # check_same_thread off: peewee already keeps one connection per thread.
    # lock_type IMMEDIATE: every transaction takes the write lock when it begins. With deferred BEGIN, a
    # sale that reads and then writes while the sync worker (its own connection) commits gets SQLITE_BUSY
    # at once, without waiting (WAL cannot upgrade a stale read snapshot); IMMEDIATE waits its turn.
    return SqlCipherDatabase(
        str(path),
        passphrase=key.pragma_value(),
        pragmas=PRAGMAS,
        check_same_thread=False,
        timeout=5,
        lock_type="IMMEDIATE",
    )


def _verify_key(path: Path, key: DatabaseKey) -> int:
    """Read the schema version with a bare connection that sets no pragma that could write."""
    conn = sqlcipher.connect(str(path), isolation_level=None)
    try:
        # SQLCipher logs a failed HMAC check to stderr itself; we report it in our own words instead.
        conn.execute("PRAGMA cipher_log_level = NONE")
        quoted = key.pragma_value().replace("'", "''")
        conn.execute(f"PRAGMA key='{quoted}'")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlcipher.OperationalError as exc:  # not the key: the disk or the folder (full, read-only, I/O)
        if "disk is full" in str(exc).lower() or _free_bytes(path) < MIN_FREE_BYTES:
            raise DiskFullError(f"The disk holding {path} is full: the till cannot open its database. "
                                "Free some space and start again. Nothing was changed.") from exc
        if "readonly" in str(exc).lower() or "unable to open" in str(exc).lower():
            raise TillDatabaseError(f"{path} cannot be opened for writing ({exc}): check the folder's "
                                    "permissions and free space. Nothing was changed.") from exc
        raise TillDatabaseError(f"{path} cannot be read: {exc}. Nothing was changed.") from exc
    except sqlcipher.DatabaseError as exc:
        raise WrongKeyError(
            f"{path} cannot be opened with this till's key: the key is wrong or the file is damaged or "
            "is not a till database. Nothing was changed."
        ) from exc
    finally:
        conn.close()


def translate_error(exc: Exception) -> Exception:
    """Turn SQLite's errors that a person can act on into TillDatabaseErrors."""
    # SQLite rolls a transaction back itself on SQLITE_FULL, so the error that reaches us may be peewee's
    # "cannot rollback" with the real cause in its context: read the whole chain.
    chain, seen = [], exc
    while seen is not None and len(chain) < 10:
        chain.append(str(seen).lower())
        seen = seen.__cause__ or seen.__context__
    text = " | ".join(chain)
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFullError("The disk is full: the change was not saved. Free some space and try again.")
    if "database is locked" in text:
        return DatabaseLockedError("The database is busy in another program. Try again in a moment.")
    return exc


def open_database(path, *, create: bool | None = None, passphrase_prompt=None, demo: bool = False,
                  progress=None) -> OpenDatabase:
    """Open (or create) the till database at ``path`` and bind the models to it.

    Raises a TillDatabaseError subclass with a one-line message for every failure a user can act on.
    ``progress`` is told the steps of an upgrade, if the file needs one (db/migrations.migrate).
    """
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    if path.exists() and not exists and _key_is_known(path):
        raise DatabaseDamagedError(
            f"{path} is empty (0 bytes) although this computer holds its key: the file was truncated or "
            "damaged. Nothing was changed: restore it from a backup, or move it aside to start a new till file.")
    if create is None:
        create = not exists
    if exists:
        with open(path, "rb") as fh:
            if fh.read(16) == PLAIN_SQLITE_HEADER:
                raise NotATillDatabaseError(
                    f"{path} is an unencrypted SQLite file, not a till database. Nothing was changed."
                )
    elif not create:
        raise TillDatabaseError(f"There is no till database at {path}.")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _storage_error(path, exc) from None
    _check_free_space(path)

    lock = _lock_for(path)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise DatabaseLockedError(
            f"{path} is open in another Till window or process. Close it there first."
        ) from None
    except OSError as exc:
        raise _storage_error(path, exc) from None

    try:
        key = load_key(path, create=not exists, passphrase_prompt=passphrase_prompt, demo=demo)
        version = _verify_key(path, key) if exists else 0
        deferred = exists and path.stat().st_size > integrity.SYNC_LIMIT
        if exists and not deferred:
            problem = integrity.quick_check(path, key.pragma_value())
            if problem:
                raise DatabaseDamagedError(integrity.damaged_message(path, problem))
        if version > migrations.LATEST:
            raise NewerSchemaError(
                f"{path} was written by a newer version of the Till (schema {version}, this one knows "
                f"{migrations.LATEST}). Install the newer Till; the file was not changed."
            )
        db = _connect(path, key)
        db.connect()
        database.initialize(db)
        backup = migrations.migrate(db, path, version, key.pragma_value(), progress)
        return OpenDatabase(db, path, key, not exists, migrations.LATEST, backup, lock, deferred)
    except TillDatabaseError:
        with contextlib.suppress(Exception):
            database.initialize(None)
        lock.release()
        raise
    except OSError as exc:
        with contextlib.suppress(Exception):
            database.initialize(None)
        lock.release()
        raise _storage_error(path, exc) from exc
    except Exception as exc:
        lock.release()
        translated = translate_error(exc)
        if translated is not exc:
            raise translated from exc
        raise


@contextlib.contextmanager
def friendly_errors():
    """Around a write: SQLite's 'disk full' and 'locked' become TillDatabaseErrors with a clear message.
    The transaction inside has already rolled back, so nothing half-written remains."""
    try:
        yield
    except TillDatabaseError:
        raise
    except Exception as exc:
        translated = translate_error(exc)
        if translated is exc:
            raise
        raise translated from exc

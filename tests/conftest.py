"""Shared fixtures: an in-memory keyring, fresh encrypted databases, the demo shop, an offscreen Qt."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from memory_keyring import MemoryKeyring  # noqa: E402

from db.keystore import SERVICE, account_for  # noqa: E402

# What the suite's customers are called and reached at (the demo shop's known ones, and the small shop of
# tests/integration): none of it may end up outside an encrypted database except in files made to hold it.
TEST_PEOPLE = ["Emily Roberts", "+15550100001", "+1 555 010 0001", "emily.roberts@example.com", "Michael Chen",
               "+15550100002", "michael.chen@example.com", "+15550100000", "Customer 0", "Customer 1", "Customer 2"]
_TEXT_SUFFIXES = (".log", ".csv", ".json", ".txt", ".tmp")


def _is_log(path: Path) -> bool:
    return ".log" in path.name and not path.name.endswith((".lock", ".db"))


def _made_for_personal_data(path: Path, head: str) -> bool:
    """A customer list export or one customer's data export (personal data by purpose), or a file a test
    wrote itself as input (the app writes every export 0600; a test's own files keep the usual 0644)."""
    return head.startswith(("name,phone", "field,value", "{")) or bool(path.stat().st_mode & 0o044)


def _leaks(path: Path, names: bool = True) -> list[str]:
    try:
        if path.stat().st_size > 50 * 2**20:
            return []
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    people = TEST_PEOPLE if names else [p for p in TEST_PEOPLE if not p[0].isalpha()]
    return [p for p in people if p in text]


@pytest.fixture(scope="session", autouse=True)
def no_personal_data_outside_the_database(tmp_path_factory):
    """At the end of the whole session: the log files, exports and temp files written during the suite
    hold no phone, email or name of a test customer. Logs anywhere under the session's temp folder (every
    test's user folders live there); the app's exports (0600 files), except the customer exports made to
    carry personal data, checked for phones and emails (a bill export names its customer); and temp files
    (Python's tmp*, Qt's qt_temp*) that appeared in the system temp folder meanwhile."""
    import tempfile
    import time

    started = time.time()
    system_tmp = Path(tempfile.gettempdir())
    yield
    base = tmp_path_factory.getbasetemp()
    found = []
    for path in base.rglob("*"):
        if not path.is_file():
            continue
        if _is_log(path):
            found += [(path, leak) for leak in _leaks(path)]
        elif path.suffix in _TEXT_SUFFIXES:
            with path.open(encoding="utf-8", errors="replace") as fh:
                head = fh.read(40)
            if not _made_for_personal_data(path, head):
                found += [(path, leak) for leak in _leaks(path, names=False)]
    for path in system_tmp.glob("*"):
        if (path.is_file() and path.name.startswith(("tmp", "qt_temp")) and path.stat().st_mtime >= started):
            found += [(path, leak) for leak in _leaks(path)]
    if found:
        pytest.fail("personal data of test customers outside the encrypted database: "
                    + "; ".join(f"{leak!r} in {path}" for path, leak in found[:20]), pytrace=False)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)



@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Logs and default database paths go to a temp folder, never the developer's home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "till.db"


@pytest.fixture
def fresh_db(db_path):
    """A new, empty (migrated) encrypted database bound to the models."""
    from db.connection import open_database

    opened = open_database(db_path)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo shop seeded once per test session; tests get a byte copy of it (seeding takes seconds)."""
    from app import demo
    from db.connection import open_database

    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    path = tmp_path_factory.mktemp("template") / "demo.db"
    opened = open_database(path)
    demo.seed()
    opened.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    opened.close()
    keyring.set_keyring(previous)
    return path, backend.get_password(SERVICE, account_for(path))


@pytest.fixture
def demo_db_path(demo_template, tmp_path, memory_keyring) -> Path:
    """A path to a fresh copy of the demo database, its key in the test keyring."""
    template, key = demo_template
    path = tmp_path / "demo.db"
    shutil.copyfile(template, path)
    memory_keyring.set_password(SERVICE, account_for(path), key)
    return path


@pytest.fixture
def demo_db(demo_db_path):
    """The demo shop, open and bound to the models."""
    from db.connection import open_database

    opened = open_database(demo_db_path)
    yield opened
    opened.close()


@pytest.fixture
def till_window(qtbot, demo_db_path):
    """The real till window on a copy of the demo database, not yet signed in."""
    from app.main import build_till

    window = build_till(["--db", str(demo_db_path)])
    qtbot.addWidget(window)
    yield window
    window.close()
    window.till.close()

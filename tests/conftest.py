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


def focused(qtbot, name: str):
    """The widget with the keyboard focus, once it is the one named: what a cashier types goes there."""
    from PySide6.QtWidgets import QApplication

    def focus_name():
        widget = QApplication.focusWidget()
        return widget.objectName() if widget is not None else None

    try:
        qtbot.waitUntil(lambda: focus_name() == name, timeout=3000)
    except Exception as exc:
        widget = QApplication.focusWidget()
        where = f"{type(widget).__name__} {focus_name()!r} in {widget.window().objectName()!r}" if widget else "nothing"
        active = QApplication.activeWindow()
        raise AssertionError(f"the focus should be in {name}, it is in {where} "
                             f"(active window {active.objectName() if active else None!r})") from exc
    return QApplication.focusWidget()


def sign_in(qtbot, window, pin: str) -> None:
    """Type the PIN as a cashier does: into whatever has the focus, which must be the PIN field."""
    from PySide6.QtCore import Qt

    edit = focused(qtbot, "pinEdit")
    qtbot.keyClicks(edit, pin)
    qtbot.keyClick(edit, Qt.Key_Return)

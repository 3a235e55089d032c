"""A till that has started before paints its sign-in page first and opens the database after, while the
cashier types a PIN (app/start_hint, ui/startup.GuiStart); a first start opens the database first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from window_steps import focused

from app import start_hint
from app.start_hint import StartHint
from ui.startup import GuiStart

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def starts(qtbot):
    made = []

    def start(path: Path, **kwargs) -> GuiStart:
        ready = []
        failed = []
        gui = GuiStart(QApplication.instance(), path, fit=False, smoke_test=True,
                       on_ready=lambda: ready.append(True), on_failed=failed.append, **kwargs)
        gui.ready, gui.failed = ready, failed
        gui.start()
        made.append(gui)
        return gui

    yield start
    for gui in made:
        if gui.window is not None:
            gui.window.close()
            if gui.window.till is not None:
                gui.window.till.close()


def test_the_sign_in_page_paints_before_the_database_opens_and_keeps_the_pin_typed_meanwhile(qtbot, starts,
                                                                                           demo_db_path):
    start_hint.write(demo_db_path, StartHint("Corner Café & Deli", "en_US"))
    gui = starts(demo_db_path, open_when_painted=False)
    window = gui.window
    qtbot.waitUntil(lambda: gui.shown_at_ns is not None)
    assert window.isVisible() and window.till is None  # painted from the hint alone
    assert window.findChild(type(window.sign_in_page.title), "signInTitle").text() == "Corner Café & Deli"
    assert not window.findChild(type(window.sync_now_action), "syncNowAction").isEnabled()
    edit = focused(qtbot, "pinEdit")
    qtbot.keyClicks(edit, "1111")  # the cashier types before the database has opened
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.till is None and window.sign_in_page.waiting

    gui.open_database()
    qtbot.waitUntil(lambda: bool(gui.ready), timeout=10000)
    assert gui.window is window and window.till is not None
    assert window.till.user is not None and window.till.user.name  # the PIN typed early signed in
    focused(qtbot, "itemCodeEdit")
    assert window.sync_now_action.isEnabled()
    assert gui.shown_at_ns <= gui.ready_at_ns


def test_a_first_start_opens_the_database_first_then_keeps_the_hint(qtbot, starts, demo_db_path):
    assert start_hint.read(demo_db_path) is None
    gui = starts(demo_db_path)
    assert gui.window.till is not None  # opened before the window was built
    qtbot.waitUntil(lambda: bool(gui.ready), timeout=10000)
    assert start_hint.read(demo_db_path) == StartHint("Corner Café & Deli", "en_US")
    assert json.loads(start_hint.hint_path(demo_db_path).read_text()) == {"shop_name": "Corner Café & Deli",
                                                                          "locale": "en_US"}


def test_a_hint_out_of_date_is_put_right_when_the_database_opens(qtbot, starts, demo_db_path):
    """The shop's language changed on another till since the last start: the window painted in the old
    language is built again in the shop's, the PIN typed meanwhile carried over; the name is corrected."""
    start_hint.write(demo_db_path, StartHint("Old Name", "de_DE"))
    gui = starts(demo_db_path, open_when_painted=False)
    shell = gui.window
    assert shell.sign_in_page.title.text() == "Old Name"
    assert shell.findChild(type(shell.signed_in_label), "signedInLabel").text() == "Nicht angemeldet"
    qtbot.keyClicks(focused(qtbot, "pinEdit"), "1111")

    gui.open_database()
    qtbot.waitUntil(lambda: bool(gui.ready), timeout=10000)
    window = gui.window
    assert window is not shell and window.isVisible() and not shell.isVisible()
    assert window.signed_in_label.text() == "Not signed in" and window.windowTitle().startswith("The Till: ")
    assert window.sign_in_page.title.text() == "Corner Café & Deli"
    assert focused(qtbot, "pinEdit").text() == "1111"
    assert start_hint.read(demo_db_path) == StartHint("Corner Café & Deli", "en_US")


def test_a_database_that_cannot_open_after_the_paint_is_said_and_the_till_exits(qtbot, starts, tmp_path):
    path = tmp_path / "till.db"
    path.write_bytes(os.urandom(8192))  # not a database this computer has a key for
    start_hint.write(path, StartHint("Corner Café & Deli", "en_US"))
    gui = starts(path)
    assert gui.window.isVisible()
    qtbot.waitUntil(lambda: bool(gui.failed), timeout=10000)
    assert gui.failed == [2] and not gui.window.isVisible() and gui.window.till is None
    assert not gui.ready


def test_no_hint_for_a_shop_not_set_up_nor_without_its_database(qtbot, starts, tmp_path):
    path = tmp_path / "new.db"
    gui = starts(path)  # a new database: the setup wizard, before anything is kept
    qtbot.waitUntil(lambda: bool(gui.ready), timeout=10000)
    assert any(w.objectName() == "setupWizard" and w.isVisible() for w in QApplication.topLevelWidgets())
    assert not start_hint.hint_path(path).exists()
    start_hint.write(tmp_path / "gone.db", StartHint("x", "en_US"))
    assert start_hint.read(tmp_path / "gone.db") is None  # a hint whose database is gone starts nothing
    path = tmp_path / "other.db"
    path.write_bytes(b"")  # the hint's database is there: only the hint's own content is judged below
    for bad in ("[1, 2]", '{"shop_name": "x", "locale": "../../etc/x"}', '{"shop_name": 7, "locale": "en_US"}',
                '{"shop_name": "x"}', "{" + " " * 5000 + "}", "not json"):
        start_hint.hint_path(path).write_text(bad)
        assert start_hint.read(path) is None, bad
    start_hint.hint_path(path).write_text('{"shop_name": "x", "locale": "zh_Hant_TW"}')
    assert start_hint.read(path) == StartHint("x", "zh_Hant_TW")


def test_the_till_process_paints_first_from_its_second_start(tmp_path):
    """Through the real entry point: the second start's stamp says the page painted before the open."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(QT_QPA_PLATFORM="offscreen", TILL_TEST_KEYRING_FILE=str(tmp_path / "keyring.json"),
               PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring", PYTHONPATH=str(ROOT / "tests"),
               XDG_RUNTIME_DIR=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"))
    db, stamp = tmp_path / "till.db", tmp_path / "stamp.json"
    seen = []
    for extra in (["--demo"], []):
        result = subprocess.run([sys.executable, "-m", "app", "--db", str(db), *extra, "--smoke-test",
                                 "--startup-stamp", str(stamp)], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        seen.append(json.loads(stamp.read_text()))
    assert [s["painted_before_open"] for s in seen] == [False, True]
    assert all(s["page"] == "signInPage" and s["visible"] for s in seen)
    assert seen[1]["shown_at_ns"] < seen[1]["ready_at_ns"]

    keys = json.loads((tmp_path / "keyring.json").read_text())
    (tmp_path / "keyring.json").write_text(json.dumps({account: "EE" * 32 for account in keys}))
    before = db.read_bytes()
    refused = subprocess.run([sys.executable, "-m", "app", "--db", str(db), "--smoke-test"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2  # painted first (a hint is kept), then the open failed: said in one line
    (line,) = refused.stderr.splitlines()
    assert line.startswith("pos-till: ") and "cannot be opened with this till's key" in line
    assert db.read_bytes() == before


def test_without_a_keyring_the_passphrase_is_asked_over_the_painted_page_then_the_pin_has_the_keyboard(
        qtbot, starts, tmp_path):
    import keyring
    from keyring.backends import fail

    from app import shop_setup
    from app.till import open_till

    keyring.set_keyring(fail.Keyring())
    path = tmp_path / "locked.db"
    till = open_till(path, passphrase_prompt=lambda _path, _create: "correct horse battery")
    shop_setup.set_up_shop(shop_setup.ShopDetails("Corner Café & Deli", "EUR", "DE", True, "19", "Mia", "4321",
                                                  "4321"))
    till.close()
    start_hint.write(path, StartHint("Corner Café & Deli", "en_US"))

    def answer():
        focus = QApplication.focusWidget()
        if focus is None or focus.objectName() != "passphraseEdit":
            QTimer.singleShot(20, answer)
            return
        qtbot.keyClicks(focus, "correct horse battery")
        qtbot.keyClick(focus, Qt.Key_Return)

    QTimer.singleShot(0, answer)
    gui = starts(path)
    assert gui.window.isVisible() and gui.window.till is None  # the page first, the passphrase over it
    qtbot.waitUntil(lambda: bool(gui.ready), timeout=10000)
    assert gui.window.till is not None
    edit = focused(qtbot, "pinEdit")  # the keyboard is back on the PIN, not left on a closed dialog
    qtbot.keyClicks(edit, "4321")
    qtbot.keyClick(edit, Qt.Key_Return)
    focused(qtbot, "itemCodeEdit")
    assert gui.window.till.user.name == "Mia"

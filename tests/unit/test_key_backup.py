"""`pos-till --db PATH key show|restore`: back up the database key and put it back on another computer
(INSTALL.md's procedure for moving a till)."""

from __future__ import annotations

import io
import shutil

from app.main import parser, run_command
from db.keystore import SERVICE, account_for


def main(argv):
    """The subcommand as `pos-till` runs it (without main()'s log file set-up)."""
    return run_command(parser().parse_args(argv))


def test_key_show_prints_the_key_that_opens_the_database(demo_db_path, memory_keyring, capsys, monkeypatch):
    monkeypatch.setenv("POS_MANAGER_PIN", "9999")  # showing the key is a manager's act
    assert main(["--db", str(demo_db_path), "key", "show"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == memory_keyring.get_password(SERVICE, account_for(demo_db_path))
    assert len(printed) == 64


def test_key_restore_on_a_new_path_lets_the_till_open_the_moved_database(demo_db_path, memory_keyring,
                                                                          tmp_path, capsys, monkeypatch):
    key = memory_keyring.get_password(SERVICE, account_for(demo_db_path))
    moved = tmp_path / "new-computer" / "till.db"
    moved.parent.mkdir()
    shutil.copyfile(demo_db_path, moved)
    assert memory_keyring.get_password(SERVICE, account_for(moved)) is None

    monkeypatch.setattr("sys.stdin", io.StringIO(key.lower() + "\n"))
    assert main(["--db", str(moved), "key", "restore"]) == 0
    assert memory_keyring.get_password(SERVICE, account_for(moved)) == key

    from app.till import open_till
    from db.models import Customer

    till = open_till(moved)
    try:
        assert Customer.select().where(Customer.name == "Emily Roberts").count() == 1
    finally:
        till.close()


def test_key_restore_refuses_a_wrong_key_and_stores_nothing(demo_db_path, memory_keyring, tmp_path, capsys,
                                                           monkeypatch):
    moved = tmp_path / "moved.db"
    shutil.copyfile(demo_db_path, moved)
    before = moved.read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO("AB" * 32 + "\n"))
    assert main(["--db", str(moved), "key", "restore"]) == 2
    assert "cannot be opened with this till's key" in capsys.readouterr().err
    assert memory_keyring.get_password(SERVICE, account_for(moved)) is None
    assert moved.read_bytes() == before

    monkeypatch.setattr("sys.stdin", io.StringIO("not a key\n"))
    assert main(["--db", str(moved), "key", "restore"]) == 2
    assert "64 hexadecimal characters" in capsys.readouterr().err

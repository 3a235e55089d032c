"""Issue 11 on the command line and on disk: the manager's PIN for commands that change shop data or reveal
a secret, files that are not what they seem, and storage errors in words, each run as a real `pos-till`
process (the disk-full and read-only cases inside a private mount namespace with a small tmpfs)."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher
from test_cli import TESTS, run_till

from db.keystore import SERVICE, account_for


def _keys(path: Path, memory_keyring) -> dict:
    return {f"{SERVICE}\x00{account_for(path)}": memory_keyring.get_password(SERVICE, account_for(path))}


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("name,phone\nCli Person,+1 555 700 0500\n", encoding="utf-8")
    return path


def _audit(path: Path):
    from db.connection import open_database
    from db.models import AuditLog

    opened = open_database(path)
    try:
        return [(e.action, e.user.name if e.user_id else None, e.detail) for e in AuditLog.select().order_by(AuditLog.at)]
    finally:
        opened.close()


# --- 3. a manager's PIN on the command line --------------------------------------------------------------------


def test_import_and_key_show_refuse_without_a_pin_and_a_terminal(demo_db_path, tmp_path, memory_keyring):
    keys = _keys(demo_db_path, memory_keyring)
    before = demo_db_path.read_bytes()
    for args in (["import-customers", str(_csv(tmp_path))], ["key", "show"]):
        result = run_till(["--db", str(demo_db_path), *args], tmp_path, keys=keys)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "needs a manager's PIN" in result.stderr
        assert "POS_MANAGER_PIN" in result.stderr and result.stdout == ""
    assert demo_db_path.read_bytes() == before


def test_a_cashier_pin_is_refused_and_counted(demo_db_path, tmp_path, memory_keyring):
    keys = _keys(demo_db_path, memory_keyring)
    result = run_till(["--db", str(demo_db_path), "key", "show"], tmp_path, keys=keys, manager_pin="1111")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == "pos-till: That is not a manager's PIN."
    failed = [d for action, _, d in _audit(demo_db_path) if action == "pin.failed"]
    assert [d["place"] for d in failed] == ["command line"]


def test_with_pos_manager_pin_the_import_runs_and_is_audited_with_the_managers_name(demo_db_path, tmp_path,
                                                                                    memory_keyring):
    keys = _keys(demo_db_path, memory_keyring)
    result = run_till(["--db", str(demo_db_path), "import-customers", str(_csv(tmp_path))], tmp_path, keys=keys,
                      manager_pin="9999")
    assert result.returncode == 0, result.stderr
    assert "Added: 1" in result.stdout
    entries = _audit(demo_db_path)
    assert ("cli.command", "Manager", {"command": "import-customers", "manager": "Manager"}) in entries
    imported = [e for e in entries if e[0] == "customer.import"]
    assert imported and all(user == "Manager" for _, user, _ in imported)


def test_key_show_asks_for_the_pin_at_a_terminal(demo_db_path, tmp_path, memory_keyring):
    """A real terminal (a pty): the PIN is typed at the prompt, the key is printed, and the act audited."""
    import json

    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(json.dumps(_keys(demo_db_path, memory_keyring)))
    env = dict(os.environ, PYTHONPATH=str(TESTS), PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring",
               TILL_TEST_KEYRING_FILE=str(keyring_file), XDG_STATE_HOME=str(tmp_path / "state"))
    env.pop("POS_MANAGER_PIN", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: pos-till on the terminal
        os.chdir(TESTS.parent)
        os.execve(sys.executable, [sys.executable, "-m", "app", "--db", str(demo_db_path), "key", "show"], env)
    output = b""
    deadline = time.monotonic() + 60
    while b"PIN" not in output and time.monotonic() < deadline:
        output += os.read(fd, 1024)
    assert b"Manager PIN to show the database key:" in output
    os.write(fd, b"9999\n")
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, output
    key = memory_keyring.get_password(SERVICE, account_for(demo_db_path))
    assert key.encode() in output and b"9999" not in output  # the PIN is not echoed
    assert ("cli.command", "Manager", {"command": "key show", "manager": "Manager"}) in _audit(demo_db_path)


def test_enroll_and_sync_need_no_pin(demo_db_path, tmp_path, memory_keyring):
    result = run_till(["--db", str(demo_db_path), "sync"], tmp_path, keys=_keys(demo_db_path, memory_keyring))
    assert "PIN" not in result.stderr


# --- 5. files that are not what they seem -----------------------------------------------------------------------


def test_an_empty_file_whose_key_is_known_is_refused_never_replaced(tmp_path, memory_keyring):
    path = tmp_path / "till.db"
    path.write_bytes(b"")
    memory_keyring.set_password(SERVICE, account_for(path), "AB" * 32)
    result = run_till(["--db", str(path), "sync"], tmp_path, keys={f"{SERVICE}\x00{account_for(path)}": "AB" * 32})
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "is empty (0 bytes) although this computer holds its key" in result.stderr
    assert path.read_bytes() == b""


def test_the_lock_holds_through_a_symlink(fresh_db, db_path, tmp_path):
    from db.connection import open_database
    from db.errors import DatabaseLockedError

    link = tmp_path / "other-name.db"
    link.symlink_to(db_path)
    with pytest.raises(DatabaseLockedError):
        open_database(link)


def _damage_middle_page(path: Path) -> None:
    pages = path.stat().st_size // 4096
    with open(path, "r+b") as fh:
        fh.seek(4096 * (pages // 2))
        fh.write(os.urandom(4096))


def test_damage_beyond_page_one_is_reported_at_start(demo_db_path, tmp_path, memory_keyring):
    _damage_middle_page(demo_db_path)
    before = demo_db_path.read_bytes()
    result = run_till(["--db", str(demo_db_path), "sync"], tmp_path, keys=_keys(demo_db_path, memory_keyring))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "is damaged" in result.stderr and "Nothing was changed" in result.stderr
    assert demo_db_path.read_bytes() == before


# --- 6. storage errors ------------------------------------------------------------------------------------------


def _namespace_works() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


needs_namespace = pytest.mark.skipif(not _namespace_works(), reason="needs root and mount namespaces")


def _run_in_namespace(script: str, tmp_path: Path, keys: dict, pin: str | None = "9999"):
    """``script`` runs in a private mount namespace (its mounts vanish with it); ``$TILL`` is pos-till."""
    import json

    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(json.dumps(keys))
    env = dict(os.environ, PYTHONPATH=str(TESTS), PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring",
               TILL_TEST_KEYRING_FILE=str(keyring_file), XDG_STATE_HOME=str(tmp_path / "state"),
               TILL=f"{sys.executable} -m app")
    env.pop("POS_MANAGER_PIN", None)
    if pin:
        env["POS_MANAGER_PIN"] = pin
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], capture_output=True, text=True, env=env,
                          cwd=TESTS.parent, timeout=180)


def _till_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("pos-till")]


@needs_namespace
def test_disk_full_at_start_says_disk_full_not_wrong_key(demo_db_path, tmp_path, memory_keyring):
    mnt = tmp_path / "small"
    mnt.mkdir()
    keys = {f"{SERVICE}\x00{account_for(mnt / 'till.db')}": memory_keyring.get_password(SERVICE, account_for(demo_db_path))}
    result = _run_in_namespace(
        f"mount -t tmpfs -o size=8m tmpfs {mnt}; cp {demo_db_path} {mnt}/till.db; "
        f"dd if=/dev/zero of={mnt}/filler bs=4k 2>/dev/null || true; "
        f"$TILL --db {mnt}/till.db import-customers {_csv(tmp_path)} || echo exit=$?; ls {mnt}",
        tmp_path, keys)
    assert "exit=2" in result.stdout, result.stderr
    assert _till_lines(result) == [line for line in result.stderr.splitlines() if line.strip()]
    assert len(_till_lines(result)) == 1 and "is full" in result.stderr and "key" not in result.stderr
    assert sorted(result.stdout.split()[1:]) == ["filler", "till.db"]  # no journal, lock or half file left


def _old_database(path: Path, key: str, padding: int) -> None:
    """A till database of schema 1 (an older Till), padded to ``padding`` bytes of data."""
    from test_database import _make_v1_database

    _make_v1_database(path, key)
    conn = sqlcipher.connect(str(path))
    conn.execute(f"PRAGMA key=\"x'{key}'\"")
    conn.execute("CREATE TABLE padding (b BLOB)")
    conn.execute("INSERT INTO padding VALUES (?)", (os.urandom(padding),))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@needs_namespace
def test_disk_full_during_the_upgrade_backup_is_one_line_and_leaves_no_half_backup(tmp_path):
    key = "CD" * 32
    old = tmp_path / "old.db"
    _old_database(old, key, 3 * 2**20)
    mnt = tmp_path / "small"
    mnt.mkdir()
    keys = {f"{SERVICE}\x00{account_for(mnt / 'till.db')}": key}
    result = _run_in_namespace(
        f"mount -t tmpfs -o size={old.stat().st_size + 2**20 * 3 // 2} tmpfs {mnt}; cp {old} {mnt}/till.db; "
        f"$TILL --db {mnt}/till.db import-customers {_csv(tmp_path)} || echo exit=$?; ls {mnt}; "
        f"cp {mnt}/till.db {tmp_path}/after.db",
        tmp_path, keys)
    assert "exit=2" in result.stdout, result.stderr
    assert len(_till_lines(result)) == 1 and "disk is full" in result.stderr.lower(), result.stderr
    assert "backup" in result.stderr and "Traceback" not in result.stderr
    listed = result.stdout.split()
    assert not any(name.endswith((".bak", ".part")) for name in listed), listed
    conn = sqlcipher.connect(str(tmp_path / "after.db"))  # still the old version, its data whole
    conn.execute(f"PRAGMA key=\"x'{key}'\"")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM customer").fetchall() == [("Old Customer",)]
    assert len(conn.execute("SELECT b FROM padding").fetchone()[0]) == 3 * 2**20
    conn.close()


@needs_namespace
def test_a_read_only_folder_is_one_line_on_the_command_line(demo_db_path, tmp_path, memory_keyring):
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copyfile(demo_db_path, folder / "till.db")
    keys = {f"{SERVICE}\x00{account_for(folder / 'till.db')}": memory_keyring.get_password(SERVICE, account_for(demo_db_path))}
    result = _run_in_namespace(
        f"mount --bind -o ro {folder} {folder}; "
        f"$TILL --db {folder}/till.db import-customers {_csv(tmp_path)} || echo exit=$?",
        tmp_path, keys)
    assert "exit=2" in result.stdout, result.stderr
    assert len(_till_lines(result)) == 1 and "read-only" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["till.db"]

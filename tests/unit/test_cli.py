"""The command line: --version, and one clear line with a non-zero exit when the database is wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def run_till(args, tmp_path, keys=None, manager_pin=None, stdin=None):
    keyring_file = tmp_path / "keyring.json"
    if keys is not None:
        keyring_file.write_text(json.dumps(keys))
    env = dict(os.environ, PYTHONPATH=str(TESTS), PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring",
               TILL_TEST_KEYRING_FILE=str(keyring_file), QT_QPA_PLATFORM="offscreen",
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("POS_MANAGER_PIN", None)
    if manager_pin is not None:
        env["POS_MANAGER_PIN"] = manager_pin
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=TESTS.parent, input=stdin if stdin is not None else "")


def test_version_names_app_qt_and_sqlcipher_4(tmp_path):
    result = run_till(["--version"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("The Till ")
    assert lines[1].startswith("Qt 6.")
    assert lines[2].startswith("SQLCipher 4.")


def test_cli_with_wrong_key_prints_one_line_and_exits_non_zero(demo_db_path, tmp_path):
    from db.keystore import SERVICE, account_for

    before = demo_db_path.read_bytes()
    result = run_till(["--db", str(demo_db_path), "sync"], tmp_path,
                      keys={f"{SERVICE}\x00{account_for(demo_db_path)}": "EE" * 32})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot be opened with this till's key" in result.stderr
    assert demo_db_path.read_bytes() == before

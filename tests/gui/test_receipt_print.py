"""Printing a receipt never takes the till down: the print preview is driven in a child process, where a
segmentation fault shows as a signal exit instead of killing the test run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_receipt_print_preview_by_ctrl_p_and_button_does_not_crash(demo_db_path, memory_keyring, tmp_path):
    from db.keystore import SERVICE, account_for

    keyring_file = tmp_path / "keyring.json"
    key = memory_keyring.get_password(SERVICE, account_for(demo_db_path))
    keyring_file.write_text(json.dumps({f"{SERVICE}\x00{account_for(demo_db_path)}": key}))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), str(TESTS.parent)]),
               TILL_TEST_KEYRING_FILE=str(keyring_file),
               QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_STATE_HOME=str(tmp_path / "state"))
    result = subprocess.run([sys.executable, str(TESTS / "gui" / "receipt_print_driver.py"), str(demo_db_path)],
                            capture_output=True, text=True, env=env, timeout=180, cwd=TESTS.parent)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-3000:]}"
    previewed = [line for line in result.stdout.splitlines() if line.startswith("PREVIEWED")]
    assert len(previewed) == 2 and all(int(line.split()[1]) >= 1 for line in previewed), result.stdout

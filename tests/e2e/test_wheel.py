"""The Till installed from its wheel (not the source tree, not editable) starts styled, with its icon.

Builds the wheel as a packager would, installs it into a folder of its own, and starts the till from there
(offscreen, --smoke-test) in a working directory far from the source, so nothing can come from the tree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE_DIR = Path(__file__).resolve().parent  # keyring_probe.FileKeyring: a keyring backend for a child


def test_installed_wheel_carries_the_stylesheet_and_icons_and_starts(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(wheels), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(wheels.glob("the_till-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"resources/till.qss", "resources/icons/till.png", "db/migrations/0001_initial.sql"} <= names

    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    home = tmp_path / "home"
    home.mkdir()
    stamp = home / "stamp.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_STATE_HOME=str(home / "state"), XDG_CONFIG_HOME=str(home / "config"),
               PYTHONPATH=os.pathsep.join([str(target), str(PROBE_DIR)]), PYTHONSAFEPATH="1",
               PYTHON_KEYRING_BACKEND="keyring_probe.FileKeyring", TILL_TEST_KEYRING_FILE=str(home / "keys.json"))
    probe = subprocess.run([sys.executable, "-c", "import app, resources; print(app.__file__, resources.__file__)"],
                           env=env, cwd=home, capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert all(str(target) in path for path in probe.stdout.split()), probe.stdout  # not the source tree

    started = subprocess.run([sys.executable, "-m", "app", "--db", str(home / "till.db"), "--demo", "--smoke-test",
                              "--startup-stamp", str(stamp)], env=env, cwd=home, capture_output=True, text=True,
                             timeout=180)
    assert started.returncode == 0, started.stderr
    shown = json.loads(stamp.read_text())
    assert shown["visible"] and shown["styled"] and shown["icon"], shown

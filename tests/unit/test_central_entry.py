"""``pos-central`` in an install without the central extra says in one line what to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pos_central_without_its_extra_says_what_to_install(tmp_path):
    (tmp_path / "fastapi.py").write_text("raise ImportError('simulated: fastapi is not installed')\n")
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    result = subprocess.run([sys.executable, "-m", "central.entry", "serve", "--bind", "127.0.0.1:0"],
                            capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "fastapi" in lines[0] and "pip install 'the-till[central]'" in lines[0]


def test_the_check_passes_where_the_extra_is_installed():
    from central.entry import missing_extra

    assert missing_extra() == []


def test_the_console_script_points_at_the_checked_entry():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["pos-central"] == "central.entry:main"

"""The look is in one file, resources/till.qss: ui/ modules name their widgets and style classes, they do not
carry inline stylesheets; every style class a module uses has its rule in the file."""

from __future__ import annotations

import re
from pathlib import Path

from app.resources import resource_path

UI = Path(__file__).resolve().parents[2] / "ui"
ALLOWED = {"startup.py"}  # it installs the file itself


def test_no_inline_stylesheets_in_ui():
    found = [f"{path.name}:{n}" for path in sorted(UI.rglob("*.py")) if path.name not in ALLOWED
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "setStyleSheet(" in line]
    assert found == [], f"inline styles (move them to resources/till.qss): {found}"


def test_every_style_class_used_has_a_rule():
    qss = resource_path("till.qss").read_text(encoding="utf-8")
    used = {name for path in UI.rglob("*.py")
            for name in re.findall(r'style_class\([^,]+, "([a-z-]+)"\)', path.read_text(encoding="utf-8"))}
    used |= {"error", "ok"}  # chosen at run time: style_class(self.message, "error" if ... else "ok")
    assert len(used) > 10
    missing = sorted(name for name in used if f'[class="{name}"]' not in qss)
    assert missing == []

"""app/ and db/ never import Qt widgets: the same rules run in the till, the CLI and tests."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_does_not_import_qt_widgets():
    offenders = []
    for package in ("app", "db"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                if any(n.startswith(("PySide6.QtWidgets", "PySide6.QtGui", "ui")) and not n.startswith("uid")
                       for n in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    # app/main.py starts the GUI by importing ui lazily inside functions: that is the one allowed place
    offenders = [o for o in offenders if not o.startswith("app/main.py")]
    assert offenders == []

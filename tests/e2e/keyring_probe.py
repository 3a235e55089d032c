"""A keyring backend for the frozen till, given to it through TILL_KEYRING_BACKEND_FILE (a frozen app
ignores PYTHONPATH): the FileKeyring of tests/memory_keyring.py, loaded from its file. On import it also
writes to $TILL_KEYRING_REPORT which keyring backends the frozen app carries and what each says of itself.
"""

import importlib
import importlib.util
import json
import os
from importlib import metadata
from pathlib import Path

_spec = importlib.util.spec_from_file_location("memory_keyring", Path(__file__).resolve().parents[1] / "memory_keyring.py")
_memory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_memory)
FileKeyring = _memory.FileKeyring

BACKENDS = {"keyring.backends.SecretService": "Keyring", "keyring.backends.Windows": "WinVaultKeyring",
            "keyring.backends.macOS": "Keyring", "keyring.backends.chainer": "ChainerBackend",
            "keyring.backends.fail": "Keyring"}


def _report(path: str) -> None:
    found = {}
    for name, class_name in BACKENDS.items():
        try:
            backend = getattr(importlib.import_module(name), class_name)
        except Exception as exc:
            found[name] = {"imported": False, "error": f"{type(exc).__name__}: {exc}"}
            continue
        try:
            found[name] = {"imported": True, "priority": backend.priority}
        except Exception as exc:  # not usable here (no D-Bus session, not Windows ...): say why
            found[name] = {"imported": True, "error": f"{type(exc).__name__}: {exc}"}
    found["entry_points"] = sorted(ep.name for ep in metadata.entry_points(group="keyring.backends"))
    Path(path).write_text(json.dumps(found))


if os.environ.get("TILL_KEYRING_REPORT"):
    _report(os.environ["TILL_KEYRING_REPORT"])

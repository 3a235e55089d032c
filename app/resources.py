"""Files shipped with the Till (stylesheets, icons, receipt templates), from source or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    import resources  # the package beside app/: the source tree, or an installed wheel's copy

    return Path(resources.__file__).resolve().parent


def resource_path(name: str) -> Path:
    path = resource_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"resource {name!r} is missing from {resource_dir()}")
    return path

"""A rotating log file in the user log directory. Keys, PINs and card data are never logged."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

LOG_NAME = "till.log"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir("the-till", appauthor=False))


def setup_logging(level: int = logging.INFO, directory: Path | None = None) -> Path:
    directory = directory or log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_NAME
    root = logging.getLogger()
    # one log file per process: asked again for another folder, the till moves its log there
    current = [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    if not any(Path(h.baseFilename) == path.resolve() for h in current):
        for old in current:
            root.removeHandler(old)
            old.close()
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path

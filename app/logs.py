"""A rotating log file in the user log directory. Keys, PINs and card data are never logged; customers are
named by id only. The log is readable by its owner only (0600: shops send it to support), and as a last
line of defence anything that looks like a phone number or an email address is masked on the way out."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

import platformdirs

from app.private_files import open_private

LOG_NAME = "till.log"
_PHONE = re.compile(r"\+\d[\d ()-]{6,}\d|(?<![\w-])\d{10,15}(?![\w-])")  # as stored (E.164) or a long digit run
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text))


class _RedactingFormatter(logging.Formatter):
    """Masks the message and any traceback; the time stamp and the logger's name are left alone."""

    def format(self, record):
        copy = logging.makeLogRecord(record.__dict__)
        copy.msg, copy.args = redact(record.getMessage()), None
        copy.exc_text = None  # another handler may have cached the traceback unmasked
        return super().format(copy)

    def formatException(self, ei):  # noqa: N802 - logging's name
        return redact(super().formatException(ei))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file (the current one and each rotated one) is created 0600."""

    def _open(self):
        return open_private(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors)


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir("the-till", appauthor=False))


def setup_logging(level: int = logging.INFO, directory: Path | None = None) -> Path:
    directory = directory or log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_NAME
    for old in directory.glob(LOG_NAME + "*"):  # files an older version left readable by all
        if old.is_file() and old.stat().st_mode & 0o077:
            os.chmod(old, 0o600)
    root = logging.getLogger()
    # one log file per process: asked again for another folder, the till moves its log there
    current = [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    if not any(Path(h.baseFilename) == path.resolve() for h in current):
        for old in current:
            root.removeHandler(old)
            old.close()
        handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path

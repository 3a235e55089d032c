"""Files that carry shop or personal data out of the encrypted database (exports, the log): created
readable by their owner only (0600), and CSV cells that a spreadsheet would run as a formula neutralised."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def open_private(path, mode: str = "w", **kwargs):
    """``open(path, mode)`` for writing, but the file is created (or truncated) with mode 0600."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0), 0o600)
    with contextlib.suppress(OSError):  # a file that already existed keeps its old mode otherwise
        os.fchmod(fd, 0o600)
    return open(fd, mode, **kwargs)


def make_private(path) -> None:
    """A file written by another library (a PDF): readable by its owner only."""
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def safe_cell(value):
    """A text cell that starts like a formula (= + - @ tab CR) gets a leading apostrophe, so a spreadsheet
    shows it as text instead of running it. Numbers are left alone; the import takes the apostrophe off."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


def unneutralise(text: str) -> str:
    """The import's side of safe_cell: an apostrophe before a formula character is the export's."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text

"""Default locations of the till's files."""

from pathlib import Path

import platformdirs


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("the-till", appauthor=False)) / "till.db"


def demo_db_path() -> Path:
    return Path(platformdirs.user_data_dir("the-till", appauthor=False)) / "demo.db"

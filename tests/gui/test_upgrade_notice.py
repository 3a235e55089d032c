"""A till whose database needs an upgrade at start shows what it is doing (a minute at a million customers)
instead of nothing: a notice with the step and a progress bar, gone when the window opens."""

from __future__ import annotations

from old_schema import schema_file
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar

from app.main import build_till
from db import migrations
from db.keystore import SERVICE, account_for


class _Watch(QObject):
    """Records what the notice says each time it is painted."""

    def __init__(self):
        super().__init__()
        self.seen: list[tuple[str, int, int]] = []

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Paint and watched.objectName() == "upgradeNotice":
            texts = [label.text() for label in watched.findChildren(QLabel)]
            bar = watched.findChild(QProgressBar, "upgradeProgress")
            self.seen.append((" ".join(texts), bar.value(), bar.maximum()))
        return False


def test_an_upgrade_at_start_says_what_it_is_doing(qtbot, tmp_path, memory_keyring):
    path = tmp_path / "old.db"
    key = "EF" * 32
    memory_keyring.set_password(SERVICE, account_for(path), key)
    schema_file(path, key, 16)
    watch = _Watch()
    QApplication.instance().installEventFilter(watch)
    try:
        window = build_till(["--db", str(path)])
    finally:
        QApplication.instance().removeEventFilter(watch)
    qtbot.addWidget(window)
    steps = migrations.LATEST - 16 + 1  # the backup copy, then each migration
    texts = [text for text, _value, _maximum in watch.seen]
    assert any("Making a backup copy" in t for t in texts), texts
    assert any(f"Step {migrations.LATEST}" in t and "Do not switch the till off" in t for t in texts), texts
    assert {maximum for _t, _v, maximum in watch.seen} == {steps}
    assert [v for _t, v, _m in watch.seen] == sorted(v for _t, v, _m in watch.seen)  # it only moves forward
    qtbot.waitUntil(lambda: not [w for w in QApplication.topLevelWidgets()
                                 if w.objectName() == "upgradeNotice" and w.isVisible()])
    assert window.isVisible()
    assert window.till.db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert list(tmp_path.glob("old.db.v16*.bak"))

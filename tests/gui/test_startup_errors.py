"""An unexpected error is shown to the user in a dialog that says where the log is, never a silent exit."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ui.startup import ErrorDialogs, log_file, run_gui


def _top_level(name: str):
    return next((w for w in QApplication.topLevelWidgets() if w.objectName() == name and w.isVisible()), None)


def test_log_file_is_in_the_user_log_folder():
    assert log_file() == Path(os.environ["XDG_STATE_HOME"]) / "the-till" / "log" / "till.log"


def test_an_error_while_the_till_runs_opens_a_dialog_naming_the_log_file(qtbot, caplog):
    hook = ErrorDialogs(QApplication.instance())
    try:
        raise RuntimeError("the printer caught fire")
    except RuntimeError:
        hook(*sys.exc_info())

    box = _top_level("unexpectedErrorBox")
    assert box is not None  # still alive after the hook returned: nothing else holds it
    assert "the printer caught fire" in box.text() and str(log_file()) in box.text()
    assert "unexpected error" in caplog.text
    box.button(QMessageBox.Ok).click()
    qtbot.waitUntil(lambda: _top_level("unexpectedErrorBox") is None)
    assert hook.boxes == []


def test_an_unexpected_error_at_start_up_is_shown_then_exits_non_zero(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; put it back after
    broken = tmp_path / "a-folder.db"  # a folder where the database file should be
    broken.mkdir()
    (broken / "x").write_text("x")
    seen = {}

    def close_the_box():
        box = _top_level("startupErrorBox")
        if box is None:
            return
        seen["text"] = box.text()
        timer.stop()
        box.button(QMessageBox.Ok).click()

    timer = QTimer()
    timer.timeout.connect(close_the_box)
    timer.start(20)
    code = run_gui(broken)

    assert code == 70
    assert "could not start" in seen["text"] and str(log_file()) in seen["text"]

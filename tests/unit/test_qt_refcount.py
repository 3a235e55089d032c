"""PySide6 must not drop references to None: on Python 3.11 None is not immortal, and a binding that
releases None once per call (PySide6 6.12.0 did, for every void method) aborts the till after a few
thousand label updates: a till that dies mid-shift."""

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for n in range(3000):
        label.setText(str(n))
        label.setEnabled(True)
    assert sys.getrefcount(None) >= before - 100

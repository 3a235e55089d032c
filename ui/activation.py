"""Make a window the active one at once, not only when the platform gets round to it.

``QWidget.activateWindow`` asks the windowing system, which answers on a later pass of the event loop: until
then nothing has the keyboard focus (right after the till window is shown, or a dialog closed), and a key
sent to "whatever has the focus" at that moment has nowhere to go. Qt's own ``QApplication.setActiveWindow``
sets the active window (and so the focus) now; the platform's answer that follows agrees with it."""

from __future__ import annotations

import warnings

from PySide6.QtWidgets import QApplication


def activate_now(widget) -> None:
    widget.activateWindow()
    with warnings.catch_warnings():  # deprecated in Qt 6.5 for activateWindow, which is asynchronous
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(widget)

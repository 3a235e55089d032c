"""Steps shared by the back-office GUI tests: sign in, open a manager screen by its action, find widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from window_steps import sign_in


def visible(window, name: str, kind=QWidget):
    return next((w for w in window.findChildren(kind, name) if w.isVisible()), None)


def open_screen(qtbot, window, action_name: str, screen_name: str, pin: str = "9999"):
    """Sign in (manager by default) and open a manager screen from its menu action."""
    sign_in(qtbot, window, pin)
    qtbot.waitUntil(window.sale_page.isEnabled)
    getattr(window, action_name).trigger()
    qtbot.waitUntil(lambda: visible(window, screen_name) is not None)
    return visible(window, screen_name)

"""Steps through the real window, as a cashier does them: the focused widget, signing in."""

from __future__ import annotations


def focused(qtbot, name: str):
    """The widget with the keyboard focus, once it is the one named: what a cashier types goes there."""
    from PySide6.QtWidgets import QApplication

    def focus_name():
        widget = QApplication.focusWidget()
        return widget.objectName() if widget is not None else None

    try:
        qtbot.waitUntil(lambda: focus_name() == name, timeout=3000)
    except Exception as exc:
        widget = QApplication.focusWidget()
        where = f"{type(widget).__name__} {focus_name()!r} in {widget.window().objectName()!r}" if widget else "nothing"
        active = QApplication.activeWindow()
        raise AssertionError(f"the focus should be in {name}, it is in {where} "
                             f"(active window {active.objectName() if active else None!r})") from exc
    return QApplication.focusWidget()


def sign_in(qtbot, window, pin: str) -> None:
    """Type the PIN as a cashier does: into whatever has the focus, which must be the PIN field."""
    from PySide6.QtCore import Qt

    edit = focused(qtbot, "pinEdit")
    qtbot.keyClicks(edit, pin)
    qtbot.keyClick(edit, Qt.Key_Return)

"""Windows open no bigger than the screen they open on: a manager screen designed at 1200x820 on a
1366x768 or 1024x768 counter screen otherwise opens with its bottom (and the chart's legend) cut off."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget


def fit_to_screen(widget: QWidget, width: int, height: int, over: QWidget | None = None) -> None:
    """Resize ``widget`` to width x height, or to the available screen area (less a title bar) if smaller."""
    screen = (over or widget).screen()
    if screen is not None:
        area = screen.availableGeometry()
        width, height = min(width, area.width()), min(height, area.height() - 40)
    widget.resize(width, height)


def pair(*widgets) -> QWidget:
    """Widgets kept side by side (a caption and its field) when a flowing row wraps."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    for widget in widgets:
        layout.addWidget(widget)
    return box

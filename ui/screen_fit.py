"""Windows open no bigger than the screen they open on: a manager screen designed at 1200x820 on a
1366x768 or 1024x768 counter screen otherwise opens with its bottom (and the chart's legend) cut off."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

MARGIN_WIDTH, MARGIN_HEIGHT = 32, 64  # the window frame, and the title bar with room to spare


def fit_to_screen(widget: QWidget, width: int, height: int, over: QWidget | None = None) -> None:
    """Resize ``widget`` to width x height, or less on a smaller screen (the one ``over`` is on, else its own):
    a margin for the frame and title bar stays free, so a 1024x768 counter screen keeps a dialog's buttons on
    screen. The wanted size is kept (property ``wantedSize``) for when the screen is larger."""
    widget.setProperty("wantedSize", QSize(width, height))
    screen = (over or widget).screen() or QApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width, height = min(width, area.width() - MARGIN_WIDTH), min(height, area.height() - MARGIN_HEIGHT)
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

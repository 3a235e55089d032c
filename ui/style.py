"""The look lives in resources/till.qss; widgets only say what they are: an object name, or a style class
(``setProperty("class", ...)``) or a state property that the stylesheet selects on."""

from __future__ import annotations


def restyle(widget):
    """Apply the stylesheet again after a property it selects on changed (Qt does not on its own)."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    return widget


def style_class(widget, name: str):
    """Give ``widget`` the style class ``name`` (``QLabel[class="hint"]`` in till.qss)."""
    if widget.property("class") != name:
        widget.setProperty("class", name)
        restyle(widget)
    return widget


def set_state(widget, prop: str, value: str):
    """A state the stylesheet shows (``tone="busy"``); "" clears it."""
    if (widget.property(prop) or "") != value:
        widget.setProperty(prop, value)
        restyle(widget)
    return widget

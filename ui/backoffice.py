"""Manager screens, opened from the till's Manage menu after the manager check in TillWindow.

SCREENS maps a name to (opener(window, manager), what the approval dialog says)."""

from __future__ import annotations


def open_settings(window, manager):
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window, manager)
    window.keep_open(dialog)
    dialog.open()
    return dialog


def _not_built(title):
    def opener(window, manager):
        return window.show_error(title, f"{title} is not available yet in this build.")

    return opener


SCREENS = {
    "settings": (open_settings, "change the business settings"),
    "customers": (_not_built("Customers"), "manage customers"),
    "profiles": (_not_built("Customer profiles"), "manage customer profiles"),
    "reports": (_not_built("Reports"), "see the reports"),
}

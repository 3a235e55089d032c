"""Manager screens, opened from the till's Manage menu after the manager check in TillWindow.

SCREENS maps a name to (opener(window, manager), what the approval dialog says). Windows that may stay
open beside the till (customers, reports) are raised instead of opened twice."""

from __future__ import annotations


def _keep(window, widget, show=None):
    from ui.screen_fit import fit_to_screen

    if widget.property("wantedSize") is None:  # not sized for the screen yet: a 1024x768 screen keeps it whole
        fit_to_screen(widget, widget.width(), widget.height(), over=window)
    window.keep_open(widget)
    window.signed_out.connect(widget.close)  # a manager's screen never outlives the session that opened it
    (show or widget.open)()
    return widget


def _existing(window, object_name: str):
    for widget in list(getattr(window, "_dialogs", [])):
        try:
            if widget.objectName() == object_name and widget.isVisible():
                widget.raise_()
                widget.activateWindow()
                return widget
        except RuntimeError:  # already deleted
            continue
    return None


def _single(window, object_name: str, make, show: bool = True):
    """The screen already open is raised; else a new one is made and kept (shown as a window, or opened)."""
    found = _existing(window, object_name)
    if found is not None:
        return found
    widget = make()
    return _keep(window, widget, widget.show if show else None)


def open_settings(window, manager):
    from ui.settings_dialog import SettingsDialog

    return _keep(window, SettingsDialog(window, manager))


def open_profiles(window, manager):
    from ui.profiles_dialog import ProfilesDialog

    return _keep(window, ProfilesDialog(window, manager))


def open_customers(window, manager):
    from ui.customers_window import CustomersWindow

    return _single(window, "customersWindow", lambda: CustomersWindow(window, manager))


def open_reports(window, manager):
    from ui.reports_window import ReportsWindow

    return _single(window, "reportsWindow", lambda: ReportsWindow(window, manager))


def open_staff(window, manager):
    from ui.staff_dialog import StaffDialog

    return _keep(window, StaffDialog(window, manager))


def open_items(window, manager):
    from ui.items_dialog import ItemsDialog

    return _single(window, "itemsDialog", lambda: ItemsDialog(window, manager), show=False)


def open_failed_pins(window, manager):
    from ui.failed_pins_dialog import FailedPinsDialog

    return _keep(window, FailedPinsDialog(window, manager))


def open_promotions(window, manager):
    from ui.promotions_window import PromotionsWindow

    return _single(window, "promotionsWindow", lambda: PromotionsWindow(window, manager))


def open_preference_audit(window, manager):
    from ui.preference_audit_window import PreferenceAuditWindow

    return _single(window, "preferenceAuditWindow", lambda: PreferenceAuditWindow(window, manager))


SCREENS = {
    "settings": (open_settings, "change the business settings"),
    "customers": (open_customers, "manage customers"),
    "profiles": (open_profiles, "manage customer profiles"),
    "reports": (open_reports, "see the reports"),
    "staff": (open_staff, "manage staff"),
    "items": (open_items, "change the catalogue"),
    "failed_pins": (open_failed_pins, "see the failed PIN attempts"),
    "promotions": (open_promotions, "manage promotions"),
    "preference_audit": (open_preference_audit, "review customer preferences"),
}

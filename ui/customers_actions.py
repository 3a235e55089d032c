"""What the customers window does with the chosen customer (a mixin of ui/customers_window.CustomersWindow):
add, edit, view, delete, duplicates, pricing, import and export. Writes run as ops; what they change is
announced, and the open list reloads from that."""

from __future__ import annotations

import datetime as dt

from app import customers, export
from app.changes import Changes
from ui import ops
from ui.form_helpers import choose_save_path, confirm, show_message
from ui.i18n import translate


class CustomerActions:
    """Needs ``self.window_``, ``self.manager``, ``current_id()``, ``status()``, ``segment()``,
    ``profile_filter()``, ``after_save()`` and ``count_label`` from the window."""

    # --- actions -----------------------------------------------------------------------------------------------

    def _open(self, dialog):
        self.window_.keep_open(dialog)
        dialog.open() if hasattr(dialog, "open") else dialog.show()
        return dialog

    def add_customer(self):
        from ui.customer_form import CustomerForm

        return self._open(CustomerForm(self, self.manager, None, on_saved=self.after_save))

    def edit_customer(self, customer_id: str | None = None):
        from ui.customer_form import CustomerForm

        customer_id = customer_id or self.current_id()
        if customer_id:
            return self._open(CustomerForm(self, self.manager, customer_id, on_saved=self.after_save))
        return None

    def view_customer(self, customer_id: str | None = None):
        from ui.customer_view import CustomerView

        customer_id = customer_id or self.current_id()
        if not customer_id:
            return None
        for open_view in self.findChildren(CustomerView):  # one window per customer: raise it
            if (open_view.isVisible() or open_view.pending) and open_view.customer_id == customer_id:
                open_view.raise_()
                open_view.activateWindow()
                return open_view
        view = CustomerView(self, self.window_, self.manager, customer_id)
        self.window_.keep_open(view)
        view.open_when_audited()  # built at once, shown once the look is recorded
        return view

    def delete_customer(self):
        customer_id = self.current_id()
        if not customer_id:
            return None
        customer = customers.get(customer_id)
        if customers.has_sales(customer_id):
            text = translate("CustomerActions", "{name} has bought from you, so their record is kept for the books and "
                                  "marked inactive instead of deleted. Continue?").format(name=customer.name)
            title, yes = translate("CustomerActions", "Deactivate customer"), translate("CustomerActions", "Deactivate")
        else:
            text = translate("CustomerActions", "Delete {name}? They have no sales; the record is removed from every till.").format(
                name=customer.name)
            title, yes = translate("CustomerActions", "Delete customer"), translate("CustomerActions", "Delete")
        return confirm(self, title, text, lambda: self._delete(customer_id), yes_text=yes, destructive=True)

    def _delete(self, customer_id: str) -> None:
        ops.write(self.window_, customers.delete, customer_id, self.manager, owner=self,
                  changes=Changes.of("customer", customer_id)).failure(
            lambda exc: show_message(self, translate("CustomerActions", "Customer not deleted"),
                                     getattr(exc, "message", str(exc)))).run()

    def open_duplicates(self):
        from ui.duplicates_dialog import DuplicatesDialog

        return self._open(DuplicatesDialog(self, self.window_, self.manager))

    def open_pricing(self):
        from ui.catalogue_dialogs import PricingDialog

        return self._open(PricingDialog(self, self.window_, self.manager, customer_id=self.current_id()))

    def open_import(self):
        from ui.import_dialog import ImportDialog

        return self._open(ImportDialog(self, self.window_, self.manager))

    def export_csv(self, path: str | None = None):
        """Export the customers of the current tab, segment and profile to CSV (asks where unless ``path``
        is given)."""
        if path is None:
            suggested = f"customers-{dt.date.today().isoformat()}.csv"
            return choose_save_path(self, translate("CustomerActions", "Export customers"), suggested,
                                    translate("CustomerActions", "CSV files (*.csv)"), self.export_csv)
        status = self.status()
        self.count_label.setText(translate("CustomerActions", "Exporting…"))

        def done(count):
            self.count_label.setText(translate("CustomerActions", "Exported {count:,} customers to {path}").format(
                count=count, path=path))

        self.window_.reads.submit(export.export_customers, path, status, self.manager, segment=self.segment(),
                                  profile_id=self.profile_filter(), owner=self, on_done=done,
                                  on_error=lambda exc: show_message(self, translate("CustomerActions", "Export failed"), str(exc)))
        return None

"""Duplicate customers (``duplicatesDialog``): suggested pairs (same phone, same email, very similar name),
a side-by-side comparison, merge into the customer to keep, and undo of recent merges."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidgetItem,
    QVBoxLayout,
)

from app import dates, merge, plurals, settings, stats
from app.changes import Changes
from app.contact import format_phone
from app.money import format_money
from db.models import Customer, CustomerStats
from ui import ops
from ui.form_helpers import (
    InlineMessage,
    PageHeader,
    avatar,
    confirm,
    hbox,
    list_table,
    named,
    no_auto_default,
    primary,
    set_role,
)


class CustomerCard(QFrame):
    """One side of the comparison."""

    def __init__(self, title: str, name: str):
        super().__init__()
        self.setObjectName("sidePanel")
        self.grid = QGridLayout(self)
        self.radio = named(QRadioButton(title), name, title)
        self.grid.addWidget(self.radio, 0, 0, 1, 2)
        self.photo = QLabel()
        self.grid.addWidget(self.photo, 1, 0, 3, 1, Qt.AlignTop)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.RichText)
        self.grid.addWidget(self.text, 1, 1, 3, 1)
        self.grid.setColumnStretch(1, 1)

    def show_customer(self, customer_id: str) -> None:
        c = Customer.get(Customer.id == customer_id)
        figures = CustomerStats.get_or_none(CustomerStats.customer == c.id) or stats.recompute(c.id)
        currency = settings.shop().currency
        self.photo.setPixmap(avatar(c.name, c.photo, 56))
        since = dates.day(c.created_at)
        lines = [f"<b style='font-size:16px'>{escape(c.name)}</b>",  # shop data in markup: always escaped
                 escape(format_phone(c.phone, settings.shop().phone_region)),
                 escape(c.email) if c.email else "<i>no email</i>", f"Status: {c.status} · since {since}",
                 f"{figures.orders:,} orders · {format_money(figures.spent, currency)} · "
                 f"{merge.points_of(c.id):,} points"]
        self.text.setText("<br>".join(lines))


class DuplicatesDialog(QDialog):
    def __init__(self, parent, window, manager):
        super().__init__(parent)
        self.window_ = window
        self.manager = manager
        self.pairs: list[merge.Suggestion] = []
        self.merges: list[merge.MergeRecord] = []
        self.setObjectName("duplicatesDialog")
        self.setAccessibleName("Duplicate customers")
        self.setWindowTitle("Duplicate customers")
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(1000, 740)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(PageHeader("Duplicate customers",
                                    "Records that look like the same person. Merging keeps one record and moves "
                                    "bills, points, preferences and addresses to it; it can be undone."))
        self.status_label = named(QLabel("Looking for duplicates…"), "duplicatesStatusLabel", "Status")
        set_role(self.status_label, "hint")
        layout.addWidget(self.status_label)
        self.pairs_view = list_table("duplicatesView", ["Customer", "Possible duplicate", "Why"], row_height=32)
        self.pairs_view.currentCellChanged.connect(lambda row, *_: self._show_pair(row))
        layout.addWidget(self.pairs_view, 2)

        self.first_card = CustomerCard("Keep this one", "keepFirstRadio")
        self.second_card = CustomerCard("Keep this one", "keepSecondRadio")
        self.keep_group = QButtonGroup(self)
        self.keep_group.addButton(self.first_card.radio, 0)
        self.keep_group.addButton(self.second_card.radio, 1)
        self.first_card.radio.setChecked(True)
        layout.addLayout(hbox(self.first_card, self.second_card))
        self.message = InlineMessage("duplicatesMessageLabel")
        self.merge_button = primary(named(QPushButton("Merge into the one kept"), "mergeButton", "Merge"))
        self.merge_button.setAutoDefault(False)
        self.merge_button.clicked.connect(self.ask_merge)
        layout.addLayout(hbox(self.message, None, self.merge_button))

        recent = QLabel("<b>Recent merges</b>")
        layout.addWidget(recent)
        self.merges_view = list_table("recentMergesView", ["When", "Kept", "Merged", "By", "State"], row_height=32)
        self.merges_view.currentCellChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.merges_view, 1)
        self.undo_button = named(QPushButton("Undo merge"), "undoMergeButton", "Undo merge")
        self.undo_button.setAutoDefault(False)
        self.undo_button.clicked.connect(self.undo_selected)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addLayout(hbox(self.undo_button, None, close))
        self.loading = False
        no_auto_default(self)
        self.refresh()

    # --- data ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Suggestions are found on a worker (a scan over all customers); merges are read at once."""
        self.loading = True
        self.status_label.setText("Looking for duplicates…")
        self.window_.reads.submit(merge.suggestions, owner=self, on_done=self._suggested,
                                  on_error=lambda exc: self.status_label.setText(f"Could not look: {exc}"))
        self._load_merges()

    def _suggested(self, pairs: list) -> None:
        self.pairs = pairs
        self.pairs_view.setRowCount(len(pairs))
        for row, pair in enumerate(pairs):
            for column, text in enumerate([pair.first_name, pair.second_name, pair.reason]):
                self.pairs_view.setItem(row, column, QTableWidgetItem(text))
        self.status_label.setText(f"{plurals.count(len(pairs), 'possible duplicate')} found."
                                  if pairs else "No likely duplicates found.")
        if pairs:
            self.pairs_view.setCurrentCell(0, 0)
        else:
            self._show_pair(-1)
        self.loading = False

    def _load_merges(self) -> None:
        self.merges = merge.recent_merges()
        self.merges_view.setRowCount(len(self.merges))
        for row, m in enumerate(self.merges):
            values = [dates.date_time(m.at), m.survivor_name, m.merged_name, m.by,
                      "Undone" if m.undone else "Merged"]
            for column, text in enumerate(values):
                self.merges_view.setItem(row, column, QTableWidgetItem(text))
        self._update_buttons()

    def _show_pair(self, row: int) -> None:
        visible = 0 <= row < len(self.pairs)
        for card in (self.first_card, self.second_card):
            card.setVisible(visible)
        self.merge_button.setEnabled(visible)
        if visible:
            self.first_card.show_customer(self.pairs[row].first_id)
            self.second_card.show_customer(self.pairs[row].second_id)

    def _update_buttons(self) -> None:
        row = self.merges_view.currentRow()
        self.undo_button.setEnabled(0 <= row < len(self.merges) and not self.merges[row].undone)

    def select_pair(self, first_id: str, second_id: str) -> bool:
        for row, pair in enumerate(self.pairs):
            if {pair.first_id, pair.second_id} == {first_id, second_id}:
                self.pairs_view.setCurrentCell(row, 0)
                return True
        return False

    # --- actions --------------------------------------------------------------------------------------------

    def chosen(self) -> tuple[str, str] | None:
        row = self.pairs_view.currentRow()
        if not 0 <= row < len(self.pairs):
            return None
        pair = self.pairs[row]
        if self.keep_group.checkedId() == 1:
            return pair.second_id, pair.first_id
        return pair.first_id, pair.second_id

    def ask_merge(self):
        chosen = self.chosen()
        if chosen is None:
            return None
        keep, gone = (Customer.get_by_id(i).name for i in chosen)
        return confirm(self, "Merge customers",
                       f"Keep {keep} and merge {gone} into it? {gone}'s bills, points, preferences and addresses "
                       "move to the record kept. You can undo this below.", self.merge_chosen,
                       name="mergeConfirmDialog", yes_text="Merge", destructive=True)

    def _refused(self, exc) -> None:
        self.message.bad(getattr(exc, "message", str(exc)))

    def merge_chosen(self) -> bool:
        chosen = self.chosen()
        if chosen is None:
            return False

        def merged(_merge_id):
            self.message.ok(f"Merged. {Customer.get_by_id(chosen[1]).name} now counts as "
                            f"{Customer.get_by_id(chosen[0]).name}.")
            self.refresh()

        return ops.write(self.window_, merge.merge, chosen[0], chosen[1], self.manager, owner=self,
                         changes=Changes.of("customer", *chosen)).success(merged).failure(self._refused).run()

    def undo_selected(self) -> bool:
        row = self.merges_view.currentRow()
        if not 0 <= row < len(self.merges):
            return False
        record = self.merges[row]

        def undone(_):
            self.message.ok(f"Merge undone: {record.merged_name} is a separate customer again.")
            self.refresh()

        return ops.write(self.window_, merge.undo, record.id, self.manager, owner=self,
                         changes=Changes.tables(["customer"])).success(undone).failure(self._refused).run()

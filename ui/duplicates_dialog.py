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

from app import customer_card, dates, merge, plurals, settings, stats
from app.changes import NONE, Changes
from app.contact import format_phone
from app.money import format_money
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
from ui.screen_fit import fit_to_screen


class CustomerCard(QFrame):
    """One side of the comparison."""

    def __init__(self, window, title: str, name: str):
        super().__init__()
        self.window_ = window
        self.customer_id: str | None = None
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
        self.customer_id = customer_id
        ops.read(self.window_, customer_card.brief, customer_id, owner=self).success(self._show).run()

    def _show(self, brief) -> None:
        c = brief.customer
        if c.id != self.customer_id:  # another pair was chosen meanwhile
            return
        figures = brief.figures
        if figures is None:  # no cached figures yet: fill the cache (silently), then show them
            ops.write(self.window_, stats.recompute, c.id, owner=self, changes=NONE).success(
                lambda _: self.show_customer(c.id)).run()
        currency = settings.shop().currency
        self.photo.setPixmap(avatar(c.name, c.photo, 56))
        since = dates.day(c.created_at)
        if figures is not None:
            count = self.tr("{orders} orders · {spent} · {points} points").format(
                orders=f"{figures.orders:,}", spent=format_money(figures.spent, currency), points=f"{brief.points:,}")
        else:
            count = self.tr("{points} points").format(points=f"{brief.points:,}")
        lines = [f"<b style='font-size:16px'>{escape(c.name)}</b>",  # shop data in markup: always escaped
                 escape(format_phone(c.phone, settings.shop().phone_region)),
                 escape(c.email) if c.email else "<i>{}</i>".format(self.tr("no email")),
                 escape(self.tr("Status: {status} · since {since}").format(status=c.status, since=since)), count]
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
        self.setWindowTitle(self.tr("Duplicate customers"))
        self.setWindowModality(Qt.WindowModal)
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        fit_to_screen(self, 1000, 740)  # no bigger than a 1024x768 screen leaves

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        header = PageHeader(self.tr("Duplicate customers"),
                            self.tr("Records that look like the same person. Merging keeps one record and "
                                    "moves bills, points, preferences and addresses to it; it can be undone."))
        header.subtitle.setWordWrap(True)  # it wraps on a 1024-pixel screen instead of widening the dialog
        layout.addWidget(header)
        self.status_label = named(QLabel(self.tr("Looking for duplicates…")), "duplicatesStatusLabel", "Status")
        set_role(self.status_label, "hint")
        layout.addWidget(self.status_label)
        self.pairs_view = list_table("duplicatesView", [self.tr("Customer"), self.tr("Possible duplicate"),
                                                        self.tr("Why")], row_height=32)
        self.pairs_view.currentCellChanged.connect(lambda row, *_: self._show_pair(row))
        layout.addWidget(self.pairs_view, 2)

        self.first_card = CustomerCard(window, self.tr("Keep this one"), "keepFirstRadio")
        self.second_card = CustomerCard(window, self.tr("Keep this one"), "keepSecondRadio")
        self.keep_group = QButtonGroup(self)
        self.keep_group.addButton(self.first_card.radio, 0)
        self.keep_group.addButton(self.second_card.radio, 1)
        self.first_card.radio.setChecked(True)
        layout.addLayout(hbox(self.first_card, self.second_card))
        self.message = InlineMessage("duplicatesMessageLabel")
        self.merge_button = primary(named(QPushButton(self.tr("Merge into the one kept")), "mergeButton", "Merge"))
        self.merge_button.setAutoDefault(False)
        self.merge_button.clicked.connect(self.ask_merge)
        layout.addLayout(hbox(self.message, None, self.merge_button))

        recent = QLabel("<b>{}</b>".format(self.tr("Recent merges")))
        layout.addWidget(recent)
        self.merges_view = list_table("recentMergesView", [self.tr("When"), self.tr("Kept"), self.tr("Merged"),
                                                           self.tr("By"), self.tr("State")], row_height=32)
        self.merges_view.currentCellChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.merges_view, 1)
        self.undo_button = named(QPushButton(self.tr("Undo merge")), "undoMergeButton", "Undo merge")
        self.undo_button.setAutoDefault(False)
        self.undo_button.clicked.connect(self.undo_selected)
        close = QPushButton(self.tr("Close"))
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
        self.status_label.setText(self.tr("Looking for duplicates…"))
        ops.read(self.window_, merge.suggestions, owner=self).success(self._suggested).failure(
            lambda exc: self.status_label.setText(self.tr("Could not look: {error}").format(error=exc))).run()
        self._load_merges()

    def _suggested(self, pairs: list) -> None:
        self.pairs = pairs
        self.pairs_view.setRowCount(len(pairs))
        for row, pair in enumerate(pairs):
            for column, text in enumerate([pair.first_name, pair.second_name, pair.reason]):
                self.pairs_view.setItem(row, column, QTableWidgetItem(text))
        self.status_label.setText(self.tr("{count} found.").format(count=plurals.count(len(pairs), "possible duplicate"))
                                  if pairs else self.tr("No likely duplicates found."))
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
                      self.tr("Undone") if m.undone else self.tr("Merged")]
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
        keep, gone = self._names(chosen)
        return confirm(self, self.tr("Merge customers"),
                       self.tr("Keep {keep} and merge {gone} into it? {gone}'s bills, points, preferences and "
                               "addresses move to the record kept. You can undo this below.").format(keep=keep, gone=gone),
                       self.merge_chosen, name="mergeConfirmDialog", yes_text=self.tr("Merge"), destructive=True)

    def _names(self, chosen: tuple[str, str]) -> tuple[str, str]:
        pair = self.pairs[self.pairs_view.currentRow()]
        names = {pair.first_id: pair.first_name, pair.second_id: pair.second_name}
        return names[chosen[0]], names[chosen[1]]

    def _refused(self, exc) -> None:
        self.message.bad(getattr(exc, "message", str(exc)))

    def merge_chosen(self) -> bool:
        chosen = self.chosen()
        if chosen is None:
            return False

        keep, gone = self._names(chosen)

        def merged(_merge_id):
            self.message.ok(self.tr("Merged. {gone} now counts as {keep}.").format(gone=gone, keep=keep))
            self.refresh()

        return ops.write(self.window_, merge.merge, chosen[0], chosen[1], self.manager, owner=self,
                         changes=Changes.of("customer", *chosen)).success(merged).failure(self._refused).run()

    def undo_selected(self) -> bool:
        row = self.merges_view.currentRow()
        if not 0 <= row < len(self.merges):
            return False
        record = self.merges[row]

        def undone(_):
            self.message.ok(self.tr("Merge undone: {name} is a separate customer again.").format(
                name=record.merged_name))
            self.refresh()

        return ops.write(self.window_, merge.undo, record.id, self.manager, owner=self,
                         changes=Changes.tables(["customer"])).success(undone).failure(self._refused).run()

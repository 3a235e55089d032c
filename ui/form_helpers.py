"""Small pieces shared by the manager's back-office screens: the look, named widgets, status badges,
avatars, money and percentage fields, inline messages and non-blocking file choosers."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStyledItemDelegate,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError
from app.money import format_money, parse_money, to_decimal

ACCENT = "#2563eb"
STATUS_COLOURS = {  # text, background
    "active": ("#166534", "#dcfce7"),
    "inactive": ("#475569", "#e2e8f0"),
    "merged": ("#6b21a8", "#f3e8ff"),
    "erased": ("#991b1b", "#fee2e2"),
    "void": ("#991b1b", "#fee2e2"),
    "voided": ("#991b1b", "#fee2e2"),
    "completed": ("#166534", "#dcfce7"),
    "returns": ("#9a3412", "#ffedd5"),  # a sale with items returned
    "booked": ("#1e40af", "#dbeafe"),  # reservations
    "seated": ("#92400e", "#fef3c7"),
    "cancelled": ("#475569", "#e2e8f0"),
    "no-show": ("#991b1b", "#fee2e2"),
}


def no_auto_default(dialog) -> None:
    """In a dialog, Enter belongs to the field being typed in, never to whichever button was made first."""
    from PySide6.QtWidgets import QPushButton

    for button in dialog.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)


class EnterSavesForm:
    """For a dialog with a list and a form (``form_panel``, ``save()``): Enter on a field that does not use
    it (a role list, an Active box) saves the form too, and when the dialog closes the keyboard goes back
    to the till window (``window_``; some platforms leave it nowhere). Mix in before QDialog."""

    def keyPressEvent(self, event):
        focus = self.focusWidget()
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and focus is not None and self.form_panel.isAncestorOf(focus):
            self.save()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        super().done(result)
        self.window_.activateWindow()


def named(widget, name: str, accessible: str | None = None):
    widget.setObjectName(name)
    widget.setAccessibleName(accessible or name)
    return widget


def set_role(label: QLabel, role: str) -> QLabel:
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)
    return label


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def primary(button):
    button.setProperty("primary", True)
    return button


def danger(button):
    button.setProperty("danger", True)
    return button


class PageHeader(QWidget):
    def __init__(self, title: str, subtitle: str = ""):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        self.title = named(QLabel(title), "pageTitle", title)
        layout.addWidget(self.title)
        self.subtitle = named(QLabel(subtitle), "pageSubtitle", subtitle or title)
        self.subtitle.setVisible(bool(subtitle))
        layout.addWidget(self.subtitle)

    def set_subtitle(self, text: str) -> None:
        self.subtitle.setText(text)
        self.subtitle.setVisible(bool(text))


class StatCard(QFrame):
    def __init__(self, title: str, value: str = "–", name: str | None = None):
        super().__init__()
        self.setObjectName("statCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        caption = QLabel(title.upper())
        caption.setObjectName("statCardTitle")
        layout.addWidget(caption)
        self.value = QLabel(value)
        self.value.setObjectName("statCardValue")
        self.value.setProperty("stat", "value")
        if name:
            named(self.value, name, title)
        else:
            self.value.setAccessibleName(title)
        layout.addWidget(self.value)

    def set(self, text: str) -> None:
        self.value.setText(text)


class InlineMessage(QLabel):
    """A line under a form: green when something was saved, red with the reason when not."""

    def __init__(self, name: str = "messageLabel"):
        super().__init__("")
        named(self, name, "Message")
        self.setWordWrap(True)

    def ok(self, text: str) -> None:
        set_role(self, "ok")
        self.setText(text)

    def bad(self, text: str) -> None:
        set_role(self, "bad")
        self.setText(text)

    def clear_message(self) -> None:
        self.setText("")


class PercentEdit(QDoubleSpinBox):
    """A percentage with two decimals, read and written in basis points."""

    def __init__(self, name: str, accessible: str, maximum: float = 100.0):
        super().__init__()
        named(self, name, accessible)
        self.setRange(0.0, maximum)
        self.setDecimals(2)
        self.setSuffix(" %")
        self.setSingleStep(1.0)

    def bp(self) -> int:
        return round(self.value() * 100)

    def set_bp(self, bp: int) -> None:
        self.setValue((bp or 0) / 100)


class MoneyEdit(QLineEdit):
    """An amount typed as the shop writes it ("12.50"), kept as integer minor units."""

    def __init__(self, name: str, accessible: str, currency: str):
        super().__init__()
        named(self, name, accessible)
        self.currency = currency
        self.setPlaceholderText(format_money(0, currency))
        self.textChanged.connect(lambda _: mark_invalid(self, self.error() is not None))

    def minor(self) -> int | None:
        """The amount, or None when empty. Raises ValidationError when it is not an amount."""
        if not self.text().strip():
            return None
        value = parse_money(self.text(), self.currency)
        if value < 0:
            raise ValidationError("An amount cannot be negative.")
        return value

    def error(self) -> str | None:
        try:
            self.minor()
        except ValidationError as exc:
            return exc.message
        return None

    def set_minor(self, value: int | None) -> None:
        self.setText("" if value is None else str(to_decimal(value, self.currency)))


STATUS_ROLE = Qt.UserRole + 20  # a cell's status key ("active", "voided"...) when its text is translated


class StatusBadgeDelegate(QStyledItemDelegate):
    """Paints the status column as a rounded badge (Active / Inactive / Merged / Erased), coloured by the
    cell's ``STATUS_ROLE`` key, else by its text."""

    def paint(self, painter: QPainter, option, index):
        text = index.data(Qt.DisplayRole) or ""
        if not text:
            return super().paint(painter, option, index)
        self.initStyleOption(option, index)
        painter.save()
        style = option.widget.style() if option.widget else None
        if style is not None:  # the row's selection background
            option.text = ""
            style.drawControl(style.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        fg, bg = STATUS_COLOURS.get(index.data(STATUS_ROLE) or text.lower(), ("#334155", "#e2e8f0"))
        font = QFont(option.font)
        font.setPointSizeF(max(7.5, font.pointSizeF() * 0.9))
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(text) + 18
        height = metrics.height() + 6
        rect = QRect(option.rect.left() + 6, option.rect.center().y() - height // 2 + 1, width, height)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(fg))
        painter.drawText(rect, Qt.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option, index):
        size = super().sizeHint(option, index)
        return QSize(size.width() + 24, max(size.height(), 28))


_AVATAR_COLOURS = ["#2563eb", "#7c3aed", "#db2777", "#ea580c", "#16a34a", "#0891b2", "#4f46e5", "#b45309"]


def initials(name: str) -> str:
    parts = [p for p in (name or "").split() if p[:1].isalnum()]
    if not parts:
        return "?"
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


@lru_cache(maxsize=2048)
def _initials_avatar(text: str, colour: str, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setPen(Qt.NoPen)
    painter.setBrush(QBrush(QColor(colour)))
    painter.drawEllipse(0, 0, size, size)
    font = QFont()
    font.setPixelSize(int(size * 0.4))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRect(0, 0, size, size), Qt.AlignCenter, text)
    painter.end()
    return pixmap


def avatar(name: str, photo: bytes | None, size: int = 32) -> QPixmap:
    """The customer's photo cut to a circle, or their initials on a colour picked from the name."""
    if photo:
        source = QPixmap()
        if source.loadFromData(bytes(photo)):
            side = min(source.width(), source.height())
            square = source.copy((source.width() - side) // 2, (source.height() - side) // 2, side, side)
            square = square.scaled(size, size, Qt.IgnoreAspectRatio, Qt.SmoothTransformation)
            out = QPixmap(size, size)
            out.fill(Qt.transparent)
            painter = QPainter(out)
            painter.setRenderHint(QPainter.Antialiasing)
            path = QPainterPath()
            path.addEllipse(0, 0, size, size)
            painter.setClipPath(path)
            painter.drawPixmap(0, 0, square)
            painter.end()
            return out
    colour = _AVATAR_COLOURS[int(hashlib.md5((name or "").encode()).hexdigest(), 16) % len(_AVATAR_COLOURS)]
    return _initials_avatar(initials(name), colour, size)


def show_message(parent, title: str, text: str, icon=QMessageBox.Information, name: str = "backofficeMessageBox"):
    box = QMessageBox(icon, title, text, QMessageBox.Ok, parent)
    box.setObjectName(name)
    box.setAttribute(Qt.WA_DeleteOnClose, True)
    box.open()
    return box


def confirm(parent, title: str, text: str, on_yes, name: str = "confirmDialog", yes_text: str = "Yes",
            destructive: bool = False):
    """A non-blocking question; ``on_yes()`` runs when the user agrees. A ``destructive`` one (erase, delete,
    deactivate, merge) has a red button (class "destructive" in till.qss) and Enter means Cancel."""
    box = QMessageBox(QMessageBox.Warning if destructive else QMessageBox.Question, title, text, QMessageBox.Cancel,
                      parent)
    box.setObjectName(name)
    yes = box.addButton(yes_text, QMessageBox.AcceptRole)
    yes.setObjectName("confirmYesButton")
    if destructive:
        yes.setProperty("class", "destructive")
        yes.style().unpolish(yes)
        yes.style().polish(yes)
        box.setDefaultButton(QMessageBox.Cancel)
    else:
        box.setDefaultButton(yes)
    box.setAttribute(Qt.WA_DeleteOnClose, True)
    box.buttonClicked.connect(lambda button: on_yes() if button is yes else None)
    box.open()
    return box


def choose_save_path(parent, title: str, suggested: str, filters: str, on_chosen) -> QFileDialog:
    dialog = QFileDialog(parent, title, suggested, filters)
    dialog.setObjectName("saveFileDialog")
    dialog.setAcceptMode(QFileDialog.AcceptSave)
    dialog.setAttribute(Qt.WA_DeleteOnClose, True)
    dialog.fileSelected.connect(on_chosen)
    dialog.open()
    return dialog


def choose_open_path(parent, title: str, filters: str, on_chosen) -> QFileDialog:
    dialog = QFileDialog(parent, title, "", filters)
    dialog.setObjectName("openFileDialog")
    dialog.setFileMode(QFileDialog.ExistingFile)
    dialog.setAttribute(Qt.WA_DeleteOnClose, True)
    dialog.fileSelected.connect(on_chosen)
    dialog.open()
    return dialog


def choose_folder(parent, title: str, on_chosen) -> QFileDialog:
    dialog = QFileDialog(parent, title)
    dialog.setObjectName("folderDialog")
    dialog.setFileMode(QFileDialog.Directory)
    dialog.setOption(QFileDialog.ShowDirsOnly, True)
    dialog.setAttribute(Qt.WA_DeleteOnClose, True)
    dialog.fileSelected.connect(on_chosen)
    dialog.open()
    return dialog


def hbox(*widgets, stretch_first: bool = False, spacing: int = 8) -> QHBoxLayout:
    layout = QHBoxLayout()
    layout.setSpacing(spacing)
    if stretch_first:
        layout.addStretch(1)
    for widget in widgets:
        if widget is None:
            layout.addStretch(1)
        elif isinstance(widget, QWidget):
            layout.addWidget(widget)
        else:
            layout.addLayout(widget)
    return layout


def list_table(name: str, headers: list[str], *, row_height: int, stretch: int | None = None) -> QTableWidget:
    """A read-only, single-selection table of rows. ``stretch``: the one column that takes the spare width
    (the others fit their contents); None stretches every column alike."""
    table = named(QTableWidget(0, len(headers)), name, name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
    if stretch is None:
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
    else:
        table.horizontalHeader().setResizeContentsPrecision(60)  # fit columns to the first rows, not all
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.Stretch)
    return table

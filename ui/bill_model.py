"""The bill's lines as a table model: one row per cart line, read from the cart and its current prices."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.cart import Cart
from app.money import format_money

COL_NO, COL_ITEM, COL_QTY, COL_PRICE, COL_DISCOUNT, COL_TOTAL = range(6)
HEADERS = ["#", "Item", "Qty", "Price", "Discount", "Amount"]

LineIdRole = Qt.UserRole + 1  # the cart line's id (str)
ItemCodeRole = Qt.UserRole + 2  # the item's code (str)
AllergenRole = Qt.UserRole + 3  # the customer's allergens this item carries (tuple of str)
PriceSourceRole = Qt.UserRole + 4  # which rule set the unit price: base | customer | price_list | profile | manual
AmountRole = Qt.UserRole + 5  # the line's amount in minor units (int)
QuantityRole = Qt.UserRole + 6  # int

SOURCE_NOTES = {
    "customer": "customer price",
    "price_list": "price list",
    "profile": "profile price",
    "manual": "price typed by hand",
}
ALERT_BACKGROUND = QColor("#fde8e8")
ALERT_TEXT = QColor("#9b1c1c")
MUTED_TEXT = QColor("#6b7280")


ALIGN_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
ALIGN_LEFT = int(Qt.AlignLeft | Qt.AlignVCenter)
_DISPLAY, _TOOLTIP, _ALIGN = int(Qt.DisplayRole), int(Qt.ToolTipRole), int(Qt.TextAlignmentRole)
_BACKGROUND, _FOREGROUND, _FONT = int(Qt.BackgroundRole), int(Qt.ForegroundRole), int(Qt.FontRole)
_HORIZONTAL = Qt.Horizontal
# Built once: combining Qt flags in Python costs more than the rest of flags() (a view asks per cell).
_FLAGS, _NO_FLAGS = Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemNeverHasChildren, Qt.NoItemFlags
_ALIGNS = [ALIGN_RIGHT if column >= COL_QTY else ALIGN_LEFT for column in range(len(HEADERS))]


def _font(bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setBold(bold)
    font.setItalic(italic)
    return font


@dataclass(frozen=True)
class _Row:
    """What one line shows, made once per change of the bill: a view asks data() hundreds of times a paint."""

    line_id: str
    code: str
    texts: tuple[str, ...]
    allergens: tuple[str, ...]
    price_source: str
    total: int
    quantity: int
    tooltip: str


class BillModel(QAbstractTableModel):
    def __init__(self, cart: Cart, parent=None):
        super().__init__(parent)
        self._cart = cart
        self._ids: list[str] = [line.id for line in cart.lines]
        self._rows: list[_Row] = self._views()
        self._alert_brush, self._alert_text = QBrush(ALERT_BACKGROUND), QBrush(ALERT_TEXT)
        self._muted = QBrush(MUTED_TEXT)
        self._bold, self._italic = _font(bold=True), _font(italic=True)

    @property
    def cart(self) -> Cart:
        return self._cart

    def _views(self) -> list[_Row]:
        cart = self._cart
        priced_lines = cart.price().lines if cart.lines else []
        money = cart.currency
        rows = []
        for number, (line, priced) in enumerate(zip(cart.lines, priced_lines, strict=False), 1):
            allergens = tuple(cart.flagged_allergens(line))
            name = f"⚠ {line.item.name}  ({', '.join(allergens)})" if allergens else line.item.name
            texts = (str(number), name, str(line.quantity), format_money(priced.unit_price, money),
                     "-" + format_money(priced.discount, money) if priced.discount else "",
                     format_money(priced.total, money))
            tips = [f"{line.item.code} · {line.item.name}"]
            if priced.unit_price != priced.base_price:
                tips.append(f"shelf price {format_money(priced.base_price, money)}, "
                            f"{SOURCE_NOTES.get(priced.price_source, priced.price_source)}")
            if allergens:
                confirmed = set(line.allergens_confirmed)
                state = "confirmed with the customer" if confirmed >= set(allergens) else "NOT yet confirmed"
                tips.append(f"contains {', '.join(allergens)}: {state}")
            rows.append(_Row(line.id, line.item.code, texts, allergens, priced.price_source, priced.total,
                             line.quantity, "\n".join(tips)))
        return rows

    def set_cart(self, cart: Cart) -> None:
        self.beginResetModel()
        self._cart = cart
        self._ids = [line.id for line in cart.lines]
        self._rows = self._views()
        self.endResetModel()

    def refresh(self) -> None:
        """Follow the cart after a change: rows added at the end or removed keep the others' identity."""
        new_ids = [line.id for line in self._cart.lines]
        views = self._views()
        if new_ids[: len(self._ids)] == self._ids and len(new_ids) > len(self._ids):
            self.beginInsertRows(QModelIndex(), len(self._ids), len(new_ids) - 1)
            self._ids, self._rows = new_ids, views
            self.endInsertRows()
        elif new_ids != self._ids:
            kept = [i for i in self._ids if i in set(new_ids)]
            if kept == new_ids:
                for row in reversed(range(len(self._ids))):
                    if self._ids[row] not in set(new_ids):
                        self.beginRemoveRows(QModelIndex(), row, row)
                        del self._ids[row]
                        del self._rows[row]
                        self.endRemoveRows()
            else:
                self.set_cart(self._cart)
                return
        changed = [row for row, (old, new) in enumerate(zip(self._rows, views, strict=False)) if old != new]
        self._rows = views
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), len(HEADERS) - 1))

    def row_of(self, line_id: str) -> int:
        try:
            return self._ids.index(line_id)
        except ValueError:
            return -1

    def line_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    # --- the model interface ---------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()):  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != _HORIZONTAL or not 0 <= section < len(HEADERS):
            return None
        role = int(role)
        if role == _DISPLAY:
            return HEADERS[section]
        return ALIGN_RIGHT if role == _ALIGN and section >= COL_QTY else None

    def flags(self, index):
        return _FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index, role=Qt.DisplayRole):
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._rows) or not 0 <= column < len(HEADERS):
            return None
        view = self._rows[row]
        role = int(role)
        if role == _DISPLAY:
            return view.texts[column]
        if role == _ALIGN:
            return _ALIGNS[column]
        if role == _FONT:
            if column == COL_TOTAL:
                return self._bold
            return self._italic if column == COL_PRICE and view.price_source != "base" else None
        if role == _FOREGROUND:
            if view.allergens and column == COL_ITEM:
                return self._alert_text
            return self._muted if column in (COL_NO, COL_DISCOUNT) else None
        if role == _BACKGROUND:
            return self._alert_brush if view.allergens else None
        if role == _TOOLTIP:
            return view.tooltip
        if role == LineIdRole:
            return view.line_id
        if role == ItemCodeRole:
            return view.code
        if role == AllergenRole:
            return view.allergens
        if role == PriceSourceRole:
            return view.price_source
        if role == AmountRole:
            return view.total
        if role == QuantityRole:
            return view.quantity
        return None

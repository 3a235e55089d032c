"""The bill's lines as a table model: one row per cart line, read from the cart and its current prices."""

from __future__ import annotations

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


class BillModel(QAbstractTableModel):
    def __init__(self, cart: Cart, parent=None):
        super().__init__(parent)
        self._cart = cart
        self._ids: list[str] = [line.id for line in cart.lines]

    @property
    def cart(self) -> Cart:
        return self._cart

    def set_cart(self, cart: Cart) -> None:
        self.beginResetModel()
        self._cart = cart
        self._ids = [line.id for line in cart.lines]
        self.endResetModel()

    def refresh(self) -> None:
        """Follow the cart after a change: rows added at the end or removed keep the others' identity."""
        new_ids = [line.id for line in self._cart.lines]
        if new_ids[: len(self._ids)] == self._ids and len(new_ids) > len(self._ids):
            self.beginInsertRows(QModelIndex(), len(self._ids), len(new_ids) - 1)
            self._ids = new_ids
            self.endInsertRows()
        elif new_ids != self._ids:
            kept = [i for i in self._ids if i in set(new_ids)]
            if kept == new_ids:
                for row in reversed(range(len(self._ids))):
                    if self._ids[row] not in set(new_ids):
                        self.beginRemoveRows(QModelIndex(), row, row)
                        del self._ids[row]
                        self.endRemoveRows()
            else:
                self.set_cart(self._cart)
                return
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(HEADERS) - 1))

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
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        if orientation == Qt.Horizontal and role == Qt.TextAlignmentRole and section >= COL_QTY:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemNeverHasChildren

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids) or not 0 <= index.column() < len(HEADERS):
            return None
        row, column = index.row(), index.column()
        cart = self._cart
        line = cart.lines[row] if row < len(cart.lines) and cart.lines[row].id == self._ids[row] else None
        if line is None:
            return None
        priced = cart.price().lines[row]
        money = cart.currency
        allergens = cart.flagged_allergens(line)
        if role == LineIdRole:
            return line.id
        if role == ItemCodeRole:
            return line.item.code
        if role == AllergenRole:
            return allergens
        if role == PriceSourceRole:
            return priced.price_source
        if role == AmountRole:
            return priced.total
        if role == QuantityRole:
            return line.quantity
        if role == Qt.DisplayRole:
            if column == COL_NO:
                return str(row + 1)
            if column == COL_ITEM:
                text = line.item.name
                if allergens:
                    text = f"⚠ {text}  ({', '.join(allergens)})"
                return text
            if column == COL_QTY:
                return str(line.quantity)
            if column == COL_PRICE:
                return format_money(priced.unit_price, money)
            if column == COL_DISCOUNT:
                return "-" + format_money(priced.discount, money) if priced.discount else ""
            if column == COL_TOTAL:
                return format_money(priced.total, money)
        if role == Qt.ToolTipRole:
            tips = [f"{line.item.code} · {line.item.name}"]
            if priced.unit_price != priced.base_price:
                tips.append(f"shelf price {format_money(priced.base_price, money)}, "
                            f"{SOURCE_NOTES.get(priced.price_source, priced.price_source)}")
            if allergens:
                confirmed = set(line.allergens_confirmed)
                state = "confirmed with the customer" if confirmed >= set(allergens) else "NOT yet confirmed"
                tips.append(f"contains {', '.join(allergens)}: {state}")
            return "\n".join(tips)
        if role == Qt.TextAlignmentRole:
            if column >= COL_QTY:
                return int(Qt.AlignRight | Qt.AlignVCenter)
            return int(Qt.AlignLeft | Qt.AlignVCenter)
        if role == Qt.BackgroundRole and allergens:
            return QBrush(ALERT_BACKGROUND)
        if role == Qt.ForegroundRole:
            if allergens and column == COL_ITEM:
                return QBrush(ALERT_TEXT)
            if column in (COL_NO, COL_DISCOUNT):
                return QBrush(MUTED_TEXT)
        if role == Qt.FontRole and column == COL_TOTAL:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.FontRole and column == COL_PRICE and priced.price_source != "base":
            font = QFont()
            font.setItalic(True)
            return font
        return None

"""The catalogue as a manager edits it: add, edit and deactivate items (code, name, price, barcodes, tax
rate, allergens, tags), and the item list of the items dialog, fast at hundreds of thousands of items.

An item's code and each of its barcodes are what a cashier scans, so none may be another item's code or
barcode. A saved item sells at once: the bill looks items up in the database on every scan.
"""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass

from app import audit, auth, settings
from app.errors import NotFound, ValidationError
from app.money import format_money, parse_money
from app.shop_setup import format_percent, parse_percent, require_head_office
from app.text import normalise_name
from db.models import Barcode, Item, User, database

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$")
BARCODE = re.compile(r"^[A-Za-z0-9._/-]{1,48}$")
MAX_PRICE = 10**11  # minor units; far above any real shelf price
WORD = re.compile(r"^[\w][\w &'-]{0,39}$")


@dataclass
class ItemForm:
    """An item as the form (or a CSV row) gives it: text, not yet checked."""

    code: str
    name: str
    price: str
    barcodes: str = ""
    tax_rate: str | None = None  # percent; None: the shop's default tax rate
    allergens: str = ""
    tags: str = ""
    active: bool = True
    department: str | None = None


@dataclass(frozen=True)
class ItemRecord:
    id: str
    code: str
    name: str
    price: int
    barcodes: tuple[str, ...]
    tax_rate_bp: int
    allergens: tuple[str, ...]
    tags: tuple[str, ...]
    active: bool
    department: str

    def form(self, currency: str) -> ItemForm:
        from app.money import to_decimal

        return ItemForm(self.code, self.name, f"{to_decimal(self.price, currency)}", ", ".join(self.barcodes),
                        format_percent(self.tax_rate_bp), ", ".join(self.allergens), ", ".join(self.tags),
                        self.active, self.department)


def split_list(text: str, what: str, field: str) -> list[str]:
    """'Nuts, gluten;  Dairy' -> ['nuts', 'gluten', 'dairy'] (lowercase, no repeats, order kept)."""
    out: list[str] = []
    for part in re.split(r"[,;]", text or ""):
        word = " ".join(part.split()).lower()
        if not word:
            continue
        if not WORD.match(word):
            raise ValidationError(f"'{part.strip()}' is not a valid {what} (letters, digits, spaces).", field)
        if word not in out:
            out.append(word)
    if len(out) > 20:
        raise ValidationError(f"At most 20 {what}s.", field)
    return out


def clean(form: ItemForm, currency: str, default_rate_bp: int) -> dict:
    """Check a form; the values to store, or ValidationError naming the field."""
    code = (form.code or "").strip()
    if not code:
        raise ValidationError("Type the item's code (what the cashier types or scans).", "code")
    if not CODE.match(code):
        raise ValidationError(f"The code '{code}' may hold letters, digits and . _ / - (at most 32).", "code")
    name = " ".join((form.name or "").split())
    if not name:
        raise ValidationError("Type the item's name.", "name")
    if len(name) > 80:
        raise ValidationError("An item name is at most 80 characters.", "name")
    if not (form.price or "").strip():
        raise ValidationError("Type the price.", "price")
    try:
        price = parse_money(form.price, currency)
    except ValidationError as exc:
        raise ValidationError(exc.message, "price") from None
    if price < 0 or price > MAX_PRICE:
        raise ValidationError("The price cannot be negative or absurdly large.", "price")
    barcodes: list[str] = []
    for part in re.split(r"[,;\s]+", form.barcodes or ""):
        if not part:
            continue
        if not BARCODE.match(part):
            raise ValidationError(f"The barcode '{part}' may hold letters, digits and . _ / -.", "barcodes")
        if part == code:
            raise ValidationError("A barcode must differ from the item's own code.", "barcodes")
        if part not in barcodes:
            barcodes.append(part)
    if len(barcodes) > 20:
        raise ValidationError("At most 20 barcodes per item.", "barcodes")
    rate = default_rate_bp if form.tax_rate is None or not form.tax_rate.strip() else parse_percent(
        form.tax_rate, "The tax rate", "tax_rate")
    return {"code": code, "name": name, "price": price, "barcodes": barcodes, "tax_rate_bp": rate,
            "allergens": split_list(form.allergens, "allergen", "allergens"),
            "tags": split_list(form.tags, "tag", "tags"), "active": bool(form.active),
            "department": " ".join((form.department or "").split())[:40] if form.department is not None else None}


def _check_unique(values: dict, item_id: str | None) -> None:
    """The code and barcodes must not be another item's code or barcode (live rows)."""
    code = values["code"]
    row = database.execute_sql("SELECT id, name FROM item WHERE code = ?", (code,)).fetchone()
    if row and row[0] != item_id:
        raise ValidationError(f"The code {code} belongs to {row[1]}.", "code")
    row = database.execute_sql("SELECT i.name FROM barcode b JOIN item i ON i.id = b.item_id WHERE b.code = ? "
                               "AND b.deleted_at IS NULL AND b.item_id IS NOT ?", (code, item_id)).fetchone()
    if row:
        raise ValidationError(f"{code} is a barcode of {row[0]}: it cannot also be a code.", "code")
    for barcode in values["barcodes"]:
        row = database.execute_sql("SELECT i.name FROM barcode b JOIN item i ON i.id = b.item_id WHERE b.code = ? "
                                   "AND b.deleted_at IS NULL AND b.item_id IS NOT ?", (barcode, item_id)).fetchone()
        if row:
            raise ValidationError(f"The barcode {barcode} belongs to {row[0]}.", "barcodes")
        row = database.execute_sql("SELECT name FROM item WHERE code = ? AND id IS NOT ?",
                                   (barcode, item_id)).fetchone()
        if row:
            raise ValidationError(f"{barcode} is the code of {row[0]}: it cannot also be a barcode.", "barcodes")


def _set_barcodes(item: Item, wanted: list[str]) -> None:
    current = {b.code: b for b in Barcode.live().where(Barcode.item == item)}
    for code, row in current.items():
        if code not in wanted:
            row.delete_instance()
    for code in wanted:
        if code in current:
            continue
        old = Barcode.get_or_none(Barcode.code == code)  # a tombstone keeps the unique code: revive it
        if old is not None:
            old.item, old.deleted_at = item, None
            old.save()
        else:
            Barcode(item=item, code=code).save()


def save_values(item_id: str | None, values: dict, by: User | None, *, action: str | None = None) -> Item:
    """Write checked values (``clean``) in the caller's transaction. Returns the item."""
    _check_unique(values, item_id)
    item = None
    if item_id:
        item = Item.get_or_none((Item.id == item_id) & Item.deleted_at.is_null())
        if item is None:
            raise NotFound("That item is no longer in the catalogue.")
    before = None
    if item is None:
        item = Item(department=values["department"] or "")
    else:
        before = {"code": item.code, "name": item.name, "price": item.price, "tax_rate_bp": item.tax_rate_bp,
                  "active": bool(item.active)}
    item.code, item.name, item.name_norm = values["code"], values["name"], normalise_name(values["name"])
    item.price, item.tax_rate_bp = values["price"], values["tax_rate_bp"]
    item.allergens, item.tags, item.active = values["allergens"], values["tags"], values["active"]
    if values["department"] is not None:
        item.department = values["department"]
    item.save()
    _set_barcodes(item, values["barcodes"])
    after = {"code": item.code, "name": item.name, "price": item.price, "tax_rate_bp": item.tax_rate_bp,
             "active": bool(item.active)}
    if action is None:
        action = "item.create" if before is None else (
            "item.deactivate" if before["active"] and not item.active else "item.update")
    audit.record(by, action, "item", item.id, {"after": after, **({"before": before} if before else {})})
    return item


def save_item(item_id: str | None, form: ItemForm, by: User) -> ItemRecord:
    """Add (``item_id`` None) or edit an item (manager only), in one transaction."""
    auth.require_manager(by, "change the catalogue")
    require_head_office("items and prices")
    shop = settings.shop()
    values = clean(form, shop.currency, shop.default_tax_rate_bp)
    with database.atomic():
        item = save_values(item_id, values, by)
    return get_record(item.id)


def get_record(item_id: str) -> ItemRecord:
    row = database.execute_sql(
        "SELECT id, code, name, price, tax_rate_bp, allergens, tags, active, department FROM item "
        "WHERE id = ? AND deleted_at IS NULL", (item_id,)).fetchone()
    if row is None:
        raise NotFound("That item is no longer in the catalogue.")
    barcodes = tuple(r[0] for r in database.execute_sql(
        "SELECT code FROM barcode WHERE item_id = ? AND deleted_at IS NULL ORDER BY code", (item_id,)))
    return ItemRecord(row[0], row[1], row[2], row[3], barcodes, row[4], tuple(json.loads(row[5] or "[]")),
                      tuple(json.loads(row[6] or "[]")), bool(row[7]), row[8] or "")


# --- the list (ui/items_dialog.py's lazy model) ------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    id: str
    code: str
    name: str
    price: int
    tax_rate_bp: int
    allergens: str
    tags: str
    active: bool


def _upper(prefix: str) -> str:
    return prefix + "\U0010ffff"


SEARCH_LIMIT = 2000  # rows per kind of match; a manager types more to narrow a search


def ids(search: str = "", limit: int = SEARCH_LIMIT) -> array:
    """Item rowids in name order. Empty search: every live item (a walk of the partial index
    ``item_live_name``, no table reads). Otherwise, from indexes only: items whose name starts with the
    text, whose code or a barcode starts with it, and whose name has words starting with each typed word
    (``item_word``, migration 0013); names that start with the text come first."""
    text = (search or "").strip()
    if not text:
        cursor = database.execute_sql("SELECT rowid FROM item WHERE deleted_at IS NULL ORDER BY name_norm")
        return array("q", (r[0] for r in cursor))
    norm = normalise_name(text)
    found: dict[int, str] = {}
    queries = [
        ("SELECT rowid, name_norm FROM item WHERE name_norm >= ? AND name_norm < ? AND deleted_at IS NULL "
         "ORDER BY name_norm LIMIT ?", (norm, _upper(norm), limit)),
        ("SELECT rowid, name_norm FROM item WHERE code >= ? AND code < ? AND deleted_at IS NULL LIMIT ?",
         (text, _upper(text), limit)),
        ("SELECT i.rowid, i.name_norm FROM barcode b JOIN item i ON i.id = b.item_id WHERE b.code >= ? "
         "AND b.code < ? AND b.deleted_at IS NULL AND i.deleted_at IS NULL LIMIT ?", (text, _upper(text), limit)),
    ]
    words = norm.replace("-", " ").split()
    if words and len(found) < limit:
        # the rarest-looking (longest) word drives the scan; the others must also start a word of the name
        words.sort(key=len, reverse=True)
        joins = "".join(f" AND EXISTS (SELECT 1 FROM item_word w{n} WHERE w{n}.item_id = w.item_id AND "
                        f"w{n}.word >= ? AND w{n}.word < ?)" for n in range(1, len(words)))
        params = [words[0], _upper(words[0])]
        for word in words[1:]:
            params += [word, _upper(word)]
        queries.append((f"SELECT i.rowid, i.name_norm FROM item_word w JOIN item i ON i.id = w.item_id "
                        f"WHERE w.word >= ? AND w.word < ?{joins} LIMIT ?", (*params, limit // 2)))
    for sql, params in queries:
        for rowid, name_norm in database.execute_sql(sql, params):
            found.setdefault(rowid, name_norm)
    ordered = sorted(found.items(), key=lambda pair: (not pair[1].startswith(norm), pair[1]))
    return array("q", (rowid for rowid, _ in ordered))


def rows(rowids) -> dict[int, ListRow]:
    rowids = list(rowids)
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    out = {}
    for r in database.execute_sql(
            f"SELECT rowid, id, code, name, price, tax_rate_bp, allergens, tags, active FROM item "
            f"WHERE rowid IN ({marks})", rowids):
        out[r[0]] = ListRow(r[1], r[2], r[3], r[4], r[5], ", ".join(json.loads(r[6] or "[]")),
                            ", ".join(json.loads(r[7] or "[]")), bool(r[8]))
    return out


def rowid_of(item_id: str) -> int | None:
    row = database.execute_sql("SELECT rowid FROM item WHERE id = ?", (item_id,)).fetchone()
    return None if row is None else row[0]


def price_text(price: int, currency: str) -> str:
    return format_money(price, currency)

"""Bulk item import from CSV (``pos-till --db PATH import-items FILE.csv`` and the items dialog).

The header row names the columns, case-insensitively: ``code``, ``name`` and ``price`` are required;
``barcode`` (several separated by spaces or commas), ``tax_rate`` (percent; empty: the shop's default),
``allergens`` and ``tags`` (comma-separated), ``active`` (yes/no) and ``department`` are optional. A row
whose code is already an item's updates that item. Rows that do not validate, or repeat a code, or use a
barcode another item has, are rejected with their line number and the reason; the others are written in
one transaction (each row in its own savepoint), so a failure half-way leaves the database as it was.
Reading the file (UTF-8, size, CSV errors) is app/customer_import.py's ``read_table``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from app import item_bulk, plurals, settings
from app.customer_import import BrokenFile, Rejected, Table, _big_cache, print_result, read_table
from app.errors import TillError
from app.items import ItemForm, clean
from app.shop_setup import require_head_office
from db.ids import new_id
from db.models import database

FIELDS = ("code", "name", "price", "barcode", "tax_rate", "allergens", "tags", "active", "department")
REQUIRED = ("code", "name", "price")
ALIASES = {"barcodes": "barcode", "ean": "barcode", "tax": "tax_rate", "tax rate": "tax_rate", "vat": "tax_rate",
           "tax_rate_percent": "tax_rate", "allergen": "allergens", "tag": "tags", "item": "name",
           "description": "name", "sku": "code", "plu": "code"}
ACTIVE_WORDS = {"": True, "yes": True, "y": True, "true": True, "1": True, "active": True,
                "no": False, "n": False, "false": False, "0": False, "inactive": False}

__all__ = ["BrokenFile", "ItemImportResult", "import_file", "import_table", "read_table"]


@dataclass
class ItemImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        verb = "Would add" if self.dry_run else "Added"
        return (f"{verb} {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
                f"rejected {len(self.rejected)}.")


def auto_mapping(header: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        key = " ".join(name.strip().lower().replace("_", " ").split())
        target = key.replace(" ", "_") if key.replace(" ", "_") in FIELDS else ALIASES.get(key)
        if target and target not in mapping:
            mapping[target] = index
    return mapping


def _form(values: dict[str, str]) -> ItemForm:
    active_text = values.get("active", "").strip().lower()
    if active_text not in ACTIVE_WORDS:
        raise TillError(f"active '{values['active'].strip()}' is not yes or no")
    return ItemForm(code=values.get("code", ""), name=values.get("name", ""), price=values.get("price", ""),
                    barcodes=values.get("barcode", ""), tax_rate=values.get("tax_rate") or None,
                    allergens=values.get("allergens", ""), tags=values.get("tags", ""),
                    active=ACTIVE_WORDS[active_text], department=values.get("department"))


def import_table(table: Table, mapping: dict[str, int] | None = None, by=None, *, dry_run: bool = False,
                 source: str = "") -> ItemImportResult:
    if not dry_run:
        require_head_office("items and prices")
    mapping = auto_mapping(table.header) if mapping is None else mapping
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        raise BrokenFile(f"The required {plurals.plural(len(missing), 'column')} {' and '.join(missing)} "
                         f"{'are' if len(missing) > 1 else 'is'} missing from the header. Nothing was imported.")
    result = ItemImportResult(dry_run=dry_run, ignored_columns=[
        h for i, h in enumerate(table.header) if i not in mapping.values() and h])
    shop = settings.shop()
    currency, default_rate = shop.currency, shop.default_tax_rate_bp
    width = len(table.header)
    checked: list[tuple[int, dict]] = []
    for line, fields in table.rows:
        if len(fields) != width:
            result.rejected.append(Rejected(line, f"has {len(fields)} fields, the header has {width}"))
            continue
        try:
            checked.append((line, clean(_form({f: fields[i] for f, i in mapping.items()}), currency, default_rate)))
        except TillError as exc:
            result.rejected.append(Rejected(line, exc.message))
    with database.atomic() as transaction:
        known = item_bulk.Catalogue([values for _, values in checked])
        plan = item_bulk.Plan()
        claimed: dict[str, str] = {}  # code or barcode -> the item (code and name) of the row that took it
        seen: dict[str, int] = {}
        audits: list[tuple[str, str | None, dict]] = []
        for line, values in checked:
            if values["code"] in seen:
                result.rejected.append(Rejected(line, f"code {values['code']} is already on line {seen[values['code']]}"))
                continue
            try:
                existing = item_bulk.check(values, known, claimed)
            except item_bulk.RowRefused as exc:
                result.rejected.append(Rejected(line, str(exc)))
                continue
            seen[values["code"]] = line
            for code in (values["code"], *values["barcodes"]):
                claimed[code] = f"{values['code']} {values['name']}"
            item_id, action, kind = item_bulk.plan_row(values, existing, known, plan, new_id)
            setattr(result, kind, getattr(result, kind) + 1)
            if kind == "unchanged":
                continue
            audits.append((action, item_id, {"code": values["code"], "price": values["price"], "source": source}))
        result.rejected.sort(key=lambda r: r.line)
        if dry_run:
            transaction.rollback()
            return result
        audits.append(("item.import_file", None, {"source": source, "added": result.added, "updated": result.updated,
                                                   "unchanged": result.unchanged, "rejected": len(result.rejected)}))
        with _big_cache():
            item_bulk.write(plan, audits, by)
    return result


def import_file(path: Path, by=None, *, dry_run: bool = False) -> ItemImportResult:
    table = read_table(Path(path))
    return import_table(table, None, by, dry_run=dry_run, source=Path(path).name)


def cli(till, path) -> int:
    """``pos-till --db PATH import-items FILE.csv``: 0 when the file was read (rejected rows are listed),
    1 when the file is broken and nothing was imported."""
    try:
        result = import_file(Path(path), till.user)
    except BrokenFile as exc:
        print(f"pos-till: {exc.message}", file=sys.stderr)
        return 1
    print_result(result)
    return 0

"""What a manager keeps for pricing beyond profiles: customer categories (VIP, Loyal, Ordinary and the
shop's own, each with a discount and whether it earns loyalty), price lists with their item prices, and
"customer vs item" prices (a fixed price or a discount for one customer on one item).

Every change is one transaction with its audit entry; rows are never removed, only deactivated or
tombstoned, so old bills keep what they referred to.
"""

from __future__ import annotations

from app import audit
from app.auth import require_manager
from app.changes import writes
from app.errors import NotFound, ValidationError
from app.text import normalise_name
from db.ids import derived_id
from db.models import (
    Customer,
    CustomerCategory,
    CustomerItemPrice,
    Item,
    PriceList,
    PriceListEntry,
    User,
    database,
)

MAX_NAME = 60


def _clean_name(name: str, model, current_id: str | None, what: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(f"A {what} needs a name.", "name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"The name is longer than {MAX_NAME} characters.", "name")
    norm = normalise_name(name)
    for other in model.select(model.id, model.name):
        if other.id != current_id and normalise_name(other.name) == norm:
            raise ValidationError(f"There is already a {what} called {other.name}.", "name")
    return name


def _check_bp(value, field: str, what: str = "The discount") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10000:
        raise ValidationError(f"{what} is between 0% and 100%.", field)
    return value


# --- customer categories -------------------------------------------------------------------------------


def all_categories(include_inactive: bool = True) -> list[CustomerCategory]:
    query = CustomerCategory.live().order_by(CustomerCategory.active.desc(), CustomerCategory.name)
    if not include_inactive:
        query = query.where(CustomerCategory.active == True)  # noqa: E712
    return list(query)


@writes("customer_category")
def save_category(by: User | None, *, name: str, discount_bp: int, earns_loyalty: bool, active: bool = True,
                  category_id: str | None = None) -> CustomerCategory:
    require_manager(by, "change customer categories")
    name = _clean_name(name, CustomerCategory, category_id, "category")
    discount_bp = _check_bp(discount_bp, "discount")
    with database.atomic():
        if category_id:
            row = CustomerCategory.get_or_none(CustomerCategory.id == category_id)
            if row is None:
                raise NotFound("That category no longer exists.")
        else:
            row = CustomerCategory()
        before = {"name": row.name, "discount_bp": row.discount_bp, "earns_loyalty": row.earns_loyalty,
                  "active": row.active} if category_id else {}
        row.name, row.discount_bp, row.earns_loyalty, row.active = name, discount_bp, bool(earns_loyalty), bool(active)
        after = {"name": name, "discount_bp": discount_bp, "earns_loyalty": bool(earns_loyalty), "active": bool(active)}
        if before == after:
            return row
        row.save()
        audit.record(by, "category.update" if category_id else "category.create", "customer_category", row.id,
                     {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v})
    return row


# --- price lists ----------------------------------------------------------------------------------------


def all_price_lists(include_inactive: bool = True) -> list[PriceList]:
    query = PriceList.live().order_by(PriceList.active.desc(), PriceList.name)
    if not include_inactive:
        query = query.where(PriceList.active == True)  # noqa: E712
    return list(query)


@writes("price_list")
def save_price_list(by: User | None, *, name: str, active: bool = True, price_list_id: str | None = None) -> PriceList:
    require_manager(by, "change price lists")
    name = _clean_name(name, PriceList, price_list_id, "price list")
    with database.atomic():
        row = PriceList.get_or_none(PriceList.id == price_list_id) if price_list_id else PriceList()
        if row is None:
            raise NotFound("That price list no longer exists.")
        before = {"name": row.name, "active": row.active} if price_list_id else {}
        after = {"name": name, "active": bool(active)}
        if before == after:
            return row
        row.name, row.active = name, bool(active)
        row.save()
        audit.record(by, "price_list.update" if price_list_id else "price_list.create", "price_list", row.id,
                     {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v})
    return row


def price_list_entries(price_list_id: str) -> list[tuple[PriceListEntry, Item]]:
    query = (PriceListEntry.select(PriceListEntry, Item).join(Item)
             .where((PriceListEntry.price_list == price_list_id) & PriceListEntry.deleted_at.is_null())
             .order_by(Item.code))
    return [(e, e.item) for e in query]


def find_item(code: str) -> Item:
    item = Item.get_or_none((Item.code == (code or "").strip()) & Item.deleted_at.is_null())
    if item is None:
        raise ValidationError(f"There is no item with code '{(code or '').strip()}'.", "item")
    return item


@writes("price_list_entry")
def set_list_price(by: User | None, price_list_id: str, item_code: str, price: int | None) -> None:
    """Set (or with ``price=None`` remove) an item's price on a price list."""
    require_manager(by, "change price lists")
    item = find_item(item_code)
    if price is not None and (isinstance(price, bool) or not isinstance(price, int) or price < 0):
        raise ValidationError("A price is an amount of money, not negative.", "price")
    row_id = derived_id("price_list_entry", price_list_id, item.id)
    with database.atomic():
        row = PriceListEntry.get_or_none(PriceListEntry.id == row_id) or PriceListEntry.get_or_none(
            (PriceListEntry.price_list == price_list_id) & (PriceListEntry.item == item))
        if price is None:
            if row is not None and row.deleted_at is None:
                row.delete_instance()
                audit.record(by, "price_list.remove_item", "price_list", price_list_id, {"item": item.code})
            return
        if row is None:
            row = PriceListEntry(id=row_id, price_list=price_list_id, item=item, price=price)
        elif row.price == price and row.deleted_at is None:
            return
        row.price, row.deleted_at = price, None
        row.save()
        audit.record(by, "price_list.set_price", "price_list", price_list_id, {"item": item.code, "price": price})


# --- customer vs item -----------------------------------------------------------------------------------


def customer_item_prices(customer_id: str) -> list[tuple[CustomerItemPrice, Item]]:
    query = (CustomerItemPrice.select(CustomerItemPrice, Item).join(Item)
             .where((CustomerItemPrice.customer == customer_id) & CustomerItemPrice.deleted_at.is_null())
             .order_by(Item.code))
    return [(row, row.item) for row in query]


@writes("customer_item_price")
def set_customer_item_price(by: User | None, customer_id: str, item_code: str, *, price: int | None = None,
                            discount_bp: int | None = None, remove: bool = False) -> None:
    """A fixed price OR a discount for one customer on one item (or remove it)."""
    require_manager(by, "change customer prices")
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or customer.deleted_at is not None:
        raise NotFound("That customer no longer exists.")
    item = find_item(item_code)
    if not remove:
        if (price is None) == (discount_bp is None):
            raise ValidationError("Give either a fixed price or a discount.", "price")
        if price is not None and (isinstance(price, bool) or not isinstance(price, int) or price < 0):
            raise ValidationError("A price is an amount of money, not negative.", "price")
        if discount_bp is not None:
            _check_bp(discount_bp, "discount")
    row_id = derived_id("customer_item_price", customer_id, item.id)
    with database.atomic():
        row = CustomerItemPrice.get_or_none(CustomerItemPrice.id == row_id) or CustomerItemPrice.get_or_none(
            (CustomerItemPrice.customer == customer_id) & (CustomerItemPrice.item == item))
        if remove:
            if row is not None and row.deleted_at is None:
                row.delete_instance()
                audit.record(by, "customer.item_price_removed", "customer", customer_id, {"item": item.code})
            return
        if row is None:
            row = CustomerItemPrice(id=row_id, customer=customer_id, item=item)
        row.price, row.discount_bp, row.deleted_at = price, discount_bp, None
        row.save()
        audit.record(by, "customer.item_price", "customer", customer_id,
                     {"item": item.code, "price": price, "discount_bp": discount_bp})

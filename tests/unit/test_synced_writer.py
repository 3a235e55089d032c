"""db/synced_writer.py: the batch form writes what SyncedModel.save would (row, clock stamp, outbox entry in the
wire format), in the caller's transaction."""

from __future__ import annotations

import pytest

from db import hlc, synced_writer
from db.ids import new_id
from db.models import Customer, Item, Outbox, database
from db.outbox import row_to_wire


def _entries(table: str, row_id: str) -> list[Outbox]:
    return list(Outbox.select().where((Outbox.table_name == table) & (Outbox.row_id == row_id)).order_by(Outbox.seq))


def test_batch_rows_and_outbox_match_what_the_orm_reads_back(fresh_db):
    customer_id, item_id = new_id(), new_id()
    with database.atomic():
        batch = synced_writer.Batch()
        batch.insert(Customer, [{"id": customer_id, "name": "Ana Lopez", "name_norm": "ana lopez", "phone": "+15550100",
                                 "marketing_consent": 1, "photo": b"\x00\xffjpeg"}])
        batch.insert(Item, [{"id": item_id, "code": "A1", "name": "Apple", "name_norm": "apple", "price": 120}])
        batch.write()
    customer, item = Customer.get_by_id(customer_id), Item.get_by_id(item_id)
    assert item.active is True and item.department == ""  # defaults filled as the ORM would
    for row, table in ((customer, "customer"), (item, "item")):
        (entry,) = _entries(table, row.id)
        assert entry.payload == row_to_wire(row)  # booleans as booleans, the photo as base64
        assert entry.hlc == row.updated_at and hlc.well_formed(row.updated_at)
        assert entry.fields == sorted(f.column_name for f in type(row)._meta.sorted_fields)
    assert customer.updated_at < item.updated_at  # stamped in the order added

    before = customer.updated_at
    row = {f.column_name: f.db_value(customer.__data__.get(f.name)) for f in Customer._meta.sorted_fields}
    with database.atomic():
        batch = synced_writer.Batch()
        batch.update(Customer, [(dict(row, email="ana@example.com"), ["email"])])
        batch.write()
    customer = Customer.get_by_id(customer_id)
    latest = _entries("customer", customer_id)[-1]
    assert customer.email == "ana@example.com" and customer.updated_at > before
    assert latest.fields == ["email", "updated_at"] and latest.payload == row_to_wire(customer)


def test_batch_writes_in_the_callers_transaction(fresh_db):
    queued = Outbox.select().count()
    with pytest.raises(RuntimeError), database.atomic():
        batch = synced_writer.Batch()
        batch.insert(Item, [{"id": new_id(), "code": "B1", "name": "Bread", "name_norm": "bread", "price": 250}])
        batch.write()
        raise RuntimeError("the caller fails after the write")
    assert Item.select().where(Item.code == "B1").count() == 0 and Outbox.select().count() == queued


def test_save_and_batch_queue_the_same_entry(fresh_db):
    """The ORM path (SyncedModel.save) and the batch path give the same outbox entry for the same row."""
    item = Item.create(code="C1", name="Cake", name_norm="cake", price=300)
    (saved,) = _entries("item", item.id)
    other_id = new_id()
    with database.atomic():
        batch = synced_writer.Batch()
        batch.insert(Item, [{"id": other_id, "code": "C2", "name": "Cake", "name_norm": "cake", "price": 300}])
        batch.write()
    (batched,) = _entries("item", other_id)
    assert saved.fields == batched.fields
    strip = {"id", "code", "updated_at"}
    assert {k: v for k, v in saved.payload.items() if k not in strip} == {
        k: v for k, v in batched.payload.items() if k not in strip}


def test_an_update_needs_the_whole_row(fresh_db):
    """The payload is the whole row: a partial row is refused before anything is queued."""
    item = Item.create(code="D1", name="Donut", name_norm="donut", price=150)
    row = {f.column_name: f.db_value(item.__data__.get(f.name)) for f in Item._meta.sorted_fields}
    row = {("colour" if k == "department" else k): v for k, v in row.items()}  # as many keys, one not a column
    batch = synced_writer.Batch()
    with pytest.raises(KeyError):
        batch.update(Item, [(dict(row, price=160), ["price"])])
    assert len(batch) == 0

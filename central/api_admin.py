"""The head office's endpoints: list, read, create, change and delete rows of head-office tables."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from central import store
from central.api_deps import Admin, Db
from central.api_models import ADMIN_ERRORS, RowId, Table

router = APIRouter(tags=["head office"], responses=ADMIN_ERRORS)


@router.get("/v1/admin/{table}", response_model=list[dict[str, Any]])
def admin_list(central: Db, table: Table, who: Admin, after: Annotated[str, Query(max_length=64)] = "",
               limit: Annotated[int, Query(ge=1, le=5000)] = 500, include_deleted: bool = False):
    return central.run(lambda conn: store.admin_rows(conn, who.shop_id, table, after, limit, include_deleted),
                       read_only=True)


@router.get("/v1/admin/{table}/{row_id}", response_model=dict[str, Any])
def admin_get(central: Db, table: Table, row_id: RowId, who: Admin):
    return central.run(lambda conn: store.admin_row(conn, who.shop_id, table, row_id), read_only=True)


@router.post("/v1/admin/{table}", response_model=dict[str, Any])
def admin_create(central: Db, table: Table, values: dict[str, Any], who: Admin):
    return central.run(lambda conn: store.admin_write(conn, who.shop_id, table, None, values))


@router.put("/v1/admin/{table}/{row_id}", response_model=dict[str, Any])
def admin_put(central: Db, table: Table, row_id: RowId, values: dict[str, Any], who: Admin):
    return central.run(lambda conn: store.admin_write(conn, who.shop_id, table, row_id, values))


@router.delete("/v1/admin/{table}/{row_id}", response_model=dict[str, Any])
def admin_delete(central: Db, table: Table, row_id: RowId, who: Admin):
    return central.run(lambda conn: store.admin_write(conn, who.shop_id, table, row_id, {}, delete=True))

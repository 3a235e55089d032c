"""What the central store knows about each synced table, from the sync protocol's schema
(central/wire_schema.py, generated from the till's models).

The server keeps every synced row as a JSON document keyed by (shop, table, id); this module tells it, per
table, how a change is decided (the policy), which columns exist with which defaults, and which columns a
till's SQLite file holds unique (so the server never accepts a row that no till could store).

Policies (ARCHITECTURE.md, "Conflicts"):
- ``append``: bills, lines, payments, loyalty entries, audit entries: written once, never changed.
- ``merge``: customers and the rows hanging off them: merged field by field, the later hybrid
  clock stamp wins a field, ties by till id (the stamp's node), the loser is logged.
- ``office``: catalogue, profiles, categories, price lists, loyalty rules, settings, preference
  definitions, staff: decided centrally, changed only by an office till or the head office (roles.py).
  A till's edit is accepted only if the row has not been changed elsewhere since the till last saw it;
  the head office's admin API always applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from central import wire, wire_schema

APPEND, MERGE, OFFICE = "append", "merge", "office"

OFFICE_TABLES = {
    "user", "setting", "price_list", "customer_profile", "customer_category", "loyalty_tier", "item", "barcode",
    "price_list_entry", "preference_definition", "promotion",
}
CONFLICT_TABLE = "conflict_log"
NEVER_DELETED = {"reservation"}  # a booking that will not happen is cancelled, never tombstoned
NOW = object()  # the default of a time column such as created_at: the moment the row is normalised
# Columns the sync machinery owns; never part of a field merge.
SYSTEM_COLUMNS = {"id", "server_version"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # int | bool | text | json | time | blob | fk
    nullable: bool
    default: object  # the db value a missing column gets (None when there is no default)


@dataclass
class TableSpec:
    name: str
    policy: str
    columns: dict[str, Column]
    unique: list[tuple[str, ...]] = field(default_factory=list)  # column groups unique on every till
    references: dict[str, str] = field(default_factory=dict)  # fk column -> table

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)


def _spec(name: str, table: dict) -> TableSpec:
    if table["append_only"]:
        policy = APPEND
    elif name in OFFICE_TABLES:
        policy = OFFICE
    else:
        policy = MERGE
    columns = {c: Column(c, kind, nullable, NOW if default == "$now" else default)
               for c, kind, nullable, default in table["columns"]}
    return TableSpec(name, policy, columns, [tuple(u) for u in table["unique"]], dict(table["references"]))


TABLES: dict[str, TableSpec] = {name: _spec(name, t) for name, t in wire_schema.TABLES.items()}
# Conflicts are decided on the server and flow down to every till like rows of an append-only table.
TABLES[CONFLICT_TABLE] = _spec(CONFLICT_TABLE, wire_schema.CONFLICT_LOG)
# Dependency order (parents first); snapshots go table by table in this order.
TABLE_ORDER: list[str] = [*wire_schema.TABLES, CONFLICT_TABLE]
APPEND_TABLES = [name for name, spec in TABLES.items() if spec.policy == APPEND]
TILL_WRITABLE = set(wire_schema.TABLES)  # tills never push conflict rows


class InvalidRow(ValueError):
    """A pushed or edited row that breaks the table's shape; the message says which column and why."""


_TYPES = {
    "int": (int,), "bool": (bool, int), "text": (str,), "fk": (str,), "json": (str,), "time": (str,),
    "blob": (dict,),
}
_INT_MIN, _INT_MAX = -(2**63), 2**63


def check_value(spec: TableSpec, column: str, value, nul_possible: bool = True) -> None:
    col = spec.columns.get(column)
    if col is None:
        raise InvalidRow(f"{spec.name} has no column '{column}'")
    if value is None:
        return
    kind = col.kind
    if type(value) not in _TYPES[kind]:
        raise InvalidRow(f"{spec.name}.{column} cannot be {type(value).__name__}")
    if kind == "int" and not _INT_MIN <= value < _INT_MAX:
        raise InvalidRow(f"{spec.name}.{column} is out of range")
    if kind == "bool" and value not in (0, 1):
        raise InvalidRow(f"{spec.name}.{column} must be true or false")
    if kind == "blob" and not isinstance(value.get("$b64"), str):
        raise InvalidRow(f"{spec.name}.{column} must be base64 data")
    if nul_possible and isinstance(value, str) and "\x00" in value:
        raise InvalidRow(f"{spec.name}.{column} contains a NUL character")


def normalise_row(spec: TableSpec, payload: dict, nul_possible: bool = True) -> dict:
    """Every column of the table, in order: given values checked, missing ones get their default.
    ``nul_possible`` False: the caller knows no text holds a NUL (the request body had no \\u0000)."""
    columns = spec.columns
    for name in payload:
        if name not in columns:
            unknown = set(payload) - set(columns)
            raise InvalidRow(f"{spec.name} has no column(s) {', '.join(sorted(unknown))}")
    row = {}
    for name, col in columns.items():
        if name in payload:
            value = payload[name]
            if value is not None:
                kind, kind_of_value = col.kind, type(value)
                if kind_of_value is str and kind in _TEXTUAL:
                    if nul_possible and "\x00" in value:
                        check_value(spec, name, value)
                elif not ((kind_of_value is int and kind == "int" and _INT_MIN <= value < _INT_MAX)
                          or (kind_of_value is bool and kind == "bool")):
                    check_value(spec, name, value, nul_possible)
            row[name] = value
        elif col.default is NOW:
            row[name] = wire.now_text()
        else:
            row[name] = col.default
    if not isinstance(row.get("id"), str) or not row["id"] or len(row["id"]) > 64:
        raise InvalidRow(f"{spec.name} row needs a text id of at most 64 characters")
    if spec.name in NEVER_DELETED and row.get("deleted_at") is not None:
        raise InvalidRow(f"a {spec.name} is never deleted: cancel it instead")
    return row


_TEXTUAL = {"text", "fk", "json", "time"}


def unique_values(spec: TableSpec, data: dict) -> list[tuple[str, str]]:
    """(key name, value) for each unique column group of the row whose values are all set."""
    out = []
    if not spec.unique:
        return out
    for group in spec.unique:
        values = [data.get(c) for c in group]
        if any(v is None for v in values):
            continue  # SQLite lets any number of rows hold NULL in a unique column
        out.append(("+".join(group), "\x1f".join(str(v) for v in values)))
    return out

"""Is the central store ready to be sharded by shop (Citus)? Collects every SQL statement the central code
sends (the first argument of ``execute``/``executemany``/``copy`` in ``central/*.py``) and every table the
migrations create, and says which are not single-shop.

The rules (see central/README.md, "Sharding by shop"):
- distributed tables (``DISTRIBUTED``, keyed by shop) have a primary key that starts with the shop column,
  and every statement touching one names the shop: ``shop_id = %s`` (``id = %s`` on ``shop``) in its WHERE,
  or the shop column in its INSERT/COPY column list;
- reference tables (``REFERENCE``) are global, small and rarely written (Citus copies them to every node);
- no sequences, serials or identity columns (a per-shop counter in the shop row gives versions);
- PostgreSQL's own views (``pg_*``: replication status and the like) are not the store's;
- the few statements that are global on purpose are listed in ``EXCEPTIONS`` with the reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

CENTRAL = Path(__file__).resolve().parent

# table -> its shop column (the Citus distribution column)
DISTRIBUTED = {"shop": "id", "till": "shop_id", "sync_row": "shop_id", "sync_key": "shop_id",
               "sync_op": "shop_id"}
REFERENCE = {"access_token", "central_meta"}

# statement fragment (whitespace-normalised, lower case) -> why it may touch several shops
EXCEPTIONS = {
    "from shop where name = %s": "a shop is found by its name only when a command names it (enroll, admin "
                                 "CLI), not per request; on Citus the lookup fans out to every node",
    "insert into shop (id, name) values (%s, %s) on conflict (name) do nothing":
        "creating a shop (rare); on Citus the unique name lives in a reference table (README)",
    "join shop s on s.id = t.shop_id": "token lookup: the token row (reference table) gives the shop; the "
                                       "join is co-located on that shop",
    "select 1": "health check",
}

_CALLS = {"execute", "executemany", "copy"}
_TABLE_REF = re.compile(r"\b(?:from|join|update|into|copy)\s+([a-z_][a-z0-9_]*)", re.I)


@dataclass(frozen=True)
class Statement:
    where: str  # file:line
    sql: str

    @property
    def normal(self) -> str:
        return " ".join(self.sql.split()).lower()


def _text(node: ast.AST) -> str | None:
    """The SQL text of an argument: literals, f-strings (placeholders as {}), + and a ? b : c (both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.IfExp):
        body, other = _text(node.body), _text(node.orelse)
        return None if body is None or other is None else body + " " + other
    return None


def statements(paths: list[Path] | None = None) -> list[Statement]:
    out = []
    for path in paths or sorted(CENTRAL.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _CALLS and node.args):
                sql = _text(node.args[0])
                if sql is not None and re.match(r"\s*(select|insert|update|delete|copy|with)\b", sql, re.I):
                    out.append(Statement(f"{path.name}:{node.lineno}", sql))
    return out


def _exception(stmt: Statement) -> str | None:
    for fragment, reason in EXCEPTIONS.items():
        if fragment in stmt.normal:
            return reason
    return None


def problems_of(stmt: Statement) -> list[str]:
    """Why ``stmt`` is not single-shop (empty when it is, or when it is a documented exception)."""
    if _exception(stmt):
        return []
    sql = stmt.normal
    tables = {t.lower() for t in _TABLE_REF.findall(sql) if not t.lower().startswith("pg_")} - {"set", "stdin"}
    unknown = tables - DISTRIBUTED.keys() - REFERENCE
    out = [f"{stmt.where}: table {t} is neither distributed by shop nor a reference table" for t in sorted(unknown)]
    for table in sorted(tables & DISTRIBUTED.keys()):
        column = DISTRIBUTED[table]
        if re.match(rf"(insert\s+into|copy)\s+{table}\s*\(", sql):
            columns = sql.split("(", 1)[1].split(")", 1)[0]
            if column not in [c.strip() for c in columns.split(",")]:
                out.append(f"{stmt.where}: writes {table} without its shop column {column}")
            continue
        # a filter on the shop column with a value: "shop_id = %s", "l.shop_id = %s", "id = %s" on shop
        if not re.search(rf"(?<![a-z_])(?:[a-z]+\.)?{column}\s*=\s*(%s|%\(\w+\)s)", sql):
            out.append(f"{stmt.where}: touches {table} without a {column} = %s filter: {stmt.sql.strip()[:120]}")
    return out


def schema_problems(sql_files: list[Path] | None = None) -> list[str]:
    """Distributed tables keyed by shop first; nothing global that is not a reference table; no sequences."""
    out = []
    for path in sql_files or sorted((CENTRAL / "migrations").glob("*.sql")):
        text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        if re.search(r"\b(serial|bigserial|smallserial|create\s+sequence|generated\s+\w*\s*as\s+identity|nextval)\b",
                     text, re.I):
            out.append(f"{path.name}: uses a sequence (versions and cursors come from the shop row)")
        for name, body in re.findall(r"create\s+table\s+(?:if\s+not\s+exists\s+)?(\w+)\s*\((.*?)\);", text,
                                     re.I | re.S):
            name = name.lower()
            if name in REFERENCE:
                continue
            if name not in DISTRIBUTED:
                out.append(f"{path.name}: table {name} is neither distributed by shop nor a reference table")
                continue
            column = DISTRIBUTED[name]
            key = re.search(r"primary\s+key\s*\(([^)]*)\)", body, re.I)
            inline = re.search(rf"\b{column}\s+\w+\s+primary\s+key", body, re.I)
            if not inline and not (key and key.group(1).split(",")[0].strip().lower() == column):
                out.append(f"{path.name}: {name}'s primary key does not start with {column}")
    return out


def problems() -> list[str]:
    out = schema_problems()
    for stmt in statements():
        out.extend(problems_of(stmt))
    return out


def citus_script() -> str:
    """The statements that turn this schema into a Citus one (run once, on the coordinator, after migrate)."""
    lines = ["ALTER TABLE access_token DROP CONSTRAINT IF EXISTS access_token_shop_id_fkey;",
             "ALTER TABLE shop DROP CONSTRAINT IF EXISTS shop_name_key;"]
    lines += [f"SELECT create_reference_table('{t}');" for t in sorted(REFERENCE)]
    lines.append("SELECT create_distributed_table('shop', 'id');")
    lines += [f"SELECT create_distributed_table('{t}', '{c}', colocate_with => 'shop');"
              for t, c in DISTRIBUTED.items() if t != "shop"]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    found = problems()
    print("\n".join(found) or "every central statement is single-shop")
    sys.exit(1 if found else 0)

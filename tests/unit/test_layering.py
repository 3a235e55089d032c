"""app/ and db/ never import Qt widgets: the same rules run in the till, the CLI and tests."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_does_not_import_qt_widgets():
    offenders = []
    for package in ("app", "db"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                if any(n.startswith(("PySide6.QtWidgets", "PySide6.QtGui", "ui")) and not n.startswith("uid")
                       for n in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    # app/main.py starts the GUI by importing ui lazily inside functions: that is the one allowed place
    offenders = [o for o in offenders if not o.startswith("app/main.py")]
    assert offenders == []


# --- ui/ reads and writes through app/, never db/ ---------------------------------------------------------------


def test_ui_does_not_import_db():
    """No ui/ module imports db/ (models, fields, ids, outbox, integrity, errors), at the top or inside a
    function. What a screen shows comes from app/ read services as plain values or rows they return (e.g.
    app.customer_card for the customer view); what it writes goes through app/ write services run by ui.ops.
    The few db/ things the UI honestly needs are offered by app/: ``app.errors.TillDatabaseError`` (opening
    the till raises it), ``Till.pending_changes`` / ``Till.check_integrity`` / ``Till.damaged_message``,
    ``returns.new_return_id``, ``dates.stored``. Model instances an app/ service returns may be read (their
    attributes), not imported, queried or written."""
    offenders = []
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            if any(n == "db" or n.startswith("db.") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# --- ui/ writes only through operations (ui/ops.py) ------------------------------------------------------------

# calls that open a transaction or write rows whatever they are called on
WRITE_CALLS = {"atomic", "transaction", "delete_instance", "execute_sql", "insert", "insert_many", "replace_many",
               "bulk_create", "bulk_update"}
# ``x.save()`` is a model write except on these receivers: a dialog's own ``self.save()`` (its save button),
# QPainter.save() (painter state) and QImage.save(buffer, ...) (encoding a photo before it is stored)
SAVE_RECEIVERS = {"self", "painter", "image"}
# writes still made on the UI thread, each with why it is not an operation yet; an entry that no longer
# occurs fails the test, so the list only shrinks. Empty since issue 16: every UI write is an operation
# (a caller that needs the answer first continues in the op's success callback). Keep it empty.
ALLOWED_UI_WRITES: dict[str, str] = {}


def _write_services() -> set[str]:
    """``module.function`` of every function in app/ marked ``@writes(...)`` (app/changes.py)."""
    found = set()
    for path in (ROOT / "app").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and getattr(d.func, "id", getattr(d.func, "attr", "")) == "writes"
                    for d in node.decorator_list):
                found.add(f"{module}.{node.name}")
    return found


def _ui_writes() -> set[str]:
    services = _write_services()
    assert {"app.customers.save_form", "app.billing.complete_sale", "app.settings_save.save"} <= services
    found = set()
    for path in (ROOT / "ui").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {}  # local name -> what it stands for (an app module or an app function)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("app", "db"):
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    names[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr == "submit" and isinstance(func.value, ast.Attribute)
                    and func.value.attr == "writes" and rel != "ui/ops.py"):
                found.add(f"{rel}: writes.submit")  # a job on the write worker without its Changes: use ops.write
            if isinstance(func, ast.Attribute):
                receiver = func.value.id if isinstance(func.value, ast.Name) else None
                target = f"{names.get(receiver, receiver)}.{func.attr}"
                if func.attr in WRITE_CALLS or (func.attr == "save" and receiver not in SAVE_RECEIVERS):
                    found.add(f"{rel}: {receiver}.{func.attr}")
                elif target in services:
                    found.add(f"{rel}: {target}")
                elif receiver in names and names[receiver].startswith("db.models.") and func.attr in (
                        "create", "update", "delete", "insert"):
                    found.add(f"{rel}: {receiver}.{func.attr}")
            elif isinstance(func, ast.Name) and names.get(func.id) in services:
                found.add(f"{rel}: {names[func.id]}")
    return found


def test_ui_writes_only_through_operations():
    """A ui/ module never opens a transaction, writes a model or calls a write service (a function marked
    @writes in app/) itself, nor submits a job to the write worker directly: it hands the service to
    ``ui.ops.write``, which runs it on the write worker and announces what changed. Passing
    ``customers.save_form`` to an op is not a call; calling it is."""
    found = _ui_writes()
    assert sorted(found - set(ALLOWED_UI_WRITES)) == []
    assert sorted(set(ALLOWED_UI_WRITES) - found) == []  # moved to an op: take it off the list


# --- central/ stands apart from the till's app/ and ui/ -------------------------------------------------------


# The only till modules the central may import: the hybrid clock's stamp format and UUIDv7 ids, two small pure
# modules (no database, no model). Tables come from the wire schema (central/wire_schema.py, central/wire.py).
CENTRAL_MAY_IMPORT_FROM_DB = {"db", "db.hlc", "db.ids", "db.pins", "db.text", "db.utc"}  # formats both sides share


def test_central_does_not_import_the_tills_app_or_ui_at_import_time():
    """Importing every central module pulls in no module of app/ or ui/ (the server is installed without the
    till's rules and widgets), and of db/ only the clock and ids: no models, fields or migrations, no peewee."""
    import subprocess
    import sys

    modules = sorted(f"central.{p.stem}" for p in (ROOT / "central").glob("*.py") if p.stem != "__main__")
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('app', 'ui', 'peewee', 'playhouse')))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'db'))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    till_side, db_modules = out.stdout.strip().splitlines()
    assert till_side == "[]"
    assert set(eval(db_modules)) <= CENTRAL_MAY_IMPORT_FROM_DB


def test_central_has_no_top_level_import_of_app_or_ui():
    offenders = []
    for path in (ROOT / "central").rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only: the import-time graph
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("app", "ui") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_central_reads_no_till_model_at_all():
    """Not even lazily: central/ imports nothing of app/ or ui/, and from db/ only the formats both sides share
    (clock, ids, the PIN rule, the name key; the tables are the wire schema's)."""
    offenders = []
    for path in (ROOT / "central").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] if node.module != "db" else [f"db.{a.name}" for a in node.names]
            if any(n.split(".")[0] in ("app", "ui") or n.split(".")[0] == "db" and n not in CENTRAL_MAY_IMPORT_FROM_DB
                   for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# --- synced rows are written by one writer (db/synced_writer.py) -------------------------------------------------

WRITER = "db/synced_writer.py"
# SQL that writes a table (keywords in capitals, as this code writes them); ``?``: a table named at run time
_SQL_WRITE = re.compile(r'\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|DELETE\s+FROM)\s+"?(\w+|\?)'
                        r'|\bUPDATE\s+"?(\w+|\?)"?\s+SET\b')
# modules that write synced tables without queuing the change, and why
ALLOWED_UNQUEUED_WRITES: dict[str, str] = {
    "app/sync/apply.py": "rows pulled from the central store are written as the store sent them: nothing to send back",
    "app/sync/quarantine.py": "a pulled row SQLite refused is set aside; a row the store never held is withdrawn "
                              "(tombstoned without an outbox entry, the store never had it)",
    "app/privacy.py": "an erased customer's name is scrubbed from audit details in place (this till's copy); the "
                      "queued copies are rewritten through synced_writer.rewrite_queued",
}


def _sql_text(node) -> str | None:
    """A string literal, or an f-string with its holes as ``?`` (a table named at run time)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "?" for v in node.values)
    return None


def _synced_writes() -> tuple[set[str], set[str]]:
    """(outbox writes, synced-table writes) outside the writer, as ``path: what``."""
    from db.models import SYNCED_MODELS

    tables = {m._meta.table_name for m in SYNCED_MODELS}
    classes = {m.__name__ for m in SYNCED_MODELS}
    outbox, synced = set(), set()
    for package in ("app", "ui", "db"):
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel == WRITER:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                text = _sql_text(node)
                for match in _SQL_WRITE.finditer(text or ""):
                    verb, table = match.group(0).split()[0], (match.group(1) or match.group(2)).lower()
                    if table == "outbox":  # taking answered changes out or marking them is the sync engine's
                        if verb in ("INSERT", "REPLACE") or re.search(r"\bpayload\s*=", text, re.IGNORECASE):
                            outbox.add(f"{rel}: {verb} outbox")
                    elif table in tables or table == "?":
                        synced.add(f"{rel}: {verb} {table}")
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
                        node.func.value, ast.Name):
                    receiver, attr = node.func.value.id, node.func.attr
                    if receiver == "Outbox" and (attr in ("create", "insert", "insert_many", "replace", "replace_many")
                                                 or attr == "update" and any(k.arg == "payload" for k in node.keywords)):
                        outbox.add(f"{rel}: Outbox.{attr}")
                    elif receiver in classes and attr in ("insert", "insert_many", "update", "delete", "replace",
                                                          "replace_many", "bulk_create", "bulk_update"):
                        synced.add(f"{rel}: {receiver}.{attr}")
    return outbox, synced


def test_synced_rows_are_written_by_the_one_writer():
    """Only db/synced_writer.py puts changes in the outbox (SyncedModel.save and the batch form used by the
    sale, void, return and the imports call it); outside it, a synced table is written without the outbox
    only where ALLOWED_UNQUEUED_WRITES says why."""
    outbox, synced = _synced_writes()
    assert sorted(outbox) == []
    offenders = sorted(w for w in synced if w.split(":")[0] not in ALLOWED_UNQUEUED_WRITES)
    assert offenders == []
    assert sorted(set(ALLOWED_UNQUEUED_WRITES) - {w.split(":")[0] for w in synced}) == []  # list only shrinks


def test_the_writer_check_sees_an_outbox_insert():
    """The check above is not blind: the code the sale used before the one writer is caught."""
    before = ast.parse('cursor.executemany(\'INSERT INTO "outbox" ("op_id") VALUES (?)\', rows)\n'
                       "Outbox.create(table_name='bill')\nBill.insert(id='x').execute()\n"
                       "cursor.execute(f'UPDATE \"{table}\" SET a = 1')\n")
    texts = [_sql_text(n) for n in ast.walk(before)]
    assert any(t and _SQL_WRITE.search(t).group(1) == "outbox" for t in texts)
    assert any(t and t.startswith("UPDATE") and _SQL_WRITE.search(t).group(2) == "?" for t in texts)
    assert _SQL_WRITE.search("Update (F4) saves the printer") is None

"""app/ and db/ never import Qt widgets: the same rules run in the till, the CLI and tests."""

import ast
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


def test_central_does_not_import_the_tills_app_or_ui_at_import_time():
    """Importing every central module pulls in no module of app/ or ui/ (the server is installed without the
    till's rules and widgets). It still reads the table specs from db.models (see central/tables.py)."""
    import subprocess
    import sys

    modules = sorted(f"central.{p.stem}" for p in (ROOT / "central").glob("*.py") if p.stem != "__main__")
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('app', 'ui')))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


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

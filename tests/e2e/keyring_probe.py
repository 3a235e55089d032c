"""A keyring backend for the frozen till, given to it through TILL_KEYRING_BACKEND_FILE (a frozen app
ignores PYTHONPATH): the FileKeyring of tests/memory_keyring.py, loaded from its file.

Being code that runs inside the frozen app, it also reports on it when asked:
- $TILL_KEYRING_REPORT: which keyring backends the frozen app carries and what each says of itself;
- $TILL_FROZEN_IMPORT_REPORT: imports every module of app/, ui/ and db/ and uses the libraries that are
  loaded lazily (receipt printer, charts, printing, PDF, phone metadata), recording what fails.
"""

import importlib
import importlib.util
import json
import os
import pkgutil
import tempfile
import traceback
from importlib import metadata
from pathlib import Path

_spec = importlib.util.spec_from_file_location("memory_keyring", Path(__file__).resolve().parents[1] / "memory_keyring.py")
_memory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_memory)
FileKeyring = _memory.FileKeyring

BACKENDS = {"keyring.backends.SecretService": "Keyring", "keyring.backends.Windows": "WinVaultKeyring",
            "keyring.backends.macOS": "Keyring", "keyring.backends.chainer": "ChainerBackend",
            "keyring.backends.fail": "Keyring"}


def _report(path: str) -> None:
    found = {}
    for name, class_name in BACKENDS.items():
        try:
            backend = getattr(importlib.import_module(name), class_name)
        except Exception as exc:
            found[name] = {"imported": False, "error": f"{type(exc).__name__}: {exc}"}
            continue
        try:
            found[name] = {"imported": True, "priority": backend.priority}
        except Exception as exc:  # not usable here (no D-Bus session, not Windows ...): say why
            found[name] = {"imported": True, "error": f"{type(exc).__name__}: {exc}"}
    found["entry_points"] = sorted(ep.name for ep in metadata.entry_points(group="keyring.backends"))
    Path(path).write_text(json.dumps(found))


def _use_lazy_libraries() -> None:
    from escpos.printer import Dummy  # reads its capabilities.json

    printer = Dummy()
    printer.text("The Till\n")
    printer.barcode("4006381333931", "EAN13")
    assert printer.output
    import phonenumbers

    assert phonenumbers.is_valid_number(phonenumbers.parse("+44 20 7946 0958"))
    from email_validator import validate_email  # with the IDNA tables for international domains

    assert validate_email("josé@bücher.de", check_deliverability=False).ascii_domain == "xn--bcher-kva.de"
    from app import money  # babel's CLDR data files: a shop in Germany, one in Kuwait

    money.use_locale("de_DE")
    try:
        assert money.format_money(123450, "EUR") == "1.234,50\xa0€", money.format_money(123450, "EUR")
        assert money.parse_money("12,50", "EUR") == 1250 and money.minor_digits("KWD") == 3
    finally:
        money.use_locale("en_US")
    from argon2.low_level import Type, hash_secret_raw  # argon2-cffi's compiled binding (PIN hashes)

    assert len(hash_secret_raw(b"1234", b"shop-salt-16byte", 2, 1024, 1, 32, Type.ID)) == 32
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        from PySide6.QtCharts import QChart, QChartView, QLineSeries
        from PySide6.QtGui import QPdfWriter, QTextDocument
        from PySide6.QtPrintSupport import QPrinter

        series = QLineSeries()
        series.append(0, 1)
        chart = QChart()
        chart.addSeries(series)
        QChartView(chart).grab()
        QPrinter()
        with tempfile.TemporaryDirectory() as tmp:
            pdf = os.path.join(tmp, "receipt.pdf")
            writer = QPdfWriter(pdf)
            document = QTextDocument()
            document.setHtml("<h1>The Till</h1>")
            document.print_(writer)
            del writer
            assert os.path.getsize(pdf) > 0


def _import_everything(path: str) -> None:
    failures = {}
    imported = []
    for package in ("app", "ui", "db"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if info.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(info.name)
                imported.append(info.name)
            except Exception:
                failures[info.name] = traceback.format_exc()
    try:
        _use_lazy_libraries()
    except Exception:
        failures["lazy libraries"] = traceback.format_exc()
    Path(path).write_text(json.dumps({"imported": imported, "failures": failures}))


if os.environ.get("TILL_KEYRING_REPORT"):
    _report(os.environ["TILL_KEYRING_REPORT"])
if os.environ.get("TILL_FROZEN_IMPORT_REPORT"):
    _import_everything(os.environ["TILL_FROZEN_IMPORT_REPORT"])

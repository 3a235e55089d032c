"""Issue 11, item 4: personal data stays in the encrypted file. The log names no customer and is 0600,
exports are 0600 with formula-looking cells neutralised (and the import reads them back), and an erasure
takes the person out of the audit log's details too."""

from __future__ import annotations

import csv
import logging
import stat

from app import customer_import, export, privacy
from app.logs import setup_logging
from db.models import AuditLog, Customer, Outbox, User


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_log_is_private_and_masks_phones_and_emails(tmp_path):
    folder = tmp_path / "log"
    folder.mkdir()
    (folder / "till.log").write_text("an older version's line\n")
    (folder / "till.log").chmod(0o644)
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    path = setup_logging(directory=folder)
    try:
        logging.getLogger("app.test").warning("customer %s gave up phone %s and %s", "0193abcd-0000-7000-8000-00000000abcd",
                                              "+15550100001", "emily.roberts@example.com")
        try:
            raise ValueError("'+1 555 010 0001' is not a phone number")
        except ValueError:
            logging.getLogger("app.test").exception("failed")
    finally:
        for handler in root.handlers:
            handler.flush()
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
    text = path.read_text()
    assert "0193abcd-0000-7000-8000-00000000abcd" in text  # customers by id
    assert "+1555" not in text and "555 010" not in text and "emily" not in text
    assert text.count("[phone]") == 3 and "[email]" in text  # the message, the traceback's line and its error
    assert _mode(path) == 0o600


def test_exports_are_private_and_formulas_are_neutralised(demo_db, tmp_path):
    manager = User.get(User.name == "Manager")
    emily = Customer.get(Customer.phone == "+15550100001")
    Customer.update(notes="=HYPERLINK(\"http://x\",\"y\")").where(Customer.id == emily.id).execute()
    Customer.create(name="=cmd|' /C calc'!A0", name_norm="cmd", phone="+15557009999", notes="@SUM(1)")
    target = tmp_path / "customers.csv"
    export.export_customers(target, by=manager)
    assert _mode(target) == 0o600
    rows = {r["phone"]: r for r in csv.DictReader(target.read_text(encoding="utf-8").splitlines())}
    assert rows["'+15557009999"]["name"] == "'=cmd|' /C calc'!A0"
    assert rows["'+15557009999"]["notes"] == "'@SUM(1)"
    assert rows["'+15550100001"]["notes"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert all(not value.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows.values() for value in r.values())
    # the import takes the apostrophes off again: the file reads back as the same customers
    result = customer_import.import_file(target)
    assert result.rejected == [] and result.updated == 0 and result.added == 0
    sales = tmp_path / "sales.csv"
    import datetime as dt

    export.export_sales(sales, dt.date(2000, 1, 1), dt.date.today(), by=manager)
    assert _mode(sales) == 0o600
    json_path, csv_path = privacy.export_customer(emily.id, tmp_path, manager)
    assert _mode(json_path) == _mode(csv_path) == 0o600


def test_a_cell_starting_with_tab_or_cr_is_neutralised_too():
    from app.private_files import safe_cell, unneutralise

    for text in ("\tx", "\rx", "-1+1", "+1", "=1", "@x"):
        assert safe_cell(text) == "'" + text and unneutralise(safe_cell(text)) == text
    assert safe_cell("plain") == "plain" and safe_cell(-5) == -5 and unneutralise("'quoted") == "'quoted"


def test_erasure_takes_the_person_out_of_audit_details(demo_db, tmp_path):
    manager = User.get(User.name == "Manager")
    emily = Customer.get(Customer.phone == "+15550100001")
    privacy.export_customer(emily.id, tmp_path, manager)  # audit: file names "emily-roberts-…"
    source = tmp_path / "emily-roberts.csv"
    source.write_text("name,phone,notes\nEmily Roberts,+1 555 010 0001,changed note\n", encoding="utf-8")
    customer_import.import_file(source, manager)  # audit: source "emily-roberts.csv"
    before = AuditLog.select().count()
    privacy.erase(emily.id, manager)
    entries = list(AuditLog.select())
    assert len(entries) == before + 1  # every entry kept, the erasure added
    text = " ".join(str(e.detail) for e in entries).lower()
    for needle in ("emily", "roberts", "5550100001", "emily.roberts@example.com"):
        assert needle not in text, needle
    actions = {e.action for e in entries if e.entity_id == emily.id}
    assert {"customer.export", "customer.erase"} <= actions  # the fact of each action stays
    queued = [o.payload for o in Outbox.select().where(Outbox.table_name == "audit_log")]
    assert queued and not any("emily" in str(p).lower() for p in queued)

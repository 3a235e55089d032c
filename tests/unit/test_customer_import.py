"""CSV customer import: exact counts, rejected rows with line numbers, nothing half-imported from a broken
file, duplicates inside the file and against the database, and the pos-till subcommand."""

from __future__ import annotations

import pytest
from test_cli import run_till

from app import customer_import
from app.customer_import import BrokenFile
from db.models import AuditLog, Customer, Outbox


def _write(tmp_path, text: str, name="customers.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _snapshot():
    return (Customer.select().count(), Outbox.select().count(), AuditLog.select().count())


def test_counts_and_rejected_rows_are_exact_and_only_accepted_rows_are_stored(demo_db, tmp_path):
    before = Customer.select().count()
    path = _write(tmp_path, (
        "Name,PHONE,Email,Status,Date_of_Birth,Notes,Loyalty card\n"        # line 1
        "Ana Lopez,+1 555 700 0001,ana@example.com,active,1990-04-01,likes oat milk,X1\n"  # 2 added
        "Bo Chen,(555) 700-0002,,inactive,,,\n"                              # 3 added
        ",+1 555 700 0003,,,,,\n"                                            # 4 rejected: name
        "Cy Doe,12,,,,,\n"                                                    # 5 rejected: phone
        "Di Roe,+1 555 700 0004,not-an-email,,,,\n"                          # 6 rejected: email
        "Ed Poe,+1 555 700 0005,,sometimes,,,\n"                             # 7 rejected: status
        "Fy Loe,+1 555 700 0006,,,31/12/1980,,\n"                            # 8 rejected: date
        "Gus Moe,555.700.0001,,,,,\n"                                        # 9 rejected: same phone as line 2
        "Emily R. Roberts,+1 555 010 0001,,,,,\n"                            # 10 updated (in the database)
        "Michael Chen,+1 555 010 0002,michael.chen@example.com,inactive,,,\n"  # 11 unchanged
        "Hal Noe,+1 555 700 0007,,,,card 4111 1111 1111 1111,\n"             # 12 rejected: card number
        "Ivy Koe,+1 555 700 0008\n"                                          # 13 rejected: field count
        "\n"
        "Jo Yoe,+1 555 700 0009,JO@Example.COM,,,,\n"                        # 15 added
    ))
    result = customer_import.import_file(path, allow_renames=True)
    assert (result.added, result.updated, result.unchanged) == (3, 1, 1)
    assert [(r.line, r.reason.split(" ")[0]) for r in result.rejected] == [
        (4, "name"), (5, "'12'"), (6, "'not-an-email'"), (7, "status"), (8, "date"), (9, "phone"), (12, "notes"),
        (13, "has")]
    assert "already on line 2" in result.rejected[5].reason
    assert result.ignored_columns == ["Loyalty card"]
    assert Customer.select().count() == before + 3
    ana = Customer.get(Customer.phone == "+15557000001")
    assert (ana.name, ana.email, ana.date_of_birth, ana.notes) == ("Ana Lopez", "ana@example.com", "1990-04-01",
                                                                     "likes oat milk")
    assert Customer.get(Customer.phone == "+15557000002").status == "inactive"
    assert Customer.get(Customer.phone == "+15557000009").email == "jo@example.com"
    assert Customer.get(Customer.phone == "+15550100001").name == "Emily R. Roberts"
    for phone in ("+15557000003", "+15557000004", "+15557000005", "+15557000006", "+15557000007"):
        assert Customer.get_or_none(Customer.phone == phone) is None
    # every change is queued for sync and audited
    ana_changes = Outbox.select().where((Outbox.table_name == "customer") & (Outbox.row_id == ana.id))
    assert ana_changes.count() == 1 and ana_changes.get().payload["phone"] == "+15557000001"
    assert AuditLog.select().where((AuditLog.entity_id == ana.id) & (AuditLog.action == "customer.import")).exists()
    # the imported row reads back through the models like any other
    assert Customer.get_by_id(ana.id).created_at is not None


def test_wrong_encoding_imports_nothing(demo_db, tmp_path):
    before = _snapshot()
    path = _write(tmp_path, "name,phone\nJosé Núñez,+1 555 700 0100\nZoë,+1 555 700 0101\n", encoding="latin-1")
    with pytest.raises(BrokenFile) as err:
        customer_import.import_file(path)
    assert "not UTF-8" in err.value.message and "line 2" in err.value.message
    assert _snapshot() == before


@pytest.mark.parametrize("header, missing", [("name,email", "phone"), ("Phone,Email", "name"),
                                             ("email,notes", "name and phone")])
def test_missing_required_columns_imports_nothing(demo_db, tmp_path, header, missing):
    before = _snapshot()
    path = _write(tmp_path, f"{header}\nA,B\n")
    with pytest.raises(BrokenFile) as err:
        customer_import.import_file(path)
    assert f"required column{'s' if ' and ' in missing else ''} {missing}" in err.value.message
    assert _snapshot() == before


def test_broken_csv_and_empty_file_import_nothing(demo_db, tmp_path):
    before = _snapshot()
    for text in ['name,phone\n"Ann,+1 555 700 0200\nBo,+1 555 700 0201\n', "", "name,phone,name\nA,1,B\n"]:
        with pytest.raises(BrokenFile):
            customer_import.import_file(_write(tmp_path, text))
    assert _snapshot() == before


def test_duplicate_phones_inside_the_file_and_against_the_database(demo_db, tmp_path):
    path = _write(tmp_path, "name,phone\nNew One,+1 555 700 0300\nNew Two,+1 (555) 700-0300\n"
                            "Emily Roberts,555-010-0001\nEmily Again,+15550100001\n")
    before = Customer.select().count()
    result = customer_import.import_file(path)
    assert (result.added, result.updated, result.unchanged) == (1, 0, 1)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "phone +15557000300 is already on line 2"), (5, "phone +15550100001 is already on line 4")]
    assert Customer.select().count() == before + 1
    assert Customer.select().where(Customer.phone == "+15550100001").count() == 1


def test_semicolon_files_and_a_dry_run(demo_db, tmp_path):
    path = _write(tmp_path, "\ufeffNAME;PHONE;STATUS\nAl Semi;+1 555 700 0400;inactive\n")
    before = _snapshot()
    result = customer_import.import_file(path, dry_run=True)
    assert (result.added, result.dry_run) == (1, True) and _snapshot() == before
    assert customer_import.import_file(path).added == 1
    assert Customer.get(Customer.phone == "+15557000400").status == "inactive"


def _big_file(tmp_path, rows: int):
    lines = ["name,phone,email,status,date_of_birth,notes"]
    for n in range(rows):
        lines.append(f"Customer {n},+1 212 {n // 10000:03d} {n % 10000:04d},c{n}@example.org,"
                     f"{'inactive' if n % 10 == 0 else 'active'},19{50 + n % 50}-0{1 + n % 9}-1{n % 9},note {n}")
    lines.append("Broken Row,not a phone,,,,")
    return _write(tmp_path, "\n".join(lines) + "\n", name="big.csv")


def _import_big(tmp_path, rows):
    before = Customer.select().count()
    result = customer_import.import_file(_big_file(tmp_path, rows))
    assert (result.added, result.updated, result.unchanged) == (rows, 0, 0)
    assert [(r.line, r.reason) for r in result.rejected] == [(rows + 2, "'not a phone' is not a phone number")]
    assert Customer.select().count() == before + rows
    assert Customer.select().where(Customer.status == "inactive", Customer.phone.startswith("+1212")).count() == rows // 10
    assert Outbox.select().where(Outbox.table_name == "customer").count() >= rows


def test_a_5000_row_file(fresh_db, tmp_path):
    _import_big(tmp_path, 5000)


@pytest.mark.slow
def test_a_100000_row_file(fresh_db, tmp_path):
    _import_big(tmp_path, 100_000)


def test_the_import_customers_subcommand(demo_db_path, tmp_path, memory_keyring):
    from db.keystore import SERVICE, account_for

    keys = {f"{SERVICE}\x00{account_for(demo_db_path)}": memory_keyring.get_password(SERVICE, account_for(demo_db_path))}
    good = _write(tmp_path, "Name,Phone\nCli Person,+1 555 700 0500\nBad,\nEmily Roberts,+1 555 010 0001\n")
    result = run_till(["--db", str(demo_db_path), "import-customers", str(good)], tmp_path, keys=keys,
                      manager_pin="9999")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Added: 1", "Updated: 0", "Unchanged: 1", "Rejected: 1",
                                          "  line 3: phone is empty"]
    broken = _write(tmp_path, "email\nx@example.com\n", name="broken.csv")
    result = run_till(["--db", str(demo_db_path), "import-customers", str(broken)], tmp_path, keys=keys,
                      manager_pin="9999")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "required columns name and phone are missing" in result.stderr

    from db.connection import open_database

    opened = open_database(demo_db_path)
    try:
        assert Customer.get(Customer.phone == "+15557000500").name == "Cli Person"
    finally:
        opened.close()

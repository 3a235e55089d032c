"""`pos-till import-customers` on the CSV a real shop exports (a spreadsheet's UTF-8 with BOM and CRLF, an
upper-case header, quoted commas, blank lines, phones in national format, an unknown column), each a real
`python -m app` process as the contract states it: the counts, and every rejected row's line and reason."""

from __future__ import annotations

import pytest
from test_cli import run_till

from db.keystore import SERVICE, account_for


@pytest.fixture
def keys(demo_db_path, memory_keyring):
    return {f"{SERVICE}\x00{account_for(demo_db_path)}": memory_keyring.get_password(SERVICE, account_for(demo_db_path))}


def _import(demo_db_path, tmp_path, keys, text: str, *options):
    sheet = tmp_path / "customers.csv"
    sheet.write_bytes(text.encode("utf-8-sig"))
    result = run_till(["--db", str(demo_db_path), "import-customers", str(sheet), *options], tmp_path, keys=keys,
                      manager_pin="9999")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.splitlines()


def test_a_spreadsheets_export_counts_each_row_once_with_the_file_line_of_each_rejected_one(
        demo_db_path, tmp_path, keys):
    out = _import(demo_db_path, tmp_path, keys, (
        "NAME,PHONE,EMAIL,Notes,Loyalty Card\r\n"
        '"Baker, Ada",(555) 700-0601,ada@example.org,"likes rye, no seeds",X1\r\n'
        "\r\n"
        "Bob Brown,555.700.0602,not-an-email,,\r\n"
        "Cy Dee,5557000601,,,\r\n"  # Ada's phone, written another way
        "Emily Roberts,+1 555 010 0001,emily.new@example.com,,\r\n"  # the demo's Emily: her email changes
        "Eve Fox,12,,,\r\n"))
    assert out[:4] == ["Added: 1", "Updated: 1", "Unchanged: 0", "Rejected: 3"]
    assert [line.split(":")[0].strip() for line in out[4:7]] == ["line 4", "line 5", "line 7"]
    assert "email" in out[4] and "line 2" in out[5] and "phone" in out[6]
    assert out[7] == "Ignored columns: Loyalty Card"


def test_a_rename_refused_on_the_command_line_names_the_option_that_allows_it(demo_db_path, tmp_path, keys):
    out = _import(demo_db_path, tmp_path, keys, "name,phone\nEmily R. Roberts,+1 555 010 0001\n")
    assert out[3] == "Rejected: 1" and "--overwrite-names" in out[4] and "ticked" not in out[4], out
    out = _import(demo_db_path, tmp_path, keys, "name,phone\nEmily R. Roberts,+1 555 010 0001\n", "--overwrite-names")
    assert out[:4] == ["Added: 0", "Updated: 1", "Unchanged: 0", "Rejected: 0"]


@pytest.mark.parametrize("command", [["import-customers", "people.csv"], ["import-items", "people.csv"], ["sync"]])
def test_a_mistyped_database_path_is_said_and_no_empty_database_is_made(tmp_path, command):
    """A typo in --db: the commands that work on an existing till say there is none there (as `key show`
    does), instead of making an empty encrypted database (and a key in the keyring) and then refusing the
    manager's PIN or saying the till is not linked."""
    (tmp_path / "people.csv").write_text("name,phone\nAda Baker,555 700 0601\n", encoding="utf-8")
    typo = tmp_path / "tlil.db"
    result = run_till(["--db", str(typo), *[str(tmp_path / a) if a.endswith(".csv") else a for a in command]],
                      tmp_path, keys={}, manager_pin="9999")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"pos-till: There is no till database at {typo}.\n"
    assert not typo.exists() and list(tmp_path.glob("tlil*")) == []

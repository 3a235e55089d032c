"""The headless subcommands as UI_CONTRACT.md states them: exit 0 with the documented output, or non-zero with
exactly one line saying why (each a real `python -m app` process)."""

from __future__ import annotations

import pytest
from test_cli import run_till

from db.keystore import SERVICE, account_for


def _one_line_failure(result, *words):
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("pos-till: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


@pytest.fixture
def keys(demo_db_path, memory_keyring):
    return {f"{SERVICE}\x00{account_for(demo_db_path)}": memory_keyring.get_password(SERVICE, account_for(demo_db_path))}


@pytest.mark.parametrize(("central", "says"), [("not a url", "http://"), ("http://127.0.0.1:9", "cannot be reached")])
def test_enroll_with_a_bad_central_address_is_one_line(demo_db_path, tmp_path, keys, central, says):
    result = run_till(["--db", str(demo_db_path), "enroll", "--central", central, "--token", "t0ken"], tmp_path,
                      keys=keys)
    _one_line_failure(result, "enroll", says)
    assert "t0ken" not in result.stderr


def test_sync_on_a_till_not_linked_is_one_line(demo_db_path, tmp_path, keys):
    _one_line_failure(run_till(["--db", str(demo_db_path), "sync"], tmp_path, keys=keys), "not linked", "enroll")


def test_import_customers_of_a_missing_file_is_one_line_and_imports_nothing(demo_db_path, tmp_path, keys):
    result = run_till(["--db", str(demo_db_path), "import-customers", str(tmp_path / "nobody.csv")], tmp_path,
                      keys=keys, manager_pin="9999")
    _one_line_failure(result, "nobody.csv", "Nothing was imported")


def test_import_customers_prints_the_counts_and_each_rejected_line(demo_db_path, tmp_path, keys):
    people = tmp_path / "people.csv"
    people.write_text("PHONE,Name,Email,Status,Date_of_Birth,Notes\n+1 555 700 0601,Ada Baker,ada@example.org,active,"
                      "1990-04-01,likes rye\n,No Phone,,,,\n", encoding="utf-8")
    result = run_till(["--db", str(demo_db_path), "import-customers", str(people)], tmp_path, keys=keys,
                      manager_pin="9999")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Added: 1" in lines and "Updated: 0" in lines and "Rejected: 1" in lines
    assert any(line.strip().startswith("line 3:") for line in lines)

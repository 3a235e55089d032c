"""A till database file as an older version of the till wrote it: the migrations up to ``version``, then
whatever ``fill(conn)`` adds, in one transaction (shared by the upgrade tests)."""

from __future__ import annotations

from sqlcipher3 import dbapi2 as sqlcipher

from db import migrations


def schema_file(path, key: str, version: int, fill=None) -> None:
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key=\"x'{key}'\"")
    conn.execute("BEGIN")
    for number, _name, sql in migrations.MIGRATIONS:
        if number > version:
            break
        for statement in migrations._statements(sql):
            conn.execute(statement)
    if fill is not None:
        fill(conn)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    conn.close()

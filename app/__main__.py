"""``python -m app``, the ``pos-till`` command and the frozen executable start here."""

import sys


def _without_postgres_drivers() -> None:
    """The till never talks to PostgreSQL, but peewee imports a PostgreSQL driver whenever one is installed
    (a developer's venv has psycopg for the central service; a shop's install and the frozen build have
    none): 0.15 s of every start-up. Marking them absent makes peewee skip them, in this process only."""
    if "peewee" not in sys.modules:
        for name in ("psycopg", "psycopg2", "psycopg2cffi"):
            sys.modules.setdefault(name, None)


def run() -> int:
    _without_postgres_drivers()
    from app.main import main

    return main()


if __name__ == "__main__":
    sys.exit(run())

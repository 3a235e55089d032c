"""One sync round: push the outbox (app/sync/push.py), bootstrap a new till from a snapshot, pull the shop's
changes. A sale made offline reaches the store exactly once: nothing leaves the outbox before the central
store has answered for it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import logging
from dataclasses import dataclass, field

import keyring
from keyring.errors import KeyringError

from app import plurals
from app.changes import NONE, Changes
from app.errors import TillError
from app.sync import push, recovery, state, transport
from app.sync.apply import Applied, apply_groups, make_unique, rebuild_all_stats
from app.sync.client import CentralClient, Enrollment, Refused, SyncError, normalise_url
from db import hlc
from db.connection import PRAGMAS
from db.ids import utcnow
from db.keystore import SERVICE
from db.models import SYNCED_MODELS, database

log = logging.getLogger(__name__)

# Operations per push request. Each request costs a fixed ~15 ms (HTTP, hand-offs, the store's lookups and
# commit), and the store holds the shop's row lock for the whole request (the shop's other tills and
# head-office edits wait): 2,000 is ~0.2 s of lock on the bench (docs/notes/issue-15-push-ratio.md).
# The store takes at most 5,000 (central/push_body.py MAX_OPS) and 32 MB (transport.MAX_PUSH_BYTES).
PUSH_BATCH = 2000
PULL_LIMIT = 2000
SNAPSHOT_LIMIT = 10000


@dataclass
class Report:
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    retry: int = 0
    pulled: int = 0
    bootstrapped: int = 0
    conflicts: int = 0
    new_bills: int = 0
    cursor: int = 0
    rejections: list[str] = field(default_factory=list)
    changes: Changes = NONE  # the tables the pulled rows were written to, for open views to refresh
    recovered: int = 0  # this till's own bills fetched back from the store (app/sync/recovery.py)
    resent: int = 0  # rows queued again for a store restored from a backup

    def add(self, applied: Applied) -> None:
        self.changes |= Changes.tables(t for t, n in applied.by_table.items() if n)
        self.pulled += applied.rows
        self.conflicts += applied.conflicts
        self.new_bills += applied.new_bills

    def summary(self) -> str:
        parts = [f"pushed {plurals.count(self.pushed, 'change')}"]
        if self.duplicates:
            parts.append(f"{self.duplicates} already there")
        if self.rejected:
            parts.append(f"{self.rejected} rejected and quarantined")
        if self.retry:
            parts.append(f"{self.retry} to retry")
        if self.bootstrapped:
            parts.append(f"bootstrapped {plurals.count(self.bootstrapped, 'row')}")
        parts.append(f"pulled {plurals.count(self.pulled, 'change')}")
        if self.conflicts:
            parts.append(f"{plurals.count(self.conflicts, 'conflict')} logged")
        if self.recovered:
            parts.append(f"recovered {plurals.count(self.recovered, 'sale')} of this till from the central store")
        if self.resent:
            parts.append(f"sent {plurals.count(self.resent, 'record')} again to a restored central store")
        return ", ".join(parts) + f"; now at version {self.cursor}"


# --- this till's link to the central store ---------------------------------------------------------------


def token_account(path) -> str:
    from db.keystore import account_for

    return "central:" + account_for(path)


def load_token(path) -> str | None:
    try:
        return keyring.get_password(SERVICE, token_account(path))
    except KeyringError as exc:
        raise SyncError(f"The keyring could not be read for the till's token: {exc}") from exc


def linked() -> bool:
    return state.load().linked


def configure_clock() -> None:
    """Stamp this till's edits with its central till id (ties between tills break on it), and never let the
    clock run behind a stamp this till has already written or seen."""
    known = state.load()
    hlc.clock.node = known.till_id or "local"
    if known.hlc_seen:
        hlc.clock.observe(known.hlc_seen)
    row = database.execute_sql("SELECT hlc FROM outbox ORDER BY seq DESC LIMIT 1").fetchone()
    if row and row[0]:
        with contextlib.suppress(ValueError):
            hlc.clock.observe(row[0])


def has_local_data() -> bool:
    for model in SYNCED_MODELS:
        if database.execute_sql(f'SELECT 1 FROM "{model._meta.table_name}" LIMIT 1').fetchone():
            return True
    return False


def enroll(path, url: str, token: str, *, client: CentralClient | None = None, insecure: bool = False) -> Enrollment:
    """Link this till to the central store with ``token``: checks the token with the store, refuses to mix
    two shops' data, keeps the token in the keyring and the address in LocalConfig. Plain http:// only to
    this computer unless ``insecure`` (app/sync/transport.py)."""
    url = normalise_url(url)
    transport.check_url(url, insecure)
    token = (token or "").strip()
    if not token:
        raise SyncError("A till token is needed (pos-central enroll-till prints one).")
    own = client is None
    client = client or CentralClient(url, token, retries=2)
    try:
        info = client.enroll()
    except Refused as exc:
        if exc.status == 401:
            raise SyncError("The central store does not know this token, or it was revoked: ask for a new one "
                            "(pos-central enroll-till --store NAME --till CODE).") from exc
        raise
    finally:
        if own:
            client.close()
    known = state.load()
    current = known.shop_id
    if current and current != info.shop_id:
        raise TillError(f"This database belongs to the shop '{known.shop_name}'; it cannot join "
                        f"'{info.shop_name}'. Use a new database for that shop.")
    if not current and info.shop_version > 0 and has_local_data():
        raise TillError(f"The shop '{info.shop_name}' already holds data from another till and this database has "
                        "data of its own. Enroll a new, empty database (pos-till --db NEW.db enroll ...): it "
                        "receives the shop's data.")
    try:
        keyring.set_password(SERVICE, token_account(path), token)
    except KeyringError as exc:
        raise SyncError(f"The keyring could not keep the till's token: {exc}") from exc
    with database.atomic():
        state.save(central_url=url, shop_id=info.shop_id, shop_name=info.shop_name, till_id=info.till_id,
                   till_code=info.till_code, office=info.office, insecure=bool(insecure) or None)
    configure_clock()
    return info


def link_details(path) -> tuple[str, str]:
    """(central URL, token) of the linked till at ``path``; SyncError when it is not linked."""
    known = state.load()
    url = known.central_url
    if not known.linked:
        raise SyncError("This till is not linked to a central store yet (pos-till enroll --central URL --token T).")
    transport.check_url(url, known.insecure)
    token = load_token(path)
    if not token:
        raise SyncError("The till's token is not in this computer's keyring; enroll the till again.")
    return url, token


def client_for(path, **kwargs) -> CentralClient:
    return CentralClient(*link_details(path), **kwargs)


# --- one round --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def applying():
    """A write transaction for pulled data: taken at once (BEGIN IMMEDIATE, so it waits for a sale in
    progress instead of failing), with foreign keys off on this connection because a page may hold a bill
    before the customer it names (the customer arrives in a later page)."""
    db = database.obj
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic("IMMEDIATE"):
            yield
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")


def _drop_secondary_indexes() -> None:
    """Drop the synced tables' indexes (but the primary keys), keeping their definitions in LocalConfig in
    the same transaction, for _restore_indexes. Unique ones too: the central store keeps the same values
    unique per shop, and _restore_indexes resolves a clash should one arrive anyway."""
    if state.load().bootstrap_indexes:
        return
    tables = [m._meta.table_name for m in SYNCED_MODELS]
    marks = ", ".join("?" * len(tables))
    saved = []
    for name, table, sql in database.execute_sql(
            f"SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})", tables).fetchall():
        columns = [r[2] for r in database.execute_sql(f'PRAGMA index_info("{name}")')]
        saved.append([name, sql, table, columns])
    for name, *_ in saved:
        database.execute_sql(f'DROP INDEX "{name}"')
    state.save(bootstrap_indexes=saved)


def _restore_indexes() -> None:
    existing = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for name, sql, table, columns in state.load().bootstrap_indexes or []:
        if name in existing:
            continue
        try:
            database.execute_sql(sql)
        except Exception as exc:  # sqlcipher3.IntegrityError
            if "UNIQUE" not in str(exc).upper() or None in columns:
                raise
            make_unique(table, columns)
            database.execute_sql(sql)
    state.save(bootstrap_indexes=None)


def continue_receipt_numbers() -> None:
    """A till that replaces one with the same code (a new computer, a restored backup) received that
    till's bills: its receipt numbers carry on after them instead of repeating them."""
    known = state.load()
    highest = 0
    for (receipt,) in database.execute_sql("SELECT receipt_no FROM bill WHERE till_code = ?", (known.till_code,)):
        tail = str(receipt).rsplit("-", 1)[-1]
        if tail.isdigit():
            highest = max(highest, int(tail))
    if highest > known.receipt_seq:
        state.save(receipt_seq=highest)


class SyncEngine:
    def __init__(self, client: CentralClient, *, push_batch: int = PUSH_BATCH, pull_limit: int = PULL_LIMIT,
                 snapshot_limit: int = SNAPSHOT_LIMIT):
        self.client = client
        self.push_batch = push_batch
        self.pull_limit = pull_limit
        self.snapshot_limit = snapshot_limit
        self.receipt_high: int | None = None  # the store's highest receipt number of this till (last pull)

    def run_round(self) -> Report:
        configure_clock()
        report = Report()
        first = state.load().cursor == 0
        self.push(report)
        if first and report.retry and report.pushed:
            # a shop's first till bringing its data: its first pull ends its right to create head-office
            # rows (central/roles.py), so while its pushes make progress it pulls only once all are in
            return report
        if self.needs_bootstrap():
            self.bootstrap(report)
        self.pull(report)
        if first:
            continue_receipt_numbers()
        recovery.reconcile(self, report, self.receipt_high)
        state.save(last_sync_at=utcnow())
        return report

    # --- push -------------------------------------------------------------------------------------------

    def push(self, report: Report) -> None:
        """Send the outbox (app/sync/push.py)."""
        push.send_outbox(self.client, self.push_batch, report)

    # --- bootstrap ----------------------------------------------------------------------------------------

    def needs_bootstrap(self) -> bool:
        known = state.load()
        if known.bootstrapping:
            return True
        if known.bootstrapped or known.cursor > 0:
            return False
        if has_local_data():
            # a shop's first till, or one that ran before it was linked: its outbox brings the data up, and
            # pulling from zero brings back what the store decided
            state.save(bootstrapped=True)
            return False
        return True

    def bootstrap(self, report: Report) -> None:
        """Download the shop at one version, page by page; each page and the position after it are
        committed together, so a cut download resumes at the first page not yet applied. The empty till's
        secondary indexes are dropped first and built once at the end (much faster than keeping a dozen
        indexes up to date row by row); their definitions wait in LocalConfig until then."""
        known = state.load()
        progress = known.snapshot_progress or {}
        at, table, after = progress.get("version"), progress.get("table"), progress.get("after", "")
        db = database.obj
        # While loading: a 1 GB page cache (the index builds at the end read the table from memory), and
        # synchronous=NORMAL (in WAL mode a crash may lose the last pages, but each page goes with its
        # progress marker, so the download just resumes earlier).
        db.execute_sql("PRAGMA cache_size = -1000000")
        db.execute_sql("PRAGMA synchronous = NORMAL")
        db.execute_sql("PRAGMA threads = 2")  # the index builds at the end sort with a helper thread
        fetcher = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="till-snapshot")
        try:
            if not progress and not known.bootstrapped:
                with applying():
                    _drop_secondary_indexes()
            coming = None
            if not known.stats_rebuild_pending and not known.bootstrapped:
                coming = fetcher.submit(self.client.snapshot_body, at, table, after, self.snapshot_limit)
            while coming is not None:
                page = json.loads(coming.result())
                at = page["version"]
                nxt = page.get("next")
                # the next page downloads while this one is written
                coming = (fetcher.submit(self.client.snapshot_body, at, nxt["table"], nxt["after"],
                                         self.snapshot_limit) if nxt else None)
                with applying():
                    applied = apply_groups(page["tables"], rebuild_stats=False, fresh=True)
                    if nxt:
                        state.save(snapshot_progress={"version": at, "table": nxt["table"], "after": nxt["after"]})
                    else:
                        state.save(snapshot_progress=None, cursor=at, bootstrapped=True, stats_rebuild_pending=True)
                report.bootstrapped += applied.rows
                report.changes |= Changes.tables(t for t, n in applied.by_table.items() if n)
                report.conflicts += applied.conflicts
                report.cursor = at
            if state.load().bootstrap_indexes:
                with applying():
                    _restore_indexes()
                    continue_receipt_numbers()
            if state.load().stats_rebuild_pending:
                with applying():
                    rebuild_all_stats()
                    state.save(stats_rebuild_pending=None)
        finally:
            fetcher.shutdown(wait=True, cancel_futures=True)
            db.execute_sql(f"PRAGMA cache_size = {PRAGMAS['cache_size']}")
            db.execute_sql(f"PRAGMA synchronous = {PRAGMAS['synchronous']}")
            db.execute_sql("PRAGMA threads = 0")

    # --- pull -------------------------------------------------------------------------------------------

    def pull(self, report: Report) -> None:
        cursor = state.load().cursor
        while True:
            page = self.client.pull(cursor, self.pull_limit)
            if page.get("restored"):  # the store was restored from an older backup
                report.resent += recovery.store_restored(page)
                self.push(report)
                cursor = state.load().cursor
                continue
            self.receipt_high = page.get("receipt_high")
            with applying():
                report.add(apply_groups(page["tables"]))
                state.save(cursor=page["cursor"])
            cursor = page["cursor"]
            report.cursor = cursor
            if not page["has_more"]:
                return


def sync_round(path, **client_kwargs) -> Report:
    """One full round for the open till database at ``path``."""
    with client_for(path, **client_kwargs) as client:
        return SyncEngine(client).run_round()

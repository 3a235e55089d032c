"""PIN lockout: wrong PINs slow guessing down, per till, and every failure is audited.

Five wrong PINs in a row lock PIN entry on this till for 30 seconds; each further lockout doubles (60 s,
120 s, … capped at an hour) until a right PIN is typed. Sign-in, manager approval and the command line
share one count, kept in the till's own local_config (never synced, so each till counts its own tries, and
a restart does not reset it). While locked, no PIN is checked at all, not even a right one.

Each failure is an audit entry ``pin.failed`` with the place (sign-in, approval, command line) and the
time; a lockout is ``pin.locked``. A manager reads them in Manage › Failed PIN attempts.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from app import audit, auth, plurals
from app.errors import PermissionDenied
from app.sync import state as sync_state
from db.models import AuditLog, LocalConfig, User, database

FREE_TRIES = 5
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 3600
STATE_KEY = "pin_lockout"
SIGN_IN, APPROVAL, COMMAND_LINE = "sign-in", "approval", "command line"


class LockedOut(PermissionDenied):
    def __init__(self, seconds: int):
        super().__init__(f"Too many wrong PINs: PIN entry is locked on this till for {seconds} more "
                         f"{plurals.plural(seconds, 'second')}.")
        self.seconds = seconds


@dataclass
class _State:
    failures: int = 0  # wrong PINs since the last right one or the last lockout
    lockouts: int = 0  # lockouts since the last right PIN: the next one lasts 30 s * 2**lockouts
    locked_until: float = 0.0  # the clock's time


class PinGuard:
    """Checks PINs for one till. ``clock`` returns seconds (wall time: the state outlives the process);
    tests pass their own."""

    def __init__(self, clock=time.time):
        self.clock = clock

    # --- state in local_config -----------------------------------------------------------------------------

    def _load(self) -> _State:
        row = LocalConfig.get_or_none(LocalConfig.key == STATE_KEY)
        if row is None or not row.value:
            return _State()
        try:
            data = row.value
            return _State(int(data["failures"]), int(data["lockouts"]), float(data["locked_until"]))
        except (ValueError, KeyError, TypeError):
            return _State()

    def _save(self, state: _State) -> None:
        value = {"failures": state.failures, "lockouts": state.lockouts, "locked_until": state.locked_until}
        LocalConfig.insert(key=STATE_KEY, value=value).on_conflict_replace().execute()

    def seconds_left(self) -> int:
        return max(0, math.ceil(self._load().locked_until - self.clock()))

    # --- checking ---------------------------------------------------------------------------------------------

    def _check(self, pin: str, place: str, accept) -> User:
        """The active user whose PIN this is and whom ``accept`` takes; else count a failure."""
        locked_for = 0
        with database.atomic():
            state = self._load()
            now = self.clock()
            if state.locked_until > now:
                raise LockedOut(math.ceil(state.locked_until - now))
            user = auth.find_by_pin((pin or "").strip())
            if user is not None and accept(user):
                if state.failures or state.lockouts:
                    self._save(_State())
                return user
            state.failures += 1
            till = sync_state.load().till_code
            audit.record(None, "pin.failed", "till", till, {"place": place, "failures": state.failures})
            if state.failures >= FREE_TRIES:
                locked_for = min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** state.lockouts)
                state.failures, state.lockouts, state.locked_until = 0, state.lockouts + 1, now + locked_for
                audit.record(None, "pin.locked", "till", till, {"place": place, "seconds": locked_for})
            self._save(state)
        if locked_for:  # raised after the commit: the failure, the lockout and the state are kept
            raise LockedOut(locked_for)
        return None

    def sign_in(self, pin: str) -> User:
        user = self._check(pin, SIGN_IN, lambda u: True)
        if user is None:
            raise PermissionDenied("That PIN does not match an active user.")
        audit.record(user, "user.sign_in", "user", user.id)
        return user

    def manager(self, pin: str, place: str = APPROVAL) -> User:
        """The manager whose PIN this is (for an approval or a command); any other PIN is a failure."""
        user = self._check(pin, place, auth.is_manager)
        if user is None:
            raise PermissionDenied("That is not a manager's PIN.")
        return user


def failed_attempts(limit: int = 200) -> list[dict]:
    """The latest failed PINs and lockouts on this till, newest first: when, where, what followed."""
    rows = (AuditLog.select().where(AuditLog.action.in_(("pin.failed", "pin.locked")))
            .order_by(AuditLog.at.desc()).limit(limit))
    out = []
    for row in rows:
        detail = row.detail or {}
        out.append({"at": row.at, "place": detail.get("place", ""), "till": row.entity_id or "",
                    "what": (f"locked for {detail.get('seconds')} s" if row.action == "pin.locked"
                             else f"wrong PIN ({detail.get('failures')} in a row)")})
    return out

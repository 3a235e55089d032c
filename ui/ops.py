"""Operations: every write the UI starts, and the reads it waits for, run off the UI thread through here.

The pattern of Anki's ``aqt/operations`` (``CollectionOp(parent, fn).success(cb).run_in_background()``)::

    write(window, customers.save, values, manager, owner=self).success(self._saved).failure(self._bad).run()

A write runs ``fn`` on the window's single write worker (writes happen one at a time, in order), then on the
UI thread calls the ``success`` callback with the result and announces the ``Changes`` it made through
``TillWindow.changed``, which every open view listens to. The changes come from the service (it returns a
``Changes``, or is marked ``@writes(kind)`` and returns the row it wrote), or from ``changes=``.
A read does the same on the read workers and announces nothing; ``read_after_writes`` queues a read
behind the writes already started, for a list that must show them.

With an ``owner`` widget the callbacks run only while it is open (a dialog closed while its write ran is not
touched), but the changes are announced whatever happened to the owner: the data was written. While an
owner's write is under way, the same write again (a double press of Enter) is not started.
"""

from __future__ import annotations

import shiboken6

from app.changes import Changes, changes_of

_in_flight: set[tuple] = set()  # (owner, service, arguments) of writes under way; UI thread only


def _alive(owner) -> bool:
    return owner is None or (shiboken6.isValid(owner) and not getattr(owner, "_closing", False))


class Op:
    _runner_name = "reads"

    def __init__(self, window, fn, *args, owner=None, changes: Changes | None = None, **kwargs):
        self.window, self.fn, self.args, self.kwargs = window, fn, args, kwargs
        self.owner, self.changes = owner, changes
        self._success = self._failure = None
        self._key = self._make_key()  # once: the repr of a bill's arguments is not free

    def success(self, callback) -> Op:
        self._success = callback
        return self

    def failure(self, callback) -> Op:
        self._failure = callback
        return self

    def run(self) -> bool:
        """Start the job; False (and nothing started) when the same owner's same write is under way."""
        if self._key is not None:
            if self._key in _in_flight:
                return False
            _in_flight.add(self._key)
        getattr(self.window, self._runner_name).submit(self.fn, *self.args, on_done=self._done,
                                                       on_error=self._failed, **self.kwargs)
        return True

    def _make_key(self):
        return None

    def _finish(self) -> None:
        if self._key is not None:
            _in_flight.discard(self._key)

    run_in_background = run

    def _done(self, result) -> None:
        self._finish()
        if self._success is not None and _alive(self.owner):
            self._success(result)

    def _failed(self, exc) -> None:
        self._finish()
        if not _alive(self.owner):
            return
        if self._failure is None:
            raise exc  # no handler: Qt logs it, as an exception in any slot
        self._failure(exc)


class WriteOp(Op):
    _runner_name = "writes"

    def _make_key(self):
        # the same owner asking the same service with the same arguments again: a double press
        return None if self.owner is None else (id(self.owner), self.fn, repr((self.args, self.kwargs)))

    def _done(self, result) -> None:
        changes = self.changes if self.changes is not None else changes_of(self.fn, result)
        super()._done(result)
        if changes and shiboken6.isValid(self.window):
            self.window.announce(changes)


class ReadOp(Op):
    pass


class ReadAfterWritesOp(Op):
    """A read queued behind the writes this till has started (it sees them all), and announcing nothing."""
    _runner_name = "writes"


def till_window(widget):
    """The till window a dialog was opened from (ops run on its workers and announce through it)."""
    while widget is not None:
        if hasattr(widget, "announce") and hasattr(widget, "writes"):
            return widget
        own = getattr(widget, "window_", None)
        if own is not None and hasattr(own, "announce"):
            return own
        widget = widget.parent()
    raise LookupError("not opened from a till window")


def write(window, fn, *args, **kwargs) -> WriteOp:
    return WriteOp(window, fn, *args, **kwargs)


def read(window, fn, *args, **kwargs) -> ReadOp:
    return ReadOp(window, fn, *args, **kwargs)


def read_after_writes(window, fn, *args, **kwargs) -> ReadAfterWritesOp:
    """A read that must see what was just written (the held bills after F5 then F6)."""
    return ReadAfterWritesOp(window, fn, *args, **kwargs)

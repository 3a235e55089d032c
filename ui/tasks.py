"""Run slow work off the UI thread and get the result back on it by signal.

``writes`` is a single worker thread, so writes the UI starts happen one at a time and in order;
``reads`` may run several queries at once. Worker code never touches widgets.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn, args, kwargs, relay: _Relay):
        super().__init__()
        self.fn, self.args, self.kwargs, self.relay = fn, args, kwargs, relay
        self.setAutoDelete(True)

    def run(self):
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # delivered to the UI, which shows it
            log.debug("task failed: %s", traceback.format_exc())
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class TaskRunner(QObject):
    def __init__(self, parent=None, threads: int = 1):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()

    def submit(self, fn, *args, on_done=None, on_error=None, **kwargs) -> _Relay:
        """Run ``fn(*args, **kwargs)`` on a worker; ``on_done(result)`` / ``on_error(exc)`` run on the UI
        thread afterwards."""
        relay = _Relay()
        self._relays.add(relay)

        def finish(_=None):
            self._relays.discard(relay)

        if on_done is not None:
            relay.done.connect(on_done)
        if on_error is not None:
            relay.failed.connect(on_error)
        relay.done.connect(finish)
        relay.failed.connect(finish)
        self.pool.start(_Job(fn, args, kwargs, relay))
        return relay

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)

"""The background check of a large file yields the CPU to the counter: its thread runs at a lower priority
(Linux: a nice value per thread) and the till's own threads keep theirs."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from db import integrity


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priorities are Linux's")
def test_the_background_check_runs_below_the_counters_priority(demo_db):
    seen = {}
    done = threading.Event()

    def on_result(problem):  # called on the check's thread
        seen["problem"] = problem
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        done.set()

    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    integrity.BackgroundCheck(demo_db.path, demo_db.key.pragma_value(), on_result).start()
    assert done.wait(30)
    assert seen["problem"] is None  # the demo file is whole
    assert seen["nice"] >= own + 10 or seen["nice"] == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own  # this thread is untouched

"""The hybrid clock defends itself: a stamp from a clock far ahead or a malformed one is never adopted,
and the counter never outgrows its five digits (db/hlc.py)."""

from __future__ import annotations

from db import hlc


def test_a_far_future_or_malformed_stamp_is_not_adopted():
    wall = [1_700_000_000_000]
    clock = hlc.HybridClock(node="t1", wall=lambda: wall[0])
    for stamp in ("9999999999999-99999-evil", "1700000000000-999999-evil", "garbage", "17-1-x",
                  hlc.format_stamp(wall[0] + hlc.MAX_AHEAD_MS + 1, 0, "evil")):
        clock.observe(stamp)
        assert clock.now().startswith(f"{wall[0]}-"), stamp
    near = hlc.format_stamp(wall[0] + 60_000, 7, "t2")
    clock.observe(near)
    assert clock.now() == hlc.format_stamp(wall[0] + 60_000, 8, "t1")  # a minute ahead: adopted


def test_the_counter_never_overflows_its_five_digits():
    clock = hlc.HybridClock(node="t1", wall=lambda: 1_700_000_000_000)
    clock.observe("1700000000000-99998-t2")
    stamps = [clock.now() for _ in range(5)]
    assert all(hlc.well_formed(s) for s in stamps), stamps
    assert stamps == sorted(stamps) and len(set(stamps)) == 5
    assert stamps[1] == "1700000000001-00000-t1"

"""ui/ops.py: a write runs on the write worker, its result comes back on the UI thread and its Changes are
announced through TillWindow.changed; a read announces nothing; a closed owner hears nothing, but what
was written is still announced."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QDialog

from app.changes import Changes, changes_of, writes
from app.errors import ValidationError
from ui import ops


@writes("customer_category")
def _rename(category_id: str, name: str):
    from db.models import CustomerCategory

    row = CustomerCategory.get_by_id(category_id)
    row.name = name
    row.save()
    return row


def test_a_write_op_runs_off_the_ui_thread_and_announces_its_changes(qtbot, till_window):
    from db.models import CustomerCategory

    category = CustomerCategory.create(name="Regulars")
    heard, results, threads = [], [], []
    till_window.changed.connect(heard.append)

    def rename(category_id, name):
        threads.append(threading.current_thread())
        return _rename(category_id, name)

    rename.writes = _rename.writes
    ops.write(till_window, rename, category.id, "Locals").success(results.append).run()
    qtbot.waitUntil(lambda: bool(heard and results), timeout=5000)
    assert threads[0] is not threading.main_thread()
    assert results[0].name == "Locals" and CustomerCategory.get_by_id(category.id).name == "Locals"
    assert heard == [Changes.of("customer_category", category.id)]
    assert heard[0].touches("customer_category", category.id) and not heard[0].touches("customer_category", "x")


def test_a_closed_owner_hears_nothing_but_the_write_is_announced(qtbot, till_window):
    from db.models import CustomerCategory

    category = CustomerCategory.create(name="Regulars")
    dialog = QDialog(till_window)
    heard, results = [], []
    till_window.changed.connect(heard.append)
    op = ops.write(till_window, _rename, category.id, "Locals", owner=dialog).success(results.append)
    dialog._closing = True  # as a dialog closed while its write ran
    op.run()
    qtbot.waitUntil(lambda: bool(heard), timeout=5000)
    assert results == [] and "customer_category" in heard[0]


def test_a_refused_write_reaches_failure_and_announces_nothing(qtbot, till_window):
    heard, failures = [], []
    till_window.changed.connect(heard.append)

    @writes("customer")
    def refuse():
        raise ValidationError("No.")

    ops.write(till_window, refuse).failure(failures.append).run()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], ValidationError) and heard == []


def test_a_read_op_announces_nothing(qtbot, till_window):
    heard, results = [], []
    till_window.changed.connect(heard.append)
    ops.read(till_window, lambda: 42).success(results.append).run()
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == [42] and heard == []


def test_the_old_data_changed_signal_is_announced_as_changes(qtbot, till_window):
    heard = []
    till_window.changed.connect(heard.append)
    till_window.data_changed.emit("customer_profile")
    assert heard == [Changes.of("customer_profile")]


def test_changes_merge_and_a_whole_table_stays_whole():
    one = Changes.of("customer", "a") | Changes.of("customer", "b") | Changes.of("bill", "x")
    assert one.touches("customer", "a") and one.touches("customer", "b") and not one.touches("customer", "c")
    wide = one | Changes.tables(["customer"])
    assert wide.touches("customer", "c") and not wide.touches("bill", "y") and wide.touches("bill", "x")
    assert not Changes() and "bill" in one and one.any_of("reservation", "bill")
    assert changes_of(_rename, Changes.of("item")) == Changes.of("item")
    assert changes_of(_rename, None) == Changes.tables(["customer_category"])


def test_a_second_press_while_the_write_runs_starts_nothing(qtbot, till_window):
    from db.models import CustomerCategory

    category = CustomerCategory.create(name="Regulars")
    dialog = QDialog(till_window)
    results = []
    first = ops.write(till_window, _rename, category.id, "Locals", owner=dialog).success(results.append)
    second = ops.write(till_window, _rename, category.id, "Locals", owner=dialog).success(results.append)
    assert first.run() is True and second.run() is False
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert [r.name for r in results] == ["Locals"]
    assert ops.write(till_window, _rename, category.id, "Neighbours", owner=dialog).run() is True  # done: again

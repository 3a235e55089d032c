"""What a write changed: the kinds of thing (table names) and, where known, which rows.

A write service returns a ``Changes`` or is marked ``@writes("customer", ...)`` so whoever ran it (a UI
operation, the sync engine after a pull) can say what changed without reading the tables again. Open views
take one ``Changes`` value and decide whether it touches what they show.

A kind with no ids means "some or all rows of this kind": a pull from another till names the tables it
wrote, not every row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    kinds: frozenset[str] = frozenset()
    ids: frozenset[tuple[str, str]] = frozenset()  # (kind, id) pairs; a kind absent here means any row

    @classmethod
    def of(cls, kind: str, *ids) -> Changes:
        return cls(frozenset([kind]), frozenset((kind, str(i)) for i in ids if i is not None))

    @classmethod
    def tables(cls, names: Iterable[str]) -> Changes:
        """Whole tables changed (a pull names the tables it applied)."""
        return cls(frozenset(names))

    def __or__(self, other: Changes) -> Changes:
        if not isinstance(other, Changes):
            return NotImplemented
        # a kind one side changed "anywhere" stays "anywhere" after merging
        wide = (self.kinds - self._with_ids()) | (other.kinds - other._with_ids())
        ids = frozenset(p for p in self.ids | other.ids if p[0] not in wide)
        return Changes(self.kinds | other.kinds, ids)

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def __contains__(self, kind: str) -> bool:
        return kind in self.kinds

    def _with_ids(self) -> frozenset[str]:
        return frozenset(kind for kind, _ in self.ids)

    def touches(self, kind: str, row_id=None) -> bool:
        """Whether this may have changed ``kind`` (or its row ``row_id``)."""
        if kind not in self.kinds:
            return False
        if row_id is None or kind not in self._with_ids():
            return True
        return (kind, str(row_id)) in self.ids

    def any_of(self, *kinds: str) -> bool:
        return not self.kinds.isdisjoint(kinds)


NONE = Changes()


def writes(*kinds: str):
    """Mark a function as a write service and name the kinds it changes. The function is returned as it is
    (no wrapper, no cost); ``ui/ops.py`` reads ``fn.writes`` and the layering test forbids calling a marked
    function from ``ui/`` other than through an operation."""

    def mark(fn):
        fn.writes = frozenset(kinds)
        return fn

    return mark


def changes_of(fn, result) -> Changes:
    """The changes a call of write service ``fn`` made, from its result: a ``Changes`` it returned, else the
    kinds it is marked with and the id of the row it returned (if it returned one)."""
    if isinstance(result, Changes):
        return result
    own = getattr(result, "changes", None)
    if isinstance(own, Changes):
        return own
    kinds = getattr(fn, "writes", frozenset())
    row_id = getattr(result, "id", None)
    if isinstance(row_id, (str, int)) and len(kinds) == 1:
        return Changes.of(next(iter(kinds)), row_id)
    return Changes(frozenset(kinds))

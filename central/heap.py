"""The service's heap, settled once it is built: everything made at start-up (modules, the FastAPI app,
pydantic's schemas...) moved out of the garbage collector's sight (``gc.freeze``), and the collector's
first generation given room for a request's worth of objects. A push allocates tens of thousands of
short-lived containers (dicts of rows, answers) that reference counting frees; with the default threshold
(700) the collector ran ~17 times a push and, through its older generations, walked every object made at
start-up. Measured on bench_sync's 46,000-operation push: ~0.6 s of pos-central's CPU spent collecting,
~0.2 s after ``freeze``, none after both (docs/notes/issue-15-push-ratio.md). Cyclic garbage still gets
collected, a little later."""

from __future__ import annotations

import gc

# Net new containers before a collection (the default is 700): more than the largest push makes. A push
# makes ~15 an operation that live until its answer is sent (rows, answers, records); at 20,000 a push of
# 2,000 operations was collected about once, walking them all (bench_sync: ~0.1 s of CPU a 46k-op push).
# A push holds at most 5,000 operations (central/push_body.py MAX_OPS).
FIRST_GENERATION = 100_000


def settled(app):
    """``app``, with the heap as it is now frozen: call it last, right before serving."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(FIRST_GENERATION)
    return app

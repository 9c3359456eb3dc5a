"""Work done ahead between a user's moves: the moved lever's neighbouring slider positions.

After a slider move has been answered, the positions one step either side of the new one (the way
the slider was moving first) are assessed on a background thread, so the likely next key press finds
its scorecard ready.  Guarded so it never slows what a user is waiting for and never shows a wrong
number:

- it only starts while no live run (a slider's callback up to the end of its results) is in
  progress in this process, and looks again before each position; a new move replaces the queue;
- each result is stored under the exact cache key the live path would compute (``state.key_of`` of
  the whole scenario: pack, preset, every lever, settings), by the same function, so a result is
  the one the page would have computed itself, never a neighbour's or an older scenario's;
- it keeps a bounded number of results and stays idle when nothing was moved.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

KEEP = 256  # results kept (a few hundred bytes each)
STALE_LIVE = 10.0  # a live mark older than this (a run that died) no longer holds the worker back

_lock = threading.Condition()
_results: OrderedDict[str, list[dict]] = OrderedDict()
_live: dict[str, float] = {}  # session id → when its live run started
_queue: list[str] = []
_compute: Callable[[str], list[dict]] | None = None
_worker: threading.Thread | None = None
stats = {"computed": 0, "served": 0, "skipped_busy": 0}  # read by tests and bench/ui.py


def lookup(key: str) -> list[dict] | None:
    """The precomputed result for ``key`` (the rows of ``state`` 's assessment), or None."""
    with _lock:
        rows = _results.get(key)
        if rows is not None:
            _results.move_to_end(key)
            stats["served"] += 1
        return rows


def live_run_starts(session: str) -> None:
    """A slider moved in ``session``: hold the worker back until its results are drawn."""
    with _lock:
        _live[session] = time.monotonic()


def live_run_done(session: str, keys: list[str], compute: Callable[[str], list[dict]]) -> None:
    """The live run of ``session`` is drawn: compute ``keys`` ahead (most likely first), replacing the queue."""
    global _compute, _worker
    with _lock:
        _live.pop(session, None)
        _compute = compute
        _queue[:] = [k for k in keys if k not in _results]
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="planner-precompute", daemon=True)
            _worker.start()
        _lock.notify_all()


def _busy(now: float) -> bool:
    return any(now - since < STALE_LIVE for since in _live.values())


def _work() -> None:
    while True:
        with _lock:
            while not _queue or _busy(time.monotonic()):
                if _queue:
                    stats["skipped_busy"] += 1
                _lock.wait(timeout=1.0)
            key = _queue.pop(0)
            compute = _compute
            if key in _results or compute is None:
                continue
        try:
            rows = compute(key)
        except Exception:  # a neighbour the engine refuses: the live path will say why, if it is ever asked
            continue
        with _lock:
            _results[key] = rows
            _results.move_to_end(key)
            while len(_results) > KEEP:
                _results.popitem(last=False)
            stats["computed"] += 1


def clear() -> None:
    """Forget every result (tests)."""
    with _lock:
        _results.clear()
        _queue.clear()

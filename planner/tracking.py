"""Reading a target on actual figures alone, for targets the engine makes no projection for.

The reading is the ESCAP "current status" one: the progress made (the fraction of the way from the
starting figure to the target) against the time used (the fraction of the years from the starting
figure to the target year).  Their ratio is read on the same bands as the projected pace
(≥ 0.95 on track …), so a tracked target and a projected one speak the same language.
"""

from __future__ import annotations

from dataclasses import dataclass

from .packs import Observation, Pack, Target
from .registry import LOWER_RULES

NOT_MODELLED = "not_modelled"  # the likelihood of a target with no projection
NO_DATA = "no_data"  # the status of a tracked target without two figures to compare


@dataclass(frozen=True)
class Tracked:
    start: float | None  # the figure progress is measured from (at or before the base year)
    start_year: int | None
    recorded: float | None  # the latest figure after it
    recorded_year: int | None
    progress: float | None
    elapsed: float | None
    pace_ratio: float | None


def figures(pack: Pack) -> list[Observation]:
    """Every dated single-year figure of the pack (baseline, series, actuals, tracked ones)."""
    out = [*pack.baseline.values(), *pack.series, *pack.actuals, *pack.tracked]
    return [o for o in out if o.from_year is None]


def _values(target: Target, pack: Pack, extra: tuple[Observation, ...] = (),
            as_of: int | None = None) -> dict[int, float]:
    """Year -> the target's quantity in that year, where the figures give it (none after ``as_of``)."""
    by: dict[str, dict[int, float]] = {}
    for o in (*figures(pack), *extra):  # later sources (actuals, uploads) replace earlier ones
        if o.from_year is None and (as_of is None or o.year <= as_of or o.year <= pack.base_year):
            by.setdefault(o.indicator, {})[o.year] = o.value
    own = by.get(target.indicator, {})
    if target.kind == "ratio":
        of = by.get(target.of, {})
        return {y: v / of[y] for y, v in own.items() if of.get(y)}
    return dict(own)


def track(target: Target, pack: Pack, extra: tuple[Observation, ...] = (), as_of: int | None = None) -> Tracked:
    """The target's progress on its figures: from the latest one at or before the base year (or the
    earliest one, where none is that old) to the latest one after it."""
    values = _values(target, pack, extra, as_of)
    if target.kind == "new":
        return _track_new(target, pack, values)
    before = [y for y in values if y <= pack.base_year]
    start_year = max(before) if before else (min(values) if values else None)
    if start_year is None:
        return Tracked(None, None, None, None, None, None, None)
    later = [y for y in values if y > start_year]
    start = values[start_year]
    if not later:
        return Tracked(start, start_year, None, None, None, None, None)
    year = max(later)
    recorded = values[year]
    elapsed = (year - start_year) / max(target.year - start_year, 1)
    if target.kind == "growth":
        if start <= 0 or recorded < 0:
            return Tracked(start, start_year, recorded, year, None, elapsed, None)
        rate = (recorded / start) ** (1 / (year - start_year)) - 1
        # The growth so far against the growth required: a yearly rate needs no elapsed-time scaling.
        ratio = rate / target.threshold if target.threshold else None
        return Tracked(start, start_year, rate, year, ratio, elapsed, ratio)
    goal = target.met_at
    required = goal - start
    if (required >= 0 if target.rule in LOWER_RULES else required <= 0):
        return Tracked(start, start_year, recorded, year, None, elapsed, None)  # met at the start already
    progress = (recorded - start) / required
    return Tracked(start, start_year, recorded, year, progress, elapsed, progress / elapsed if elapsed else None)


def _track_new(target: Target, pack: Pack, values: dict[int, float]) -> Tracked:
    window = [y for y in values if pack.window_start <= y <= target.year]
    if not window:
        return Tracked(0.0, pack.base_year, None, None, None, None, None)
    year = max(window)
    done = sum(values[y] for y in window)
    elapsed = (year - pack.window_start + 1) / (target.year - pack.window_start + 1)
    progress = done / target.threshold if target.threshold else None
    return Tracked(0.0, pack.base_year, done, year, progress, elapsed,
                   progress / elapsed if progress is not None and elapsed else None)

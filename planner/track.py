"""A track record: how the bands would have done had the tool been used in earlier years.

For each count with a series long enough to fit (``calibrate.MIN_POINTS`` stock figures up to a
past year Y), the birth–death model is refitted on the figures up to Y only, projected from the
figure of Y with the same uncertainty the trend preset carries (the fit's parameter spread and
correlations, negative binomial foundings, binomial dissolutions), and the later actual figures are
placed in those draws: inside the p10–p90 band or not, and their rank (the share of draws below).
Over many checks about 80 % should fall inside the band; far fewer says the bands are too narrow.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .calibrate import MIN_POINTS, fit_counts
from .model import Settings, _count_paths, draw_levers
from .packs import Pack, _with_fits
from .registry import COUNT_KINDS

TRACK_DRAWS = 4000


@dataclass(frozen=True)
class Check:
    indicator: str
    as_of: int  # the fit uses figures up to this year
    points: int  # stock figures the fit had
    weak: bool  # the refit's own weak flag (no spare point or a bound)
    year: int  # a later year with an actual figure
    actual: float
    p10: float
    p50: float
    p90: float
    rank: float  # share of draws below the actual figure (ties count half)

    @property
    def inside(self) -> bool:
        return self.p10 <= self.actual <= self.p90

    def as_dict(self) -> dict:
        return {**asdict(self), "inside": self.inside}


def _figures(pack: Pack) -> list:
    """Every dated figure of the pack: its series, its base year and its actual figures after it."""
    seen = {}
    for obs in (*pack.series, *pack.baseline.values(), *pack.actuals):
        if getattr(obs, "use", True):
            seen[(obs.indicator, obs.year)] = obs
    return list(seen.values())


def track_record(pack: Pack, seed: int = Settings().seed, draws: int = TRACK_DRAWS) -> list[Check]:
    """Every (count, past year, later figure) check the pack's figures allow."""
    figures = _figures(pack)
    dispersion = float(pack.presets.get("trend", {}).get("foundings_dispersion", 0.0))
    out: list[Check] = []
    for kind in COUNT_KINDS:
        stocks = sorted((o for o in figures if o.indicator == kind), key=lambda o: o.year)
        for i, last in enumerate(stocks):
            known = [o for o in figures if o.year <= last.year]
            later = stocks[i + 1:]
            if len([o for o in known if o.indicator == kind]) < MIN_POINTS or not later:
                continue
            fit = fit_counts(kind, known, last.year)
            if fit is None:
                continue
            out.extend(_checks(pack, kind, fit, last, later, dispersion, seed, draws))
    return out


def _checks(pack: Pack, kind: str, fit, last, later, dispersion: float, seed: int, draws: int) -> list[Check]:
    levers = {lv.id: lv for lv in pack.levers if lv.id in fit.lever_values()}
    fitted = {lv.id: lv for lv in _with_fits(tuple(levers.values()), (fit,))}
    values = {k: v for k, v in fit.lever_values().items() if k in fitted}
    drawn = draw_levers(values, Settings(draws, seed), fitted)
    zeros = np.zeros(draws)
    steps = later[-1].year - last.year
    stock, _, _ = _count_paths(seed, kind, ((0, float(last.value)),), (), steps,
                               drawn[f"{kind}_new_per_year"], drawn.get(f"{kind}_new_growth", zeros),
                               drawn[f"{kind}_dissolution_rate"], np.full(draws, dispersion))
    checks = []
    for obs in later:
        column = stock[:, obs.year - last.year]
        p10, p50, p90 = (float(x) for x in np.percentile(column, [10, 50, 90]))
        rank = float(np.mean(column < obs.value) + 0.5 * np.mean(column == obs.value))
        checks.append(Check(kind, last.year, sum(1 for y in fit.indicators if y == kind), fit.weak, obs.year,
                            float(obs.value), p10, p50, p90, rank))
    return checks


def coverage(checks: list[Check]) -> tuple[int, int]:
    """(inside the p10–p90 band, all checks)."""
    return sum(c.inside for c in checks), len(checks)

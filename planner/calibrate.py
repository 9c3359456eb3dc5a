"""Fitting the birth–death model to a pack's history (scipy ``least_squares`` with bounds).

The "trend" preset of a pack may say ``fit`` instead of a number for a count's levers: the values
then come from this fit, and the Data page shows the fit beside the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import optimize


class Point(Protocol):
    """A dated figure (packs.Observation fits): kept structural so this module needs no pack import."""

    indicator: str
    year: int
    value: float

MIN_POINTS = 3
# Bounds keep the fit inside what the levers allow and away from degenerate corners.
GROWTH_BOUNDS = (-0.2, 0.3)
DISSOLUTION_BOUNDS = (0.0, 0.3)


@dataclass(frozen=True)
class Fit:
    kind: str  # htx | tht | lhhtx
    new_per_year: float  # λ0: mean foundings in the first year after the base year
    growth: float  # g
    dissolution_rate: float  # δ
    rmse: float  # root mean square error, in organisations
    mape: float  # mean absolute percentage error of the stock
    points: int
    years: tuple[int, ...]
    observed: tuple[float, ...]
    fitted: tuple[float, ...]
    indicators: tuple[str, ...]  # which series each point belongs to (stock or foundings)

    def lever_values(self) -> dict[str, float]:
        out = {f"{self.kind}_new_per_year": round(self.new_per_year, 2),
               f"{self.kind}_dissolution_rate": round(self.dissolution_rate, 4)}
        if self.kind != "lhhtx":
            out[f"{self.kind}_new_growth"] = round(self.growth, 4)
        return out


def stock_path(start: float, years: np.ndarray, lam0: float, growth: float, delta: float,
               base_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean stock and mean foundings for years[0]..years[-1], starting from ``start`` at years[0]."""
    stock = np.empty(len(years))
    new = np.zeros(len(years))
    stock[0] = start
    for i in range(1, len(years)):
        new[i] = lam0 * (1 + growth) ** (years[i] - base_year - 1)
        stock[i] = stock[i - 1] * (1 - delta) + new[i]
    return stock, new


def fit_counts(kind: str, series: Sequence[Point], base_year: int, hold_growth: bool = False) -> Fit | None:
    """Fit λ0, g and δ of one count to its stock series (and yearly foundings where known).

    Returns None with fewer than ``MIN_POINTS`` stock points.  Residuals are relative, so a fit over
    tens of thousands of HTX and a handful of foundings weigh alike; with only three points growth
    is held at zero (three unknowns from three points would be an exact, meaningless fit).
    ``hold_growth`` holds it at zero anyway (a refit on more points keeps the form of the pack's fit).
    """
    stock_obs = sorted((o for o in series if o.indicator == kind), key=lambda o: o.year)
    if len(stock_obs) < MIN_POINTS:
        return None
    first = stock_obs[0].year
    # Foundings are modelled only after the first stock point, where the path starts.
    new_obs = sorted((o for o in series if o.indicator == f"new_{kind}" and o.year > first),
                     key=lambda o: o.year)
    years = np.arange(first, max(o.year for o in stock_obs + new_obs) + 1)
    s_idx = np.array([o.year - first for o in stock_obs])
    s_val = np.array([o.value for o in stock_obs])
    n_idx = np.array([o.year - first for o in new_obs], dtype=int)
    n_val = np.array([o.value for o in new_obs])
    free_growth = len(stock_obs) + len(new_obs) > MIN_POINTS and not hold_growth

    def unpack(x: np.ndarray) -> tuple[float, float, float]:
        return (x[0], x[1], x[2]) if free_growth else (x[0], 0.0, x[1])

    def residuals(x: np.ndarray) -> np.ndarray:
        lam0, growth, delta = unpack(x)
        stock, new = stock_path(s_val[0], years, lam0, growth, delta, base_year)
        res = (stock[s_idx] - s_val) / s_val
        if len(n_idx):
            res = np.concatenate([res, (new[n_idx] - n_val) / np.maximum(n_val, 1)])
        return res

    scale = max(s_val.mean(), 1.0)
    lam_guess = max((s_val[-1] - s_val[0]) / max(len(years) - 1, 1), 0.0) + 0.05 * scale
    if free_growth:
        x0 = [lam_guess, 0.0, 0.05]
        bounds = ([0.0, GROWTH_BOUNDS[0], DISSOLUTION_BOUNDS[0]], [10 * scale, GROWTH_BOUNDS[1], DISSOLUTION_BOUNDS[1]])
    else:
        x0 = [lam_guess, 0.05]
        bounds = ([0.0, DISSOLUTION_BOUNDS[0]], [10 * scale, DISSOLUTION_BOUNDS[1]])
    sol = optimize.least_squares(residuals, x0, bounds=bounds, x_scale="jac")
    lam0, growth, delta = unpack(sol.x)
    stock, new = stock_path(s_val[0], years, lam0, growth, delta, base_year)
    fitted = [stock[i] for i in s_idx] + [new[i] for i in n_idx]
    observed = list(s_val) + list(n_val)
    errors = np.array(fitted) - np.array(observed)
    return Fit(kind, float(lam0), float(growth), float(delta),
               float(np.sqrt(np.mean(errors[: len(s_idx)] ** 2))),
               float(np.mean(np.abs(errors[: len(s_idx)]) / s_val)),
               len(observed), tuple(int(o.year) for o in stock_obs + new_obs),
               tuple(float(v) for v in observed), tuple(float(v) for v in fitted),
               tuple([kind] * len(s_idx) + [f"new_{kind}"] * len(n_idx)))

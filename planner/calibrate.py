"""Fitting the birth–death model to a pack's history (scipy ``least_squares`` with bounds).

The "trend" preset of a pack may say ``fit`` instead of a number for a count's levers: the values
then come from this fit, and the Data page shows the fit beside the data.
"""

from __future__ import annotations

import math
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
WEAK_WIDENING = 2.0  # a weak fit's spread: at least twice the lever's default range
# Measurement error of one published figure, relative: a stock is known to about 1 % (the two 2024
# national HTX counts, 33,335 and 33,557, differ by 0.7 %); one year's foundings vary by the
# documented dispersion of foundings (12 %: the two 2024 national counts, 2,197 and 1,942).
STOCK_REL_SD = 0.01
FOUNDINGS_REL_SD = 0.12


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
    indicators: tuple[str, ...]  # which series each point belongs to (stock, foundings, dissolutions)
    # The fit's own uncertainty: the lever ids of the free parameters, their covariance (from the
    # Jacobian, s²·(JᵀJ)⁻¹, correlations kept), the residual degrees of freedom (informative points
    # less free parameters: the first stock point is where the path starts, so it informs nothing)
    # and the parameters that ended on a bound.
    params: tuple[str, ...] = ()
    cov: tuple[tuple[float, ...], ...] = ()
    dof: int = 0
    at_bound: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()  # each point's year, or "2015–2020" for a total over years

    @property
    def weak(self) -> bool:
        """No spare data point, or a parameter on its bound: the fit says little about its levers."""
        return self.dof <= 0 or bool(self.at_bound) or not self.cov

    def sd(self) -> dict[str, float]:
        """Standard deviation of each free parameter; for a weak fit, at least twice the lever's default.

        A weak fit must not look precise: with no spare point the covariance is undefined, and a
        parameter on its bound has a curvature that understates how little is known.
        """
        from .registry import LEVER_BY_ID

        values = {f"{self.kind}_new_per_year": self.new_per_year, f"{self.kind}_new_growth": self.growth,
                  f"{self.kind}_dissolution_rate": self.dissolution_rate}
        out = {}
        for i, lever_id in enumerate(self.params):
            sd = math.sqrt(max(self.cov[i][i], 0.0)) if self.cov else 0.0
            if self.weak:
                lever = LEVER_BY_ID[lever_id]
                offset = max(abs(lever.spread[0]), abs(lever.spread[1]))
                default = offset * abs(values[lever_id]) if lever.spread_mode == "mult" else offset
                sd = max(sd if math.isfinite(sd) else 0.0, WEAK_WIDENING * default / math.sqrt(6))
            out[lever_id] = sd
        return out

    def correlation(self) -> np.ndarray:
        """Correlation matrix of the free parameters (identity for a weak fit: its covariance is not trusted)."""
        k = len(self.params)
        if self.weak or not self.cov:
            return np.eye(k)
        cov = np.array(self.cov)
        d = np.sqrt(np.maximum(np.diag(cov), 1e-300))
        corr = cov / np.outer(d, d)
        return np.clip((corr + corr.T) / 2, -1.0, 1.0)

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


def _flows(series: Sequence[Point], indicator: str) -> list[tuple[int, int, float]]:
    """(first year, last year, value) of a flow's observations; a row with ``from_year`` is a total."""
    out = []
    for o in series:
        if o.indicator == indicator:
            first = getattr(o, "from_year", None) or o.year
            out.append((int(first), int(o.year), float(o.value)))
    return sorted(out, key=lambda r: (r[1], r[0]))


def fit_counts(kind: str, series: Sequence[Point], base_year: int, hold_growth: bool = False) -> Fit | None:
    """Fit λ0, g and δ of one count to its stock series, its foundings and its dissolutions.

    The stock pins δ through its changes, dissolutions pin it directly; foundings alone cannot, so the
    fit needs ``MIN_POINTS`` stock and dissolution figures together, at least one of them a stock.  The
    path runs forward from the first stock figure and backward before it
    (S_{t−1} = (S_t − N_t) / (1 − δ)), so foundings and dissolutions of earlier years, or totals over
    several years (``from_year``), count too.  Residuals are relative, so a fit over tens of thousands
    of HTX and a handful of foundings weigh alike; with only ``MIN_POINTS`` figures in all, growth is
    held at zero (three unknowns from three points would be an exact, meaningless fit).
    ``hold_growth`` holds it at zero anyway (a refit on more points keeps the form of the pack's fit).
    """
    stock_obs = sorted((o for o in series if o.indicator == kind), key=lambda o: o.year)
    new_obs = _flows(series, f"new_{kind}")
    gone_obs = _flows(series, f"dissolved_{kind}")
    if not stock_obs or len(stock_obs) + len(gone_obs) < MIN_POINTS:
        return None
    anchor = stock_obs[0].year
    first = min([anchor] + [f for f, _, _ in new_obs] + [f - 1 for f, _, _ in gone_obs])
    last = max([o.year for o in stock_obs] + [y for _, y, _ in new_obs + gone_obs])
    years = np.arange(first, last + 1)
    a = anchor - first
    s_idx = np.array([o.year - first for o in stock_obs])
    s_val = np.array([o.value for o in stock_obs])
    free_growth = len(stock_obs) + len(new_obs) + len(gone_obs) > MIN_POINTS and not hold_growth

    def unpack(x: np.ndarray) -> tuple[float, float, float]:
        return (x[0], x[1], x[2]) if free_growth else (x[0], 0.0, x[1])

    def paths(lam0: float, growth: float, delta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        new = lam0 * (1 + growth) ** (years - base_year - 1.0)
        stock = np.empty(len(years))
        stock[a] = s_val[0]
        for i in range(a + 1, len(years)):
            stock[i] = stock[i - 1] * (1 - delta) + new[i]
        for i in range(a, 0, -1):  # back in time: the stock the year before, clipped at zero
            stock[i - 1] = max((stock[i] - new[i]) / (1 - delta), 0.0)
        gone = np.zeros(len(years))
        gone[1:] = delta * stock[:-1]
        return stock, new, gone

    def totals(flow: np.ndarray, obs: list[tuple[int, int, float]]) -> np.ndarray:
        return np.array([flow[f - first:y - first + 1].sum() for f, y, _ in obs])

    def residuals(x: np.ndarray) -> np.ndarray:
        stock, new, gone = paths(*unpack(x))
        parts = [(stock[s_idx] - s_val) / s_val]
        for flow, obs in ((new, new_obs), (gone, gone_obs)):
            if obs:
                values = np.array([v for _, _, v in obs])
                parts.append((totals(flow, obs) - values) / np.maximum(values, 1))
        return np.concatenate(parts)

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
    params = ((f"{kind}_new_per_year", f"{kind}_new_growth", f"{kind}_dissolution_rate") if free_growth
              else (f"{kind}_new_per_year", f"{kind}_dissolution_rate"))
    informative = len(s_idx) - 1 + len(new_obs) + len(gone_obs)
    dof = informative - len(params)
    cov: tuple[tuple[float, ...], ...] = ()
    if dof > 0:
        # Each point weighed by its measurement error; the covariance (JᵀWJ)⁻¹ is inflated by the
        # residuals' own scatter where that exceeds the measurement error (the Birge ratio).
        sd = np.concatenate([np.full(len(s_idx), STOCK_REL_SD),
                             np.full(len(new_obs) + len(gone_obs), FOUNDINGS_REL_SD)])
        jac = sol.jac / sd[:, None]
        chi2 = float(np.sum((sol.fun / sd) ** 2))
        matrix = max(1.0, chi2 / dof) * np.linalg.pinv(jac.T @ jac)
        if np.all(np.isfinite(matrix)):
            cov = tuple(tuple(float(v) for v in row) for row in matrix)
    low_b, high_b = bounds
    at_bound = tuple(name for name, x, lo, hi in zip(params, sol.x, low_b, high_b, strict=True)
                     if min(abs(x - lo), abs(x - hi)) <= 1e-6 * max(1.0, abs(hi - lo)))
    stock, new, gone = paths(lam0, growth, delta)
    fitted = [stock[i] for i in s_idx] + list(totals(new, new_obs)) + list(totals(gone, gone_obs))
    observed = list(s_val) + [v for _, _, v in new_obs] + [v for _, _, v in gone_obs]
    errors = np.array(fitted) - np.array(observed)
    flows = [(f, y, f"new_{kind}") for f, y, _ in new_obs] + [(f, y, f"dissolved_{kind}") for f, y, _ in gone_obs]
    return Fit(kind, float(lam0), float(growth), float(delta),
               float(np.sqrt(np.mean(errors[: len(s_idx)] ** 2))),
               float(np.mean(np.abs(errors[: len(s_idx)]) / s_val)),
               len(observed), tuple(int(o.year) for o in stock_obs) + tuple(y for _, y, _ in flows),
               tuple(float(v) for v in observed), tuple(float(v) for v in fitted),
               tuple([kind] * len(s_idx) + [ind for _, _, ind in flows]),
               params, cov, dof, at_bound,
               tuple(str(o.year) for o in stock_obs) + tuple(f"{f}–{y}" if f != y else str(y) for f, y, _ in flows))


MIN_FOUNDING_YEARS = 3


def fit_dispersion(series: Sequence[Point], kinds: Sequence[str] = ("htx", "tht", "lhhtx")) -> tuple[float | None, int]:
    """The foundings' coefficient of variation beyond Poisson, by the method of moments.

    For yearly founding counts x_t of one kind around their mean m (a series of at least
    ``MIN_FOUNDING_YEARS`` years), Var = m + φ²m² gives φ² = (s² − m) / m²; kinds are pooled by
    averaging φ² over those with enough years.  Returns (φ, years used) or (None, years) when the
    data do not allow a fit (the documented default then applies).
    """
    estimates, used = [], 0
    for kind in kinds:
        counts = np.array([o.value for o in series if o.indicator == f"new_{kind}"
                           and getattr(o, "from_year", None) is None], dtype=float)  # yearly counts only
        used = max(used, len(counts))
        if len(counts) < MIN_FOUNDING_YEARS:
            continue
        m, s2 = counts.mean(), counts.var(ddof=1)
        if m > 0:
            estimates.append(max(s2 - m, 0.0) / m**2)
    if not estimates:
        return None, used
    return float(math.sqrt(np.mean(estimates))), used

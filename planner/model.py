"""The growth models of the planner, vectorised over Monte Carlo draws (arrays shaped draws × years).

One recursion serves both paths: the deterministic path runs it on one "draw" with the expected
flows (the means); the Monte Carlo runs it on every draw with sampled foundings (Poisson),
dissolutions (Binomial) and exporters (Poisson), on top of lever values drawn from triangular
distributions.  There is no Python loop over draws; the only loop is over the ~23 years.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import PlannerError
from .packs import Pack
from .registry import ADOPTION, COUNT_KINDS, LEVER_BY_ID, LEVERS, Lever

DEFAULT_DRAWS = 5000
DEFAULT_SEED = 20230913  # the plan's date: any fixed number would do, this one is easy to recall
MAX_DRAWS = 200_000

# Indicators that are computed from others: the good/fair share and the high-tech count need the
# HTX stock of the same draw.
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "good_fair_share": ("htx", "new_htx"),
    "hightech": ("htx", "new_htx"),
    "new_htx": ("htx",),
    "new_tht": ("tht",),
    "new_lhhtx": ("lhhtx",),
}
_LEVER_INDEX = {lever.id: i for i, lever in enumerate(LEVERS)}
_STREAM = {name: 1000 + i for i, name in enumerate(
    ("htx_new", "htx_gone", "tht_new", "tht_gone", "lhhtx_new", "lhhtx_gone", "export"))}


@dataclass(frozen=True)
class Settings:
    """How the uncertainty is sampled.  ``uncertainty`` scales every lever's range (0 fixes them)."""

    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    uncertainty: float = 1.0
    window_start: int | None = None  # first year whose foundings count; None: the pack's

    def __post_init__(self) -> None:
        if not 1 <= int(self.draws) <= MAX_DRAWS:
            raise PlannerError(f"số lượt mô phỏng phải từ 1 đến {MAX_DRAWS}",
                               f"draws must be between 1 and {MAX_DRAWS}", "--draws")
        if not 0 <= self.uncertainty <= 3:
            raise PlannerError("mức bất định phải từ 0 đến 3", "uncertainty must be between 0 and 3",
                               "--uncertainty")
        if not 0 <= int(self.seed) < 2**63:
            raise PlannerError("hạt giống phải là số nguyên không âm", "seed must be a non-negative integer",
                               "--seed")


@dataclass
class Projection:
    """Paths of every modelled indicator.  ``deterministic[i]`` is (years,), ``draws[i]`` (n, years)."""

    years: np.ndarray
    deterministic: dict[str, np.ndarray]
    draws: dict[str, np.ndarray]
    lever_draws: dict[str, np.ndarray] = field(default_factory=dict)

    def column(self, year: int) -> int:
        return int(year - self.years[0])


def indicators_needed(wanted: set[str] | frozenset[str]) -> set[str]:
    """The closure of ``wanted`` under ``DEPENDS_ON``."""
    out, todo = set(), list(wanted)
    while todo:
        ind = todo.pop()
        if ind not in out:
            out.add(ind)
            todo.extend(DEPENDS_ON.get(ind, ()))
    return out


def levers_affecting(indicator: str, pack: Pack) -> tuple[Lever, ...]:
    """Levers whose value can change ``indicator`` (directly or through the HTX stock)."""
    closure = indicators_needed({indicator})
    return tuple(lv for lv in pack.levers if set(lv.drives) & closure)


def draw_levers(values: dict[str, float], settings: Settings,
                levers: dict[str, Lever] | None = None) -> dict[str, np.ndarray]:
    """Triangular draws around each lever's value, with common random numbers.

    Each lever takes its uniforms from its own stream (seeded by the seed and the lever's place in
    the registry), so the same numbers serve every scenario: a difference between two scenarios
    comes from the levers, not from the noise.  Inverse-CDF sampling keeps every draw monotone in
    the lever's value.
    """
    n, scale = int(settings.draws), float(settings.uncertainty)
    levers = levers or LEVER_BY_ID
    out = {}
    for lever_id, value in values.items():
        lever = levers[lever_id]
        low, high = lever_range(lever, value, scale)
        if high - low <= 1e-12 or n == 1:
            out[lever_id] = np.full(n, float(value))
            continue
        mode = min(max(value, low), high)
        u = np.random.default_rng([settings.seed, _LEVER_INDEX[lever_id]]).random(n)
        cut = (mode - low) / (high - low)
        left = low + np.sqrt(u * (high - low) * (mode - low))
        right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
        out[lever_id] = np.where(u < cut, left, right)
    return out


def lever_range(lever: Lever, value: float, scale: float) -> tuple[float, float]:
    """The low and high ends of a lever's uncertainty range around ``value`` (within its bounds)."""
    lo_off, hi_off = lever.spread
    if lever.spread_mode == "mult":
        low, high = value * (1 + scale * lo_off), value * (1 + scale * hi_off)
    else:
        low, high = value + scale * lo_off, value + scale * hi_off
    return max(low, lever.lo), min(high, lever.hi)


def bass_step(a: np.ndarray, p: np.ndarray, q: np.ndarray, ceiling: np.ndarray) -> np.ndarray:
    """One year of discrete Bass diffusion toward ``ceiling``.

    a' = a + (p + q·a/K)(K − a).  A share already above the ceiling stays where it is (a ceiling is
    the most that can be reached, not a force downwards), and a step never overshoots the ceiling.
    """
    safe_k = np.where(ceiling > 0, ceiling, 1.0)
    gain = (p + q * a / safe_k) * (ceiling - a)
    gain = np.where((ceiling > 0) & (gain > 0), gain, 0.0)
    return np.minimum(a + gain, np.maximum(ceiling, a))


def project(pack: Pack, values: dict[str, float], settings: Settings | None = None,
            wanted: set[str] | frozenset[str] | None = None, monte_carlo: bool = True) -> Projection:
    """Project the pack's indicators from its base year to its horizon.

    ``values`` maps lever ids to values (all the pack's levers); ``wanted`` limits the work to some
    indicators (and what they depend on).
    """
    settings = settings or Settings()
    base_year, horizon = pack.base_year, pack.horizon
    years = np.arange(base_year, horizon + 1)
    steps = len(years) - 1
    todo = indicators_needed(set(wanted) if wanted is not None else set(pack.indicators))
    todo &= set(pack.indicators)
    det = _run(pack, {k: np.array([v], dtype=float) for k, v in values.items()}, todo, steps, None)
    det = {k: v[0] for k, v in det.items()}
    draws: dict[str, np.ndarray] = {}
    lever_draws: dict[str, np.ndarray] = {}
    if monte_carlo:
        pack_levers = {lv.id: lv for lv in pack.levers}
        lever_draws = draw_levers({k: v for k, v in values.items() if k in pack_levers}, settings, pack_levers)
        draws = _run(pack, lever_draws, todo, steps, settings.seed)
    return Projection(years, det, draws, lever_draws)


def _run(pack: Pack, lv: dict[str, np.ndarray], todo: set[str], steps: int,
         seed: int | None) -> dict[str, np.ndarray]:
    """The recursion on arrays shaped (n,).  ``seed=None``: expected flows (the deterministic path)."""
    n = len(next(iter(lv.values()))) if lv else 1
    base = pack.baseline
    out: dict[str, np.ndarray] = {}
    sampled = seed is not None

    def rng(stream: str) -> np.random.Generator:
        return np.random.default_rng([seed, _STREAM[stream]])

    dissolved_htx = np.zeros((n, steps + 1))
    for kind in COUNT_KINDS:
        if kind not in todo:
            continue
        lam0 = lv[f"{kind}_new_per_year"]
        growth = lv.get(f"{kind}_new_growth", np.zeros(n))
        delta = lv[f"{kind}_dissolution_rate"]
        stock = np.empty((n, steps + 1))
        new = np.zeros((n, steps + 1))
        gone = np.zeros((n, steps + 1))
        stock[:, 0] = base[kind].value
        # Mean foundings λ_t = λ0·(1+g)^(t−B−1): the first projected year has λ0.
        lam = lam0[:, None] * (1 + growth[:, None]) ** np.arange(steps)[None, :]
        if sampled:
            new[:, 1:] = rng(f"{kind}_new").poisson(lam)
            births_rng = rng(f"{kind}_gone")
            for t in range(1, steps + 1):
                gone[:, t] = births_rng.binomial(stock[:, t - 1].astype(np.int64), delta)
                stock[:, t] = stock[:, t - 1] + new[:, t] - gone[:, t]
        else:
            new[:, 1:] = lam
            for t in range(1, steps + 1):
                gone[:, t] = delta * stock[:, t - 1]
                stock[:, t] = stock[:, t - 1] + new[:, t] - gone[:, t]
        out[kind], out[f"new_{kind}"] = stock, new
        if kind == "htx":
            dissolved_htx = gone

    if "good_fair_share" in todo:
        out["good_fair_share"] = _quality(lv, base["good_fair_share"].value, out["htx"],
                                          out["new_htx"], dissolved_htx)
    for family, indicator in ADOPTION.items():
        if indicator not in todo:
            continue
        start = base[indicator].value
        if indicator == "hightech":  # the baseline is a count: the diffusion runs on the share
            start = start / max(base["htx"].value, 1.0)
        share = np.empty((n, steps + 1))
        share[:, 0] = start
        p, q, k = lv[f"{family}_p"], lv[f"{family}_q"], lv[f"{family}_ceiling"]
        for t in range(1, steps + 1):
            share[:, t] = bass_step(share[:, t - 1], p, q, k)
        out[indicator] = share * out["htx"] if indicator == "hightech" else share
    if "export" in todo:
        mean = base["export"].value * (1 + lv["export_growth"][:, None]) ** np.arange(steps + 1)[None, :]
        if sampled:
            mean = mean.copy()
            mean[:, 1:] = rng("export").poisson(mean[:, 1:])
        out["export"] = mean
    return out


def export_means(pack: Pack, growth: np.ndarray, year: int) -> np.ndarray:
    """Expected number of direct exporters in ``year`` for each draw's growth rate."""
    return pack.baseline["export"].value * (1 + growth) ** (year - pack.base_year)


def founding_means(lam0: np.ndarray, growth: np.ndarray, base_year: int, first: int,
                   last: int) -> np.ndarray:
    """Expected foundings summed over years first..last, per draw: Σ λ0·(1+g)^(t−B−1)."""
    exponents = np.arange(first - base_year - 1, last - base_year)
    return (lam0[:, None] * (1 + growth[:, None]) ** exponents[None, :]).sum(axis=1)


def _quality(lv: dict[str, np.ndarray], start_share: float, stock: np.ndarray, new: np.ndarray,
             gone: np.ndarray) -> np.ndarray:
    """Two-class stock: G good/fair and W the rest, with G + W equal to the HTX stock.

    Each year, dissolutions come first (a share f from W, capped by W, the rest from G), then a
    share u of W is upgraded and a share v of G downgraded, then the new HTX arrive (a share e good).
    """
    u, v = lv["quality_upgrade_rate"], lv["quality_downgrade_rate"]
    e, f = lv["quality_new_good_share"], lv["quality_dissolution_weak_share"]
    steps = stock.shape[1] - 1
    good = stock[:, 0] * start_share
    weak = stock[:, 0] - good
    share = np.empty_like(stock)
    share[:, 0] = start_share
    for t in range(1, steps + 1):
        from_weak = np.minimum(f * gone[:, t], weak)
        from_good = np.minimum(gone[:, t] - from_weak, good)
        weak = weak - from_weak
        good = good - from_good
        up, down = u * weak, v * good
        good = good + up - down + e * new[:, t]
        weak = weak - up + down + (1 - e) * new[:, t]
        total = good + weak
        share[:, t] = np.where(total > 0, good / np.where(total > 0, total, 1.0), 0.0)
    return share

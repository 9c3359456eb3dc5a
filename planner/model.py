"""The growth models of the planner, vectorised over Monte Carlo draws (arrays shaped draws × years).

One recursion serves both paths: the deterministic path runs it on one "draw" with the expected
flows (the means); the Monte Carlo runs it on every draw with sampled foundings (Poisson),
dissolutions (Binomial) and exporters (Poisson), on top of lever values drawn from triangular
distributions.  There is no Python loop over draws; the only loop is over the ~23 years.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .errors import PlannerError
from .monitoring import Evidence, default_evidence, start_points
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
    evidence: Evidence | None = None  # the actual figures the paths start from

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
            wanted: set[str] | frozenset[str] | None = None, monte_carlo: bool = True,
            evidence: Evidence | None = None) -> Projection:
    """Project the pack's indicators from its base year to its horizon.

    ``values`` maps lever ids to values (all the pack's levers); ``wanted`` limits the work to some
    indicators (and what they depend on).  ``evidence`` holds the actual figures each indicator starts
    from (default: the pack's own, as the pack says; ``monitoring.no_evidence`` for none).  Monte Carlo
    sub-models are memoised on their own levers, so moving one lever recomputes only the sub-models it
    feeds (what makes a slider feel instant).
    """
    settings = settings or Settings()
    evidence = evidence if evidence is not None else default_evidence(pack)
    years = np.arange(pack.base_year, pack.horizon + 1)
    steps = len(years) - 1
    todo = indicators_needed(set(wanted) if wanted is not None else set(pack.indicators))
    todo &= set(pack.indicators)
    levers = {lv.id: lv for lv in pack.levers}

    def expected(ids: tuple[str, ...]) -> tuple[np.ndarray, ...]:
        return tuple(np.array([float(values[i])]) if i in levers else np.zeros(1) for i in ids)

    starts = _starts(pack, evidence, todo)
    det = _paths(pack, todo, steps, expected, starts, seed=None)
    det = {k: v[0] for k, v in det.items()}
    draws: dict[str, np.ndarray] = {}
    lever_draws: dict[str, np.ndarray] = {}
    if monte_carlo:
        def sampled(ids: tuple[str, ...]) -> tuple[np.ndarray, ...]:
            return tuple(_draw_one(levers[i], float(values[i]), settings.draws, settings.seed,
                                   settings.uncertainty) if i in levers else _zeros(settings.draws)
                         for i in ids)

        draws = _paths(pack, todo, steps, sampled, starts, seed=settings.seed)
        lever_draws = {i: _draw_one(levers[i], float(values[i]), settings.draws, settings.seed,
                                    settings.uncertainty) for i in values if i in levers}
    return Projection(years, det, draws, lever_draws, evidence)


@lru_cache(maxsize=512)
def _draw_one(lever: Lever, value: float, draws: int, seed: int, scale: float) -> np.ndarray:
    array = draw_levers({lever.id: value}, Settings(draws, seed, scale), {lever.id: lever})[lever.id]
    array.flags.writeable = False  # shared through the memo: nobody may change it
    return array


@lru_cache(maxsize=8)
def _zeros(draws: int) -> np.ndarray:
    """A lever the pack lacks (e.g. unions have no founding growth): zero, shared for the memo."""
    array = np.zeros(draws)
    array.flags.writeable = False
    return array


def _count_ids(kind: str) -> tuple[str, str, str]:
    return f"{kind}_new_per_year", f"{kind}_new_growth", f"{kind}_dissolution_rate"


def _adoption_ids(family: str) -> tuple[str, str, str]:
    return f"{family}_p", f"{family}_q", f"{family}_ceiling"


def _starts(pack: Pack, evidence: Evidence, todo: set[str]) -> dict[str, tuple[tuple[int, float], ...]]:
    """Known points of every wanted path as (column, value): the base year and the used figures of
    stocks and shares; for foundings (``new_*``) the recorded years.  Plain tuples, so the memo keys on
    them and a slider move does not recompute a sub-model whose figures and levers are unchanged."""
    base = pack.base_year
    out: dict[str, tuple[tuple[int, float], ...]] = {}
    for ind in todo | {f"new_{k}" for k in COUNT_KINDS if k in todo}:
        if ind.startswith("new_"):
            out[ind] = tuple((y - base, v) for y, v in evidence.points(ind) if y > base)
        elif ind in pack.baseline:
            out[ind] = tuple((y - base, v) for y, v in start_points(pack, evidence, ind))
    return out


def _paths(pack: Pack, todo: set[str], steps: int, lever_arrays, starts: dict,
           seed: int | None) -> dict[str, np.ndarray]:
    """Every wanted indicator's paths.  ``seed=None``: expected flows (the deterministic path)."""
    base = pack.baseline
    out: dict[str, np.ndarray] = {}
    gone_htx = None
    for kind in COUNT_KINDS:
        if kind in todo:
            stock, new, gone = _memo(_count_paths, seed, kind, starts[kind], starts[f"new_{kind}"], steps,
                                     *lever_arrays(_count_ids(kind)))
            out[kind], out[f"new_{kind}"] = stock, new
            if kind == "htx":
                gone_htx = gone
    if "good_fair_share" in todo:
        out["good_fair_share"] = _memo(
            _quality, seed, starts["good_fair_share"], starts["htx"][-1][0], out["htx"], out["new_htx"],
            gone_htx,
            *lever_arrays(("quality_upgrade_rate", "quality_downgrade_rate", "quality_new_good_share",
                           "quality_dissolution_weak_share")))
    for family, indicator in ADOPTION.items():
        if indicator not in todo:
            continue
        known = starts[indicator]
        if indicator == "hightech" and known[-1][0] > 0:
            # A count observed after the base year: its share is count / the HTX stock of that year in
            # the same draw, so every draw passes through the observed count and diffuses from there.
            share = _memo(_bass_path, seed, known, steps, *lever_arrays(_adoption_ids(family)), out["htx"])
            count = share * out["htx"]
            cols, vals = zip(*known, strict=True)
            upto = known[-1][0] + 1
            count[:, :upto] = np.interp(np.arange(upto), cols, vals)  # exactly the figures, not c/S·S
            out[indicator] = count
            continue
        if indicator == "hightech":  # the baseline is a count: the diffusion runs on the share
            known = ((0, known[0][1] / max(base["htx"].value, 1.0)),)
        share = _memo(_bass_path, seed, known, steps, *lever_arrays(_adoption_ids(family)))
        out[indicator] = share * out["htx"] if indicator == "hightech" else share
    if "export" in todo:
        out["export"] = _memo(_export_path, seed, starts["export"], steps, *lever_arrays(("export_growth",)))
    return out


def _known_stretch(known: tuple[tuple[int, float], ...]) -> tuple[int, np.ndarray]:
    """The last known column and the path up to it: the figures, linear between them."""
    last = known[-1][0]
    cols, vals = zip(*known, strict=True)
    return last, np.interp(np.arange(last + 1), cols, vals)


# --- Memo of the Monte Carlo sub-models ----------------------------------------------------------
# Keyed on the identity of the (memoised, read-only) input arrays: the same lever draws give the
# same object, so a sub-model whose levers did not move is not recomputed.
_MEMO: dict[tuple, object] = {}
_MEMO_LIMIT = 32
_MEMO_LOCK = threading.Lock()  # the app serves many sessions from threads


def _memo(fn, seed: int | None, *args):
    if seed is None:
        return fn(seed, *args)
    key = (fn.__name__, seed, *(("array", id(a)) if isinstance(a, np.ndarray) else a for a in args))
    with _MEMO_LOCK:
        hit = _MEMO.pop(key, None)
        if hit is not None:
            _MEMO[key] = hit  # most recently used goes last; the oldest is evicted first
    if hit is not None and all(r is a for r, a in zip(hit[0], args, strict=True) if isinstance(a, np.ndarray)):
        return hit[1]
    result = fn(seed, *args)
    for part in result if isinstance(result, tuple) else (result,):
        part.flags.writeable = False
    with _MEMO_LOCK:
        while len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.pop(next(iter(_MEMO)))
        # Keep the inputs alive with the result, so their ids cannot be reused by other arrays.
        _MEMO[key] = (args, result)
    return result


def _count_paths(seed: int | None, kind: str, known: tuple, recorded: tuple, steps: int, lam0: np.ndarray,
                 growth: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Birth–death stock: foundings Poisson(λ_t), dissolutions Binomial(S_{t−1}, δ) (or their means).

    ``known``: (column, stock) figures, the base year first; the path passes through them and is linear
    between them, and grows from the last one.  ``recorded``: (column, foundings) counted as done in
    every draw; the other years' foundings are projected.  Up to the last stock figure the
    dissolutions are those the figures imply (never below zero).
    """
    n = len(lam0)
    stock = np.empty((n, steps + 1))
    new = np.zeros((n, steps + 1))
    gone = np.zeros((n, steps + 1))
    # Mean foundings λ_t = λ0·(1+g)^(t−B−1): the first projected year has λ0.
    lam = lam0[:, None] * (1 + growth[:, None]) ** np.arange(steps)[None, :]
    if seed is None:
        new[:, 1:] = lam
    else:
        new[:, 1:] = np.random.default_rng([seed, _STREAM[f"{kind}_new"]]).poisson(lam)
        dissolutions = np.random.default_rng([seed, _STREAM[f"{kind}_gone"]])
    for col, count in recorded:
        if col <= steps:
            new[:, col] = count
    first, path = _known_stretch(known)
    stock[:, : first + 1] = path
    if first:
        implied = stock[:, :first] + new[:, 1: first + 1] - stock[:, 1: first + 1]
        gone[:, 1: first + 1] = np.maximum(implied, 0.0)
    for t in range(first + 1, steps + 1):
        if seed is None:
            gone[:, t] = delta * stock[:, t - 1]
        else:
            gone[:, t] = dissolutions.binomial(stock[:, t - 1].astype(np.int64), delta)
        stock[:, t] = stock[:, t - 1] + new[:, t] - gone[:, t]
    return stock, new, gone


def _bass_path(seed: int | None, known: tuple, steps: int, p: np.ndarray, q: np.ndarray,
               ceiling: np.ndarray, denominator: np.ndarray | None = None) -> np.ndarray:
    """Bass diffusion from the last known share (linear between the known ones before it).

    With ``denominator`` (the HTX stock per draw) the known values are counts and the share is
    count / stock of the same year and draw.
    """
    share = np.empty((len(p), steps + 1))
    first, path = _known_stretch(known)
    if denominator is None:
        share[:, : first + 1] = path
    else:
        share[:, : first + 1] = path / np.maximum(denominator[:, : first + 1], 1.0)
    for t in range(first + 1, steps + 1):
        share[:, t] = bass_step(share[:, t - 1], p, q, ceiling)
    return share


def _export_path(seed: int | None, known: tuple, steps: int, growth: np.ndarray) -> np.ndarray:
    """Compound growth of direct exporters from the last figure; Poisson noise around the mean."""
    first, path = _known_stretch(known)
    mean = path[-1] * (1 + growth[:, None]) ** np.arange(-first, steps + 1 - first)[None, :]
    mean[:, : first + 1] = path
    if seed is not None:
        mean[:, first + 1:] = np.random.default_rng([seed, _STREAM["export"]]).poisson(mean[:, first + 1:])
    return mean


def founding_means(lam0: np.ndarray, growth: np.ndarray, base_year: int, first: int,
                   last: int) -> np.ndarray:
    """Expected foundings summed over years first..last, per draw: Σ λ0·(1+g)^(t−B−1)."""
    exponents = np.arange(first - base_year - 1, last - base_year)
    return (lam0[:, None] * (1 + growth[:, None]) ** exponents[None, :]).sum(axis=1)


def _quality(seed: int | None, known: tuple, pinned: int, stock: np.ndarray, new: np.ndarray,
             gone: np.ndarray, u: np.ndarray, v: np.ndarray, e: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Two-class stock: G good/fair and W the rest, with G + W equal to the HTX stock.

    Each year, dissolutions come first (a share f from W, capped by W, the rest from G), then a
    share u of W is upgraded and a share v of G downgraded, then the new HTX arrive (a share e good).
    ``known``: (column, share) figures; the last one splits the stock of its year (observed or
    projected) into its classes, and the model runs from there.  Up to column ``pinned`` the stock
    follows figures, and the classes are scaled to it (the implied flows need not add up).
    """
    steps = stock.shape[1] - 1
    first, path = _known_stretch(known)
    start_share = known[-1][1]
    good = stock[:, first] * start_share
    weak = stock[:, first] - good
    share = np.empty_like(stock)
    share[:, : first + 1] = path
    for t in range(first + 1, steps + 1):
        from_weak = np.minimum(f * gone[:, t], weak)
        from_good = np.minimum(gone[:, t] - from_weak, good)
        weak = weak - from_weak
        good = good - from_good
        up, down = u * weak, v * good
        good = good + up - down + e * new[:, t]
        weak = weak - up + down + (1 - e) * new[:, t]
        total = good + weak
        share[:, t] = np.where(total > 0, good / np.where(total > 0, total, 1.0), 0.0)
        if t <= pinned:
            good, weak = share[:, t] * stock[:, t], (1 - share[:, t]) * stock[:, t]
    return share


def clear_memo() -> None:
    """Forget memoised sub-models and lever draws (benchmarks measure cold runs)."""
    with _MEMO_LOCK:
        _MEMO.clear()
    _draw_one.cache_clear()

"""The growth models of the planner, vectorised over Monte Carlo draws (arrays shaped draws × years).

One recursion serves both paths: the deterministic path runs it on one "draw" with the expected
flows (the means); the Monte Carlo runs it on every draw with sampled foundings (negative binomial),
dissolutions (Binomial) and exporters (a birth–death path), on top of lever values drawn from
triangular distributions cut at the levers' bounds, and estimated base-year figures drawn from
their stated ranges.  There is no Python loop over draws; the only loop is over the ~23 years.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import special

from .errors import PlannerError
from .monitoring import Evidence, default_evidence, start_points
from .packs import Pack
from .registry import ADOPTION, COUNT_KINDS, INDICATOR_BY_ID, INDICATORS, LEVER_BY_ID, LEVERS, Lever

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
    ("htx_new", "htx_gone", "tht_new", "tht_gone", "lhhtx_new", "lhhtx_gone", "export", "export_new",
     "htx_mix", "tht_mix", "lhhtx_mix"))}
_START_STREAM = 2000  # + the indicator's place in the registry: the estimated base-year figures
_INDICATOR_INDEX = {ind.id: i for i, ind in enumerate(INDICATORS)}


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
    start_draws: dict[str, np.ndarray] = field(default_factory=dict)  # base-year figure per draw
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
    """Draws around each lever's value, with common random numbers.

    Each lever takes its uniforms from its own stream (seeded by the seed and the lever's place in
    the registry), so the same numbers serve every scenario: a difference between two scenarios
    comes from the levers, not from the noise.  Inverse-CDF sampling keeps every draw monotone in
    the lever's value.  The range lies on both sides of the value; where it crosses a bound of the
    lever, the distribution is cut there and renormalised (the inverse CDF runs over the part inside
    the bounds), so no draw is moved onto a bound.
    """
    n, scale = int(settings.draws), float(settings.uncertainty)
    levers = levers or LEVER_BY_ID
    return {lever_id: lever_draw(levers[lever_id], float(value), _uniforms(levers[lever_id], n, settings.seed), scale)
            for lever_id, value in values.items()}


def _uniforms(lever: Lever, n: int, seed: int) -> np.ndarray:
    """The lever's uniforms: its own stream, or a Gaussian copula over several (a fit's correlations)."""
    if not lever.mix:
        return np.random.default_rng([seed, _LEVER_INDEX[lever.id]]).random(n)
    z = np.zeros(n)
    for other, weight in lever.mix:
        u = np.random.default_rng([seed, _LEVER_INDEX[other]]).random(n)
        z += weight * special.ndtri(np.clip(u, 1e-12, 1 - 1e-12))
    return special.ndtr(z)


def _tri_ppf(u: np.ndarray, a: float, c: float, b: float) -> np.ndarray:
    """Inverse CDF of Triangular(a, c, b)."""
    cut = (c - a) / (b - a)
    left = a + np.sqrt(u * (b - a) * (c - a))
    right = b - np.sqrt((1 - u) * (b - a) * (b - c))
    return np.where(u < cut, left, right)


def _tri_cdf(x: float, a: float, c: float, b: float) -> float:
    x = min(max(x, a), b)
    if x <= c:
        return 0.0 if c == a else (x - a) ** 2 / ((b - a) * (c - a))
    return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))


def lever_draw(lever: Lever, value: float, u: np.ndarray, scale: float) -> np.ndarray:
    """One lever's draws from its uniforms ``u``: triangular around ``value``, within the bounds."""
    lo_off, hi_off = lever.spread
    if len(u) == 1 or scale <= 0 or hi_off - lo_off <= 0:
        return np.full(len(u), value)
    if lever.spread_mode == "logit":
        span = lever.hi - lever.lo
        t = (value - lever.lo) / span
        if not 0 < t < 1:  # a share at 0 % or 100 %: the logit range has shrunk to the point itself
            return np.full(len(u), value)
        z = math.log(t / (1 - t))
        return lever.lo + span * special.expit(_tri_ppf(u, z + scale * lo_off, z, z + scale * hi_off))
    a, b = _raw_range(lever, value, scale)
    low, high = max(a, lever.lo), min(b, lever.hi)
    if b - a <= 1e-12 or high - low <= 1e-12:
        return np.full(len(u), value)
    f_low, f_high = _tri_cdf(low, a, value, b), _tri_cdf(high, a, value, b)
    return np.clip(_tri_ppf(f_low + u * (f_high - f_low), a, value, b), low, high)


def _raw_range(lever: Lever, value: float, scale: float) -> tuple[float, float]:
    lo_off, hi_off = lever.spread
    if lever.spread_mode == "mult":
        return value * (1 + scale * lo_off), value * (1 + scale * hi_off)
    return value + scale * lo_off, value + scale * hi_off


def lever_range(lever: Lever, value: float, scale: float) -> tuple[float, float]:
    """The low and high ends of a lever's uncertainty range around ``value`` (within its bounds)."""
    if lever.spread_mode == "logit":
        span = lever.hi - lever.lo
        t = (value - lever.lo) / span
        if not 0 < t < 1:
            return value, value
        z = math.log(t / (1 - t))
        lo_off, hi_off = lever.spread
        return (lever.lo + span * float(special.expit(z + scale * lo_off)),
                lever.lo + span * float(special.expit(z + scale * hi_off)))
    low, high = _raw_range(lever, value, scale)
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
    feeds (what makes a slider feel instant).  A path that starts from an estimated base-year figure
    (one with a low and high in the pack, not replaced by an actual figure) starts, in each draw, from
    a figure drawn from that range.
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
    det = _paths(pack, todo, steps, expected, starts, lambda ind: None, seed=None)
    det = {k: v[0] for k, v in det.items()}
    draws: dict[str, np.ndarray] = {}
    lever_draws: dict[str, np.ndarray] = {}
    start_draws: dict[str, np.ndarray] = {}
    if monte_carlo:
        def sampled(ids: tuple[str, ...]) -> tuple[np.ndarray, ...]:
            return tuple(_draw_one(levers[i], float(values[i]), settings.draws, settings.seed,
                                   settings.uncertainty) if i in levers else _zeros(settings.draws)
                         for i in ids)

        def drawn_start(indicator: str) -> np.ndarray | None:
            known = starts.get(indicator, ())
            obs = pack.baseline.get(indicator)
            # Only a path that starts from the pack's own estimate is drawn; an actual figure is measured.
            if obs is None or not obs.has_range or len(known) != 1 or known[0] != (0, obs.value):
                return None
            array = start_draw(pack, indicator, settings)
            start_draws[indicator] = array
            return array

        draws = _paths(pack, todo, steps, sampled, starts, drawn_start, seed=settings.seed)
        lever_draws = {i: _draw_one(levers[i], float(values[i]), settings.draws, settings.seed,
                                    settings.uncertainty) for i in values if i in levers}
    return Projection(years, det, draws, lever_draws, start_draws, evidence)


def start_draw(pack: Pack, indicator: str, settings: Settings) -> np.ndarray:
    """The base-year figure per draw: fixed for a measured figure, drawn from its range for an estimate."""
    obs = pack.baseline[indicator]
    low, high = getattr(obs, "low", None), getattr(obs, "high", None)
    is_count = not INDICATOR_BY_ID[indicator].is_share
    if low is None or high is None:
        low = high = obs.value
    return _start_one(indicator, float(obs.value), float(low), float(high), is_count, settings.draws,
                      settings.seed, float(settings.uncertainty))


@lru_cache(maxsize=128)
def _start_one(indicator: str, value: float, low: float, high: float, is_count: bool, draws: int, seed: int,
               scale: float) -> np.ndarray:
    a, b = value + scale * (low - value), value + scale * (high - value)
    a, b = max(a, 0.0), (min(b, 1.0) if not is_count else b)
    if b - a <= 1e-12 or draws == 1:
        array = np.full(draws, value)
    else:
        u = np.random.default_rng([seed, _START_STREAM + _INDICATOR_INDEX[indicator]]).random(draws)
        mode = min(max(value, a), b)
        array = _tri_ppf(u, a, mode, b)
        if is_count:  # whole organisations, each draw's figure rounded once
            array = np.round(array)
    array.flags.writeable = False
    return array


@lru_cache(maxsize=512)
def _draw_one(lever: Lever, value: float, draws: int, seed: int, scale: float) -> np.ndarray:
    array = lever_draw(lever, value, _uniforms(lever, draws, seed), scale)
    array.flags.writeable = False  # shared through the memo: nobody may change it
    return array


@lru_cache(maxsize=8)
def _zeros(draws: int) -> np.ndarray:
    """A lever the pack lacks (e.g. unions have no founding growth): zero, shared for the memo."""
    array = np.zeros(draws)
    array.flags.writeable = False
    return array


def _count_ids(kind: str) -> tuple[str, str, str, str]:
    return f"{kind}_new_per_year", f"{kind}_new_growth", f"{kind}_dissolution_rate", "foundings_dispersion"


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


def _paths(pack: Pack, todo: set[str], steps: int, lever_arrays, starts: dict, drawn,
           seed: int | None) -> dict[str, np.ndarray]:
    """Every wanted indicator's paths.  ``seed=None``: expected flows (the deterministic path).

    ``drawn(indicator)``: the per-draw base-year figure of an estimate the path starts from, or None.
    """
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
            _quality, seed, starts["good_fair_share"], starts["htx"][-1][0], drawn("good_fair_share"),
            out["htx"], out["new_htx"], gone_htx,
            *lever_arrays(("quality_upgrade_rate", "quality_downgrade_rate", "quality_new_good_share",
                           "quality_dissolution_weak_share")))
    for family, indicator in ADOPTION.items():
        if indicator not in todo:
            continue
        known = starts[indicator]
        if indicator == "hightech" and known[-1][0] > 0:
            # A count observed after the base year: its share is count / the HTX stock of that year in
            # the same draw, so every draw passes through the observed count and diffuses from there.
            share = _memo(_bass_path, seed, known, None, steps, *lever_arrays(_adoption_ids(family)), out["htx"])
            count = share * out["htx"]
            cols, vals = zip(*known, strict=True)
            upto = known[-1][0] + 1
            count[:, :upto] = np.interp(np.arange(upto), cols, vals)  # exactly the figures, not c/S·S
            out[indicator] = count
            continue
        start = drawn(indicator)
        if indicator == "hightech":  # the baseline is a count: the diffusion runs on the share
            known = ((0, known[0][1] / max(base["htx"].value, 1.0)),)
            if start is not None:
                start = _memo(_share_of, seed, start, out["htx"])
        share = _memo(_bass_path, seed, known, start, steps, *lever_arrays(_adoption_ids(family)))
        out[indicator] = share * out["htx"] if indicator == "hightech" else share
    if "export" in todo:
        out["export"] = _memo(_export_path, seed, starts["export"], drawn("export"), steps,
                              *lever_arrays(("export_growth",)))
    return out


def _known_stretch(known: tuple[tuple[int, float], ...],
                   start: np.ndarray | None = None) -> tuple[int, np.ndarray]:
    """The last known column and the path up to it: the figures, linear between them.

    ``start``: the per-draw figure of a path known only at its base year (an estimate drawn from its
    range); the path is then (draws, 1).
    """
    last = known[-1][0]
    if start is not None and last == 0:
        return 0, np.asarray(start, dtype=float)[:, None]
    cols, vals = zip(*known, strict=True)
    return last, np.interp(np.arange(last + 1), cols, vals)


def _share_of(seed: int | None, count: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """A base-year count as a share of the base-year HTX stock (at most all of them)."""
    return np.minimum(count / np.maximum(stock[:, 0], 1.0), 1.0)


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


def memo_call(fn, seed: int | None, *args):
    """A sub-model through the memo (for assess: the founding rates the simulation already drew)."""
    return _memo(fn, seed, *args)


def founding_rates(seed: int | None, kind: str, lam0: np.ndarray, growth: np.ndarray, dispersion: np.ndarray,
                   steps: int) -> np.ndarray:
    """Yearly founding rates, (draws, steps): λ_t = λ0·(1+g)^(t−B−1), times a gamma factor per year.

    The gamma factor (mean 1, coefficient of variation = the dispersion lever) makes the yearly
    count negative binomial rather than Poisson: years differ by more than chance.  ``seed=None``
    gives the means.  Its own stream, so assess can rebuild the same rates without the simulation.
    """
    lam = lam0[:, None] * (1 + growth[:, None]) ** np.arange(steps)[None, :]
    if seed is None or not np.any(dispersion > 0):
        return lam
    rng = np.random.default_rng([seed, _STREAM[f"{kind}_mix"]])
    if np.all(dispersion == dispersion[0]):  # the usual case (the lever is not drawn): one shape
        shape = 1.0 / float(dispersion[0]) ** 2
        return lam * (rng.standard_gamma(shape, size=lam.shape) / shape)
    cv2 = np.maximum(dispersion, 1e-12) ** 2
    shape = (1.0 / cv2)[:, None]
    factor = rng.standard_gamma(np.broadcast_to(shape, lam.shape)) / shape
    return lam * np.where(dispersion[:, None] > 0, factor, 1.0)


def _count_paths(seed: int | None, kind: str, known: tuple, recorded: tuple, steps: int, lam0: np.ndarray,
                 growth: np.ndarray, delta: np.ndarray,
                 dispersion: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Birth–death stock: foundings negative binomial (Poisson given the yearly gamma rate),
    dissolutions Binomial(S_{t−1}, δ) (or their means).

    ``known``: (column, stock) figures, the base year first; the path passes through them and is linear
    between them, and grows from the last one.  ``recorded``: (column, foundings) counted as done in
    every draw; the other years' foundings are projected.  Up to the last stock figure the
    dissolutions are those the figures imply (never below zero).
    """
    n = len(lam0)
    stock = np.empty((n, steps + 1))
    new = np.zeros((n, steps + 1))
    gone = np.zeros((n, steps + 1))
    lam = _memo(founding_rates, seed, kind, lam0, growth, dispersion, steps)
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


def _bass_path(seed: int | None, known: tuple, start: np.ndarray | None, steps: int, p: np.ndarray,
               q: np.ndarray, ceiling: np.ndarray, denominator: np.ndarray | None = None) -> np.ndarray:
    """Bass diffusion from the last known share (linear between the known ones before it).

    With ``denominator`` (the HTX stock per draw) the known values are counts and the share is
    count / stock of the same year and draw.  ``start``: the per-draw base-year share of an estimate.
    """
    share = np.empty((len(p), steps + 1))
    first, path = _known_stretch(known, start)
    if denominator is None:
        share[:, : first + 1] = path
    else:
        share[:, : first + 1] = path / np.maximum(denominator[:, : first + 1], 1.0)
    for t in range(first + 1, steps + 1):
        share[:, t] = bass_step(share[:, t - 1], p, q, ceiling)
    return share


# Direct exporters stop exporting at this rate a year and new ones start, so that the mean grows by
# the growth lever: a birth–death path whose noise accumulates (no published churn; a tenth a year
# is an assumption that only widens the band, the mean path is set by the growth lever alone).
EXPORT_EXIT_RATE = 0.10


def export_rates(growth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-draw exit rate d and entry rate b (per exporter of the mean path): mean growth 1 − d + b = 1 + g."""
    exit_rate = np.maximum(EXPORT_EXIT_RATE, -growth)
    return exit_rate, np.maximum(growth + exit_rate, 0.0)


def _export_path(seed: int | None, known: tuple, start: np.ndarray | None, steps: int,
                 growth: np.ndarray) -> np.ndarray:
    """Direct exporters from the last figure: survivors Binomial(X_{t−1}, 1 − d) plus entrants Poisson(b·μ_{t−1}).

    μ_t = X_F·(1+g)^(t−F) is the draw's mean path from the last figure X_F (year F); its mean is
    kept, and each draw is a path whose count carries over from year to year (not noise around the
    mean).  ``start``: the per-draw base-year figure of an estimate.
    """
    first, path = _known_stretch(known, start)
    last = path[..., -1]
    last = last if np.ndim(last) else np.full(len(growth), float(last))
    mean = last[:, None] * (1 + growth[:, None]) ** np.arange(-first, steps + 1 - first)[None, :]
    mean[:, : first + 1] = path
    if seed is None:
        return mean
    exit_rate, entry = export_rates(growth)
    out = mean.copy()
    stays = np.random.default_rng([seed, _STREAM["export"]])
    enters = np.random.default_rng([seed, _STREAM["export_new"]])
    for t in range(first + 1, steps + 1):
        out[:, t] = stays.binomial(out[:, t - 1].astype(np.int64), 1 - exit_rate) + enters.poisson(entry * mean[:, t - 1])
    return out


def export_meets_probability(start: np.ndarray, growth: np.ndarray, years: int, need: np.ndarray) -> np.ndarray:
    """P(X_T ≥ need) per draw, exactly: X_T = Binomial(X_B, s^T) + Poisson(Λ), s = 1 − d.

    Each entrant cohort of year t is Poisson(b·μ_{t−1}) and survives to T with probability s^(T−t),
    so the entrants alive at T are Poisson(Λ), Λ = Σ_t b·μ_{t−1}·s^(T−t).
    """
    from scipy import stats

    exit_rate, entry = export_rates(growth)
    s = 1 - exit_rate
    t = np.arange(1, years + 1)[None, :]
    mu_prev = start[:, None] * (1 + growth[:, None]) ** (t - 1)
    lam = (entry[:, None] * mu_prev * s[:, None] ** (years - t)).sum(axis=1)
    start_int = np.round(start).astype(np.int64)
    k = np.arange(int(start_int.max(initial=0)) + 1)[None, :]
    weights = stats.binom.pmf(k, start_int[:, None], (s ** years)[:, None])
    tail = stats.poisson.sf(need[:, None] - 1 - k, lam[:, None])
    return (weights * tail).sum(axis=1)


def founding_means(lam0: np.ndarray, growth: np.ndarray, base_year: int, first: int,
                   last: int) -> np.ndarray:
    """Expected foundings summed over years first..last, per draw: Σ λ0·(1+g)^(t−B−1)."""
    exponents = np.arange(first - base_year - 1, last - base_year)
    return (lam0[:, None] * (1 + growth[:, None]) ** exponents[None, :]).sum(axis=1)


def _quality(seed: int | None, known: tuple, pinned: int, start: np.ndarray | None, stock: np.ndarray,
             new: np.ndarray, gone: np.ndarray, u: np.ndarray, v: np.ndarray, e: np.ndarray,
             f: np.ndarray) -> np.ndarray:
    """Rated HTX in two classes, G good/fair and W the rest, plus U: HTX younger than a year, unrated.

    Thông tư 01/2020/TT-BKHĐT rates an HTX only after 12 months, so the share is G / (G + W), over
    the rated HTX.  Each year, dissolutions come first (a share f from W, capped by W, the rest from
    G, then from U), then a share u of W is upgraded and a share v of G downgraded, then last year's
    new HTX get their first rating (a share e good), then this year's new HTX arrive unrated.
    G + W + U equals the HTX stock; the HTX founded in a year never change that year's share.
    ``known``: (column, share) figures; the last one splits the rated stock of its year (observed or
    projected) into its classes, and the model runs from there.  Up to column ``pinned`` the stock
    follows figures, and the classes are scaled to it (the implied flows need not add up).
    ``start``: the per-draw base-year share of an estimate.
    """
    steps = stock.shape[1] - 1
    first, path = _known_stretch(known, start)
    start_share = path[:, -1] if path.ndim == 2 else path[-1]
    unrated = new[:, first].astype(float)
    rated = stock[:, first] - unrated
    good = rated * start_share
    weak = rated - good
    share = np.empty_like(stock)
    share[:, : first + 1] = path
    for t in range(first + 1, steps + 1):
        from_weak = np.minimum(f * gone[:, t], weak)
        from_good = np.minimum(gone[:, t] - from_weak, good)
        from_unrated = np.minimum(gone[:, t] - from_weak - from_good, unrated)
        weak = weak - from_weak
        good = good - from_good
        unrated = unrated - from_unrated
        up, down = u * weak, v * good
        good = good + up - down + e * unrated
        weak = weak - up + down + (1 - e) * unrated
        unrated = new[:, t].astype(float)
        rated = good + weak
        share[:, t] = np.where(rated > 0, good / np.where(rated > 0, rated, 1.0), share[:, t - 1])
        if t <= pinned:  # the stock follows figures: rescale the rated classes to it
            rated = np.maximum(stock[:, t] - unrated, 0.0)
            good, weak = share[:, t] * rated, (1 - share[:, t]) * rated
    return share


def clear_memo() -> None:
    """Forget memoised sub-models and lever draws (benchmarks measure cold runs)."""
    with _MEMO_LOCK:
        _MEMO.clear()
    _draw_one.cache_clear()

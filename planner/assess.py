"""Reading a projection against the plan's targets: probability, likelihood words, pace, what it takes."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, stats

from .errors import PlannerError
from .model import (
    Projection,
    Settings,
    draw_levers,
    export_meets_probability,
    founding_rates,
    lever_range,
    levers_affecting,
    memo_call,
    project,
    start_draw,
)
from .monitoring import Evidence, default_evidence, start_points
from .packs import Pack, Target
from .registry import ADOPTION, LIKELIHOOD, LIKELY_THRESHOLD, LOWER_RULES, likelihood, pace
from .tracking import NO_DATA, NOT_MODELLED, track

# The floors between likelihood bands (0.10, 0.33, 0.66, 0.90): a probability within two Monte
# Carlo standard errors of one of them could fall on either side with another seed.
BOUNDARIES: tuple[float, ...] = tuple(b.floor for b in LIKELIHOOD if math.isfinite(b.floor))
BORDERLINE_SE = 2.0


@dataclass(frozen=True)
class TargetResult:
    """One scorecard row.  For a target the engine cannot project (``modelled`` False) the projected
    numbers and the probability are None, ``likelihood`` is ``not_modelled`` and the pace reading comes
    from the actual figures (``status`` ``no_data`` when there are none)."""

    id: str
    year: int
    rule: str
    threshold: float
    tolerance: float
    deterministic: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    probability: float | None
    likelihood: str
    pace_ratio: float | None
    status: str
    # Progress so far (monitoring): for a "new" target the recorded foundings of the window, else the
    # latest actual value; None without an actual figure.  ``progress``: the UN ESCAP current-status
    # reading, the progress made since the base year against the progress required (a fraction, 1 =
    # all the way); ``elapsed``: the share of the period from the base year (or the window's start)
    # to the target year that has passed at the year of the figure.
    recorded: float | None = None
    recorded_year: int | None = None
    progress: float | None = None
    elapsed: float | None = None
    mc_se: float = 0.0  # Monte Carlo standard error of ``probability``
    borderline: bool = False  # within two standard errors of a likelihood boundary
    blocked_by: str | None = None  # a lever that rules the target out (a ceiling below it)
    modelled: bool = True  # False: no projection; the numbers are None and the reading is on figures

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Blocker:
    target: str
    lever: str
    value: float  # the lever's value
    highest: float  # the highest value its uncertainty range reaches
    needed: float  # the value the target needs

    def as_dict(self) -> dict:
        return asdict(self)


def blocker(pack: Pack, values: dict[str, float], target: Target, settings: Settings) -> Blocker | None:
    """The ceiling lever that rules the target out, if any: no draw of it reaches the target."""
    if target.kind != "share" or target.rule == "increase":
        return None
    family = next((f for f, ind in ADOPTION.items() if ind == target.indicator), None)
    if family is None:
        return None
    lever = pack.lever(f"{family}_ceiling")
    _, highest = lever_range(lever, values[lever.id], settings.uncertainty)
    highest = max(highest, values[lever.id])
    start = pack.baseline[target.indicator].value
    needed = target.met_at
    reached = highest > needed + 1e-12 if target.rule == "gt" else highest >= needed - 1e-9
    if reached or start >= needed:  # a share already past the target is not held down by its ceiling
        return None
    return Blocker(target.id, lever.id, values[lever.id], highest, needed)


def window_first(pack: Pack, settings: Settings) -> int:
    return settings.window_start or pack.window_start


def target_values(target: Target, proj: Projection, pack: Pack, settings: Settings,
                  deterministic: bool = False) -> np.ndarray:
    """The target's measured quantity per draw (or on the deterministic path)."""
    source = proj.deterministic if deterministic else proj.draws
    series = source[target.indicator]
    series = series[None, :] if deterministic else series
    col = proj.column(target.year)
    if target.kind == "new":
        first = proj.column(window_first(pack, settings))
        values = series[:, first:col + 1].sum(axis=1)
    elif target.kind == "ratio":
        of = source[target.of]
        of = of[None, :] if deterministic else of
        values = series[:, col] / np.maximum(of[:, col], 1e-12)
    elif target.kind == "growth":
        # Average yearly growth from the base year: (X_T / X_B)^(1 / (T − B)) − 1.
        start = np.maximum(series[:, proj.column(pack.base_year)], 1e-12)
        values = (np.maximum(series[:, col], 0.0) / start) ** (1.0 / (target.year - pack.base_year)) - 1.0
    else:
        values = series[:, col]
    return values[0] if deterministic else values


def meets(target: Target, values: np.ndarray | float) -> np.ndarray | bool:
    """Whether values satisfy the target's rule (strict ">" honoured; full coverage with tolerance).

    "increase" has one reading everywhere (gap, pace, probability): at least the base figure + 1.
    """
    if target.rule == "gt":
        return values > target.threshold + 1e-12
    if target.rule == "lt":
        return values < target.threshold - 1e-12
    if target.rule == "le":
        return values <= target.threshold + 1e-9
    if target.rule == "increase":
        return values >= target.threshold + 1 - 1e-9
    # "ge" and "full": values within rounding noise of the threshold count as met
    return values >= target.met_at - 1e-9


def per_draw_probability(target: Target, proj: Projection, pack: Pack, settings: Settings) -> np.ndarray:
    """The chance of meeting the target in each draw (0 or 1, or exact where the count noise allows).

    For foundings (Poisson given the draw's yearly rates) and exporters (a binomial plus a Poisson
    given the draw's levers), the chance is computed exactly per draw (a Rao–Blackwell estimate): no
    sampling noise from the counts, and it moves monotonically with the levers.  Recorded foundings
    count as done: the years not recorded must bring the rest (threshold − recorded).
    """
    lv = proj.lever_draws
    evidence = _evidence(proj, pack)
    if target.kind == "new":
        kind = target.indicator.removeprefix("new_")
        lam0 = lv[f"{kind}_new_per_year"]
        growth = lv.get(f"{kind}_new_growth", np.zeros_like(lam0))
        dispersion = lv.get("foundings_dispersion", np.zeros_like(lam0))
        rates = memo_call(founding_rates, settings.seed, kind, lam0, growth, dispersion, pack.horizon - pack.base_year)
        first = window_first(pack, settings)
        recorded = dict(evidence.recorded(kind, first, target.year))
        # Column t − B − 1 of the rates holds year t; the years with a recorded count are done.
        columns = [y - pack.base_year - 1 for y in range(first, target.year + 1) if y not in recorded]
        means = rates[:, columns].sum(axis=1) if columns else np.zeros(len(lam0))
        return _poisson_meets(target, means, sum(recorded.values()))
    if target.indicator == "export" and target.kind in ("count", "stock"):
        year, value = start_points(pack, evidence, "export")[-1]
        if target.year > year:
            start = proj.start_draws.get("export")
            if start is None and year == pack.base_year:
                start = start_draw(pack, "export", settings)
            if start is None or year != pack.base_year:
                start = np.full(len(lv["export_growth"]), float(value))
            # "increase": more than the base-year figure (this draw's own, where it is an estimate)
            base = start if year == pack.base_year else np.full(len(start), float(base_value(target, pack, evidence)))
            need = np.round(base) + 1 if target.rule == "increase" else np.full(len(start), _need(target))
            return export_meets_probability(start, lv["export_growth"], target.year - year, need)
    return meets(target, target_values(target, proj, pack, settings)).astype(float)


def probability(target: Target, proj: Projection, pack: Pack, settings: Settings) -> float:
    """Share of draws meeting the target (the mean of the per-draw chances)."""
    return float(per_draw_probability(target, proj, pack, settings).mean())


def mc_standard_error(per_draw: np.ndarray) -> float:
    """Standard error of the mean of the per-draw chances (for 0/1 draws: √(p(1−p)/n))."""
    n = len(per_draw)
    return float(per_draw.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0


def is_borderline(p: float, se: float) -> bool:
    return any(abs(p - b) < BORDERLINE_SE * se for b in BOUNDARIES)


def _need(target: Target) -> int:
    if target.rule in ("gt", "increase"):
        return math.floor(target.threshold) + 1
    return math.ceil(target.met_at - 1e-9)


def _poisson_meets(target: Target, means: np.ndarray, done: float = 0.0) -> np.ndarray:
    """P(done + Poisson(mean) satisfies the rule) for integer counts."""
    if target.rule == "le":
        return stats.poisson.cdf(math.floor(target.threshold + 1e-9 - done), means)
    if target.rule == "lt":
        return stats.poisson.cdf(math.ceil(target.threshold - 1e-9 - done) - 1, means)
    rest = _need(target) - done
    if rest <= 0:
        return np.ones_like(means)
    return stats.poisson.sf(math.ceil(rest - 1e-9) - 1, means)


def _evidence(proj: Projection | None, pack: Pack) -> Evidence:
    return proj.evidence if proj is not None and proj.evidence is not None else default_evidence(pack)


def base_value(target: Target, pack: Pack, evidence: Evidence | None = None) -> float:
    """The target's quantity at the base year: a base-year actual figure replaces the pack's estimate."""
    if target.kind in ("new", "growth"):
        return 0.0  # foundings start from none; a growth rate is measured against no growth

    def at_base(indicator: str) -> float:
        if evidence is None:
            return pack.baseline[indicator].value
        return start_points(pack, evidence, indicator)[0][1]

    if target.kind == "ratio":
        return at_base(target.indicator) / max(at_base(target.of), 1e-12)
    return at_base(target.indicator)


def pace_ratio(target: Target, projected: float, pack: Pack, evidence: Evidence | None = None) -> float | None:
    """R = projected change / required change, from the base year to the target year.

    None when the target was already met at the base year (no change is required).
    """
    start = base_value(target, pack, evidence)
    goal = _goal(target)
    required = goal - start
    # A target met by staying under its threshold needs a fall; one already there needs no change.
    if (required >= 0 if target.rule in LOWER_RULES else required <= 0):
        return None
    return (projected - start) / required


def _goal(target: Target) -> float:
    return target.threshold + 1 if target.rule == "increase" else target.met_at  # the smallest increase


def progress_so_far(target: Target, pack: Pack, evidence: Evidence, settings: Settings
                    ) -> tuple[float | None, int | None, float | None, float | None]:
    """(recorded, recorded_year, progress, elapsed) of a target from the actual figures.

    Recorded: the foundings recorded in the window (a "new" target) or the latest actual value.
    Progress (UN ESCAP current status): (recorded − base) / (target − base); elapsed: the share of
    the period passed at the recorded year.  All None without an actual figure.
    """
    if target.kind in ("ratio", "growth"):  # read on the figures of both indicators (or the growth so far)
        t = track(target, pack, evidence.used, evidence.as_of)
        return t.recorded, t.recorded_year, t.progress, t.elapsed
    if target.kind == "new":
        first = window_first(pack, settings)
        rec = evidence.recorded(target.indicator.removeprefix("new_"), first, target.year)
        if not rec:
            return None, None, None, None
        done, year = float(sum(v for _, v in rec)), max(y for y, _ in rec)
        start, period = 0.0, target.year - first + 1
        elapsed = (year - first + 1) / period
    else:
        pts = [p for p in evidence.points(target.indicator) if p[0] <= target.year]
        if not pts:
            return None, None, None, None
        year, done = pts[-1]
        start = base_value(target, pack, evidence)
        elapsed = (year - pack.base_year) / max(target.year - pack.base_year, 1)
    required = _goal(target) - start
    needed = required < 0 if target.rule in LOWER_RULES else required > 0
    progress = (done - start) / required if needed else None
    return done, int(year), progress, elapsed


def assess(pack: Pack, values: dict[str, float], settings: Settings | None = None,
           proj: Projection | None = None, targets: tuple[Target, ...] | None = None,
           evidence: Evidence | None = None) -> list[TargetResult]:
    """One row per target of the pack, from the actual figures of ``evidence`` (default: the pack's); a
    target the engine cannot project is read on actual figures alone."""
    settings = settings or Settings()
    targets = targets if targets is not None else pack.targets
    modelled = [t for t in targets if t.modelled]
    if proj is None and modelled:
        proj = project(pack, values, settings, wanted=set().union(*(t.indicators for t in modelled)),
                       evidence=evidence)
    evidence = _evidence(proj, pack) if evidence is None or proj is not None else evidence
    rows = []
    for target in targets:
        if not target.modelled:
            rows.append(tracked_result(target, pack, evidence))
            continue
        draws = target_values(target, proj, pack, settings)
        det = float(target_values(target, proj, pack, settings, deterministic=True))
        p10, p50, p90 = (float(x) for x in np.percentile(draws, [10, 50, 90]))
        chances = per_draw_probability(target, proj, pack, settings)
        prob = float(chances.mean())
        se = mc_standard_error(chances)
        ratio = pace_ratio(target, det, pack, evidence)
        status = pace(ratio).id if ratio is not None else ("on_track" if meets(target, det) else "moving_away")
        blocked = blocker(pack, values, target, settings)
        rows.append(TargetResult(target.id, target.year, target.rule, target.threshold, target.tolerance,
                                 det, p10, p50, p90, prob, likelihood(prob).id, ratio, status,
                                 *progress_so_far(target, pack, evidence, settings), se,
                                 is_borderline(prob, se), blocked.lever if blocked else None))
    return rows


def tracked_result(target: Target, pack: Pack, evidence: Evidence | None = None) -> TargetResult:
    """The row of a target with no projection: the progress its actual figures show, nothing more.

    The pack's own figures count, and figures brought from elsewhere (upload, store, ``--actuals``) for
    indicators the engine does not model, up to the as-of year."""
    extra: tuple = ()
    as_of = None
    if evidence is not None:
        as_of = evidence.as_of
        extra = tuple(f.obs for f in evidence.figures if f.origin == "extra" and f.reason in ("", "not_modelled"))
    t = track(target, pack, extra, as_of)
    status = pace(t.pace_ratio).id if t.pace_ratio is not None else NO_DATA
    return TargetResult(target.id, target.year, target.rule, target.threshold, target.tolerance,
                        None, None, None, None, None, NOT_MODELLED, t.pace_ratio, status,
                        t.recorded, t.recorded_year, t.progress, t.elapsed, modelled=False)


def count_likely(results: list[TargetResult]) -> int:
    """Targets likely met and not borderline: a count that does not flip with the seed."""
    return sum(r.probability is not None and r.probability >= LIKELY_THRESHOLD and not r.borderline
               for r in results)


def count_borderline(results: list[TargetResult]) -> int:
    return sum(bool(r.borderline) for r in results)


def require_modelled(target: Target) -> None:
    """Goal-seeking and sensitivity need a projection: refuse a target that has none, in words."""
    if not target.modelled:
        raise PlannerError(f"chỉ tiêu '{target.id}' không được dự báo: {target.reason('vi')}",
                           f"target '{target.id}' is not projected: {target.reason('en')}", "--target")


# --- What would it take --------------------------------------------------------------------------

@dataclass(frozen=True)
class GoalSeek:
    target: str
    lever: str
    direction: str  # "min": the smallest value that suffices; "max": the largest
    current: float
    current_probability: float
    likely_value: float | None  # None: out of reach within the lever's bounds
    breakeven: float | None  # deterministic path meets the target exactly
    status: str  # "reachable" | "out_of_reach" | "always_met" | "no_effect"
    likelihood: float
    bound: float  # the lever's bound in the helpful direction
    probability_at_bound: float

    def as_dict(self) -> dict:
        return asdict(self)


def goal_seek(pack: Pack, values: dict[str, float], target_id: str, lever_id: str,
              settings: Settings | None = None, wanted_likelihood: float = LIKELY_THRESHOLD,
              evidence: Evidence | None = None) -> GoalSeek:
    """The value of one lever at which the target becomes likely (P ≥ ``wanted_likelihood``).

    Other levers stay as they are.  Bisection on the Monte Carlo probability (monotone in the lever
    thanks to common random numbers) and ``brentq`` for the deterministic break-even.
    """
    from .errors import PlannerError

    settings = settings or Settings()
    target = pack.target(target_id)
    require_modelled(target)
    try:
        lever = pack.lever(lever_id)
    except PlannerError as exc:
        raise PlannerError(exc.vi, exc.en, "--lever") from None
    if not 0 < wanted_likelihood < 1:
        raise PlannerError("mức khả năng phải trong (0, 1)", "likelihood must be in (0, 1)", "--likelihood")

    def run(x: float, mc: bool = True) -> Projection:
        return project(pack, {**values, lever_id: x}, settings, wanted=set(target.indicators), monte_carlo=mc,
                       evidence=evidence)

    known = (evidence or default_evidence(pack)).as_of_for("export") or 0
    levers_only = target.kind == "new" or (target.indicator == "export" and target.kind in ("count", "stock")
                                           and known < target.year)

    def prob(x: float) -> float:
        if levers_only:  # the exact Poisson probability needs only the lever draws, no simulation
            pack_levers = {lv.id: lv for lv in pack.levers}
            drawn = draw_levers({**values, lever_id: x}, settings, pack_levers)
            return probability(target, Projection(np.empty(0), {}, {}, drawn, evidence=evidence), pack, settings)
        return probability(target, run(x), pack, settings)

    # The same slack as ``meets``: a path that reaches the threshold to within rounding meets it.
    slack = 0.0 if target.rule in ("gt", "lt") else 1e-9
    below = target.rule in LOWER_RULES  # met under the threshold: the gap is measured the other way

    goal = target.threshold + 1 if target.rule == "increase" else target.met_at  # "increase": base + 1

    def det_gap(x: float) -> float:
        value = float(target_values(target, run(x, mc=False), pack, settings, deterministic=True))
        return (goal - value if below else value - goal) + slack

    current = values[lever_id]
    p_now = prob(current)
    lo_p, hi_p = prob(lever.lo), prob(lever.hi)
    if all(lever not in levers_affecting(i, pack) for i in target.indicators) or math.isclose(lo_p, hi_p, abs_tol=1e-9) \
            and math.isclose(det_gap(lever.lo), det_gap(lever.hi), abs_tol=1e-9):
        return GoalSeek(target_id, lever_id, "min", current, p_now, None, None, "no_effect",
                        wanted_likelihood, lever.hi, hi_p)
    increasing = hi_p > lo_p or (hi_p == lo_p and det_gap(lever.hi) > det_gap(lever.lo))
    worst, best = (lever.lo, lever.hi) if increasing else (lever.hi, lever.lo)
    p_best, p_worst = (hi_p, lo_p) if increasing else (lo_p, hi_p)
    direction = "min" if increasing else "max"

    likely_value: float | None
    if p_worst >= wanted_likelihood:
        status, likely_value = "always_met", worst
    elif p_best < wanted_likelihood:
        status, likely_value = "out_of_reach", None
    else:
        status = "reachable"
        bad, good = worst, best
        tolerance = lever.step / 2
        while abs(good - bad) > tolerance:
            mid = (bad + good) / 2
            if prob(mid) >= wanted_likelihood:
                good = mid
            else:
                bad = mid
        # Answer on the slider's grid: the first position that suffices, checked position by position
        # around the bisection's end (snapping alone could skip a position that already suffices).
        toward_worst = -lever.step if increasing else lever.step
        likely_value = _snap(good, lever.step, up=increasing, lo=lever.lo, hi=lever.hi)
        while prob(likely_value) < wanted_likelihood and likely_value != best:
            likely_value = _snap(likely_value - toward_worst, lever.step, up=increasing, lo=lever.lo, hi=lever.hi)
        while True:
            candidate = _snap(likely_value + toward_worst, lever.step, up=increasing, lo=lever.lo, hi=lever.hi)
            if candidate == likely_value or prob(candidate) < wanted_likelihood:
                break
            likely_value = candidate

    g_lo, g_hi = det_gap(lever.lo), det_gap(lever.hi)
    breakeven = None
    if g_lo == 0:
        breakeven = lever.lo
    elif g_hi == 0:
        breakeven = lever.hi
    elif g_lo * g_hi < 0:
        breakeven = float(optimize.brentq(det_gap, lever.lo, lever.hi, xtol=lever.step / 100))
    return GoalSeek(target_id, lever_id, direction, current, p_now, likely_value, breakeven, status,
                    wanted_likelihood, best, p_best)


def _snap(x: float, step: float, up: bool, lo: float, hi: float) -> float:
    k = math.ceil(x / step - 1e-9) if up else math.floor(x / step + 1e-9)
    return float(min(max(round(k * step, 10), lo), hi))


# --- Sensitivity ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Swing:
    lever: str
    low_value: float
    high_value: float
    value_at_low: float
    value_at_high: float
    probability_at_low: float
    probability_at_high: float
    base_value: float
    base_probability: float

    @property
    def width(self) -> float:
        return abs(self.value_at_high - self.value_at_low)

    def as_dict(self) -> dict:
        return asdict(self)


def tornado(pack: Pack, values: dict[str, float], target_id: str,
            settings: Settings | None = None, evidence: Evidence | None = None) -> list[Swing]:
    """Each lever that can move the target set to its low and high end, the others at the mode.

    Sorted by the swing of the deterministic value, widest first.  The range used is the lever's
    uncertainty range at the scenario's scale (scale 1 when the scenario fixes the levers).  The
    probabilities come from the scorecard's own Monte Carlo (same draws, same uncertainty, common
    random numbers): the base probability is the scorecard's, and each bar is the probability with
    that one lever's value moved to the end of its range, its uncertainty and the others' still drawn.
    """
    settings = settings or Settings()
    target = pack.target(target_id)
    require_modelled(target)
    scale = settings.uncertainty or 1.0

    def evaluate(vals: dict[str, float]) -> tuple[float, float]:
        proj = project(pack, vals, settings, wanted=set(target.indicators), evidence=evidence)
        det = float(target_values(target, proj, pack, settings, deterministic=True))
        return det, probability(target, proj, pack, settings)

    base_det, base_p = evaluate(values)
    swings = []
    for lever in sorted(set().union(*(levers_affecting(i, pack) for i in target.indicators)),
                        key=lambda lv: [x.id for x in pack.levers].index(lv.id)):
        low, high = lever_range(lever, values[lever.id], scale)
        if high - low <= 1e-12:
            continue
        d_lo, p_lo = evaluate({**values, lever.id: low})
        d_hi, p_hi = evaluate({**values, lever.id: high})
        if abs(d_hi - d_lo) <= 1e-9 * max(1.0, abs(base_det)) and abs(p_hi - p_lo) <= 1e-12:
            continue  # computed with, but cannot move this target (dissolutions vs. foundings)
        swings.append(Swing(lever.id, low, high, d_lo, d_hi, p_lo, p_hi, base_det, base_p))
    return sorted(swings, key=lambda s: (s.width, abs(s.probability_at_high - s.probability_at_low)),
                  reverse=True)

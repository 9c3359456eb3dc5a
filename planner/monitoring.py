"""Monitoring: which actual figures the projection starts from, and why the others are left out.

Every projection is asked from where the plan stands.  Candidate figures come from the pack's
``actuals.csv`` and from anywhere else a user brings them (a file, the store, a typed figure); this
module decides, once, which of them the engine uses:

- a figure the pack marks ``use = no`` (another definition, e.g. "operating effectively" is not the
  good/fair rating) is kept and shown, not used, unless the user switches it on;
- a figure after the as-of year is ignored, so a past assessment can be reproduced;
- a figure given later (upload, store, typing) replaces the pack's for the same indicator and year;
- a base-year figure replaces the pack's estimate of the base year.

The stocks must agree with the flows: S_t = S_{t−1} + N_t − D_t.  No dissolution counts are published,
so the stock figures win: the path passes through every stock figure, the recorded foundings count as
done, and the dissolutions are what the two imply.  Implied dissolutions below zero (the stock rose by
more than the recorded foundings) are a contradiction between the figures and are reported as such.

The result, ``Evidence``, is what the engine takes; its ``fingerprint`` names the set of figures used,
so a saved scenario or a report can say which figures it was made with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .calibrate import fit_counts
from .errors import PlannerError
from .packs import Observation, Pack
from .registry import COUNT_KINDS, INDICATOR_BY_ID, INDICATORS

# Where a figure comes from: the pack's actuals.csv, the shared store, or given for this run only (an
# upload or typed figure kept for the session, an --actuals file).  Later origins win for the same year.
ORIGINS = ("pack", "stored", "extra")
_ORDER = {ind.id: i for i, ind in enumerate(INDICATORS)}
_REASONS: dict[str, tuple[str, str]] = {
    "pack": ("gói kế hoạch ghi không dùng", "the pack marks it as not used"),
    "after_as_of": ("sau năm xét {as_of}", "after the as-of year {as_of}"),
    "switched_off": ("người dùng đã tắt", "switched off by the user"),
    "replaced": ("đã được thay bằng số liệu nhập sau cho cùng năm", "replaced by a figure given later for the same year"),
    "not_modelled": ("gói này không mô phỏng chỉ tiêu này", "this pack does not model the indicator"),
    "outside": ("ngoài các năm của gói", "outside the pack's years"),
}


def figure_key(indicator: str, year: int) -> str:
    """The id of a figure in switches, URLs and widgets: one figure per indicator and year."""
    return f"{indicator}:{int(year)}"


@dataclass(frozen=True)
class Figure:
    """One candidate figure and the decision on it."""

    obs: Observation
    origin: str  # one of ORIGINS
    used: bool
    reason: str = ""  # "" when used; else a key of _REASONS
    as_of: int | None = None  # the cut-off, for the "after the as-of year" wording

    @property
    def key(self) -> str:
        return figure_key(self.obs.indicator, self.obs.year)

    def why_not(self, lang: str) -> str:
        """Why the figure is not used, in ``lang`` ("" when it is used)."""
        if self.used:
            return ""
        vi, en = _REASONS[self.reason]
        text = (vi if lang == "vi" else en).format(as_of=self.as_of)
        detail = self.obs.why_not_in(lang) if self.reason == "pack" else ""
        return f"{text}: {detail}" if detail else text


@dataclass(frozen=True)
class Issue:
    """A check of stock against flows between two stock figures (S_a at year a, S_b at year b)."""

    kind: str  # htx | tht | lhhtx
    first: int  # year a
    last: int  # year b
    stock_first: float
    stock_last: float
    foundings: float  # recorded foundings in a+1..b
    complete: bool  # every year a+1..b has a recorded count
    implied: float  # dissolutions implied: S_a + N − S_b (a lower bound when not complete)

    @property
    def contradiction(self) -> bool:
        return self.complete and self.implied < -1e-9

    def message(self, lang: str) -> str:
        name = INDICATOR_BY_ID[self.kind].label(lang)
        span = f"{self.first}–{self.last}"
        a, b, n, d = (f"{x:,.0f}" for x in (self.stock_first, self.stock_last, self.foundings, self.implied))
        if lang == "vi":
            a, b, n, d = (t.replace(",", ".") for t in (a, b, n, d))
            if self.contradiction:
                return (f"{name} {span}: từ {a} lên {b} nhưng chỉ ghi nhận {n} thành lập mới, tức số giải thể "
                        f"âm ({d}): các số liệu mâu thuẫn. Dự báo đi qua số tồn lượng; số thành lập mới vẫn "
                        "được tính cho chỉ tiêu thành lập mới.")
            if self.complete:
                return (f"{name} {span}: {a} → {b} với {n} thành lập mới ghi nhận, suy ra {d} giải thể "
                        "(S_cuối = S_đầu + thành lập − giải thể). Dự báo đi qua số tồn lượng.")
            return (f"{name} {span}: {a} → {b}; thành lập mới chỉ ghi nhận một phần ({n}), nên số giải "
                    f"thể ít nhất là {d}. Các năm thiếu số thành lập được dự báo.")
        if self.contradiction:
            return (f"{name} {span}: rose from {a} to {b} with only {n} foundings recorded, i.e. negative "
                    f"dissolutions ({d}): the figures contradict each other. The projection passes through "
                    "the stock figures; the recorded foundings still count for the founding targets.")
        if self.complete:
            return (f"{name} {span}: {a} → {b} with {n} recorded foundings implies {d} dissolutions "
                    "(S_end = S_start + foundings − dissolutions). The projection passes through the stocks.")
        return (f"{name} {span}: {a} → {b}; foundings are recorded for part of the years only ({n}), so at "
                f"least {d} dissolved. The years without a count are projected.")


@dataclass(frozen=True)
class Evidence:
    """The actual figures a projection starts from.

    ``figures``: every candidate with its decision; ``used``: the figures the engine takes (one per
    indicator and year, in registry and year order); ``as_of``: the cut-off asked for (None: all
    figures); ``fingerprint``: a short hash of the used figures; ``issues``: the stock–flow checks.
    """

    base_year: int
    figures: tuple[Figure, ...] = ()
    used: tuple[Observation, ...] = ()
    as_of: int | None = None
    fingerprint: str = ""
    issues: tuple[Issue, ...] = ()
    _by: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        by: dict[str, tuple[tuple[int, float], ...]] = {}
        for obs in self.used:
            by[obs.indicator] = (*by.get(obs.indicator, ()), (int(obs.year), float(obs.value)))
        self._by.update(by)

    @property
    def latest_year(self) -> int:
        """The latest year of the figures used; the base year when none (``"as_of"`` in the JSON)."""
        return max((int(o.year) for o in self.used), default=self.base_year)

    def points(self, indicator: str) -> tuple[tuple[int, float], ...]:
        """(year, value) of the used figures of one indicator, by year."""
        return self._by.get(indicator, ())

    def as_of_for(self, indicator: str) -> int | None:
        """The year an indicator's projection starts from its own figure (None: no figure)."""
        pts = self.points(indicator)
        return pts[-1][0] if pts else None

    def recorded(self, kind: str, first: int, last: int) -> tuple[tuple[int, float], ...]:
        """Recorded foundings of ``kind`` in years first..last."""
        return tuple(p for p in self.points(f"new_{kind}") if first <= p[0] <= last)

    def figure(self, key: str) -> Figure | None:
        """The figure in force for a key (the last given), or None."""
        return next((f for f in reversed(self.figures) if f.key == key), None)


def evidence_for(pack: Pack, extra: Iterable[Observation] = (), as_of: int | None = None,
                 switches: Mapping[str, bool] | None = None, *, pack_figures: bool = True,
                 stored: Iterable[Observation] = ()) -> Evidence:
    """The evidence of ``pack``: its own figures, the ``stored`` ones and ``extra`` ones (in that order, a
    later one replacing an earlier one of the same indicator and year), the ``as_of`` cut-off and the
    user's ``switches`` (figure key → use or not) applied.  ``pack_figures=False`` leaves the pack's own
    out (the projection from the base year alone)."""
    if as_of is not None:
        as_of = check_as_of(pack, as_of)
    switches = dict(switches or {})
    candidates = ([(o, "pack") for o in (pack.actuals if pack_figures else ())]
                  + [(o, "stored") for o in stored] + [(o, "extra") for o in extra])
    last = {(o.indicator, int(o.year)): i for i, (o, _) in enumerate(candidates)}
    figures: list[Figure] = []
    taken: dict[tuple[str, int], Observation] = {}
    for i, (obs, origin) in enumerate(candidates):
        key = figure_key(obs.indicator, obs.year)
        reason = ""
        if obs.indicator not in pack.indicators:
            reason = "not_modelled"
        elif not pack.base_year <= obs.year <= pack.horizon:
            reason = "outside"
        elif last[(obs.indicator, int(obs.year))] != i:
            reason = "replaced"
        elif as_of is not None and obs.year > as_of:
            reason = "after_as_of"
        elif switches.get(key) is False:
            reason = "switched_off"
        elif not obs.use and not switches.get(key):
            reason = "pack"
        figures.append(Figure(obs, origin, not reason, reason, as_of))
        if not reason:
            taken[(obs.indicator, int(obs.year))] = obs
    used = tuple(sorted(taken.values(), key=lambda o: (_ORDER[o.indicator], o.year)))
    evidence = Evidence(pack.base_year, tuple(figures), used, as_of, fingerprint(used))
    return replace(evidence, issues=stock_flow(pack, evidence), _by={})


def no_evidence(pack: Pack) -> Evidence:
    """No actual figure at all: the projection from the pack's base year (as before monitoring)."""
    return evidence_for(pack, pack_figures=False)


def fingerprint(used: Iterable[Observation]) -> str:
    """Ten hex digits naming a set of figures (indicator, year, value); the same set, the same name."""
    text = "\n".join(f"{o.indicator},{int(o.year)},{float(o.value)!r}" for o in
                     sorted(used, key=lambda o: (o.indicator, o.year)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def check_as_of(pack: Pack, value: object, where: str = "--as-of") -> int:
    """An as-of year: a whole year from the pack's base year to its horizon."""
    try:
        number = float(str(value).strip())
    except ValueError:
        number = float("nan")
    if not number == number or number != int(number) or not pack.base_year <= number <= pack.horizon:
        raise PlannerError(f"năm xét phải là số nguyên từ {pack.base_year} đến {pack.horizon}, không phải '{value}'",
                           f"the as-of year must be a whole year from {pack.base_year} to {pack.horizon}, "
                           f"not '{value}'", where)
    return int(number)


def stock_flow(pack: Pack, evidence: Evidence) -> tuple[Issue, ...]:
    """S_t = S_{t−1} + N_t − D_t between consecutive stock figures (the base year's value counts as one)."""
    issues = []
    for kind in COUNT_KINDS:
        if kind not in pack.baseline:
            continue
        stocks = start_points(pack, evidence, kind)
        foundings = dict(evidence.points(f"new_{kind}"))
        for (a, s_a), (b, s_b) in zip(stocks, stocks[1:], strict=False):
            years = range(a + 1, b + 1)
            known = [foundings[y] for y in years if y in foundings]
            if not known:
                continue
            total = float(sum(known))
            issues.append(Issue(kind, a, b, s_a, s_b, total, len(known) == len(years), s_a + total - s_b))
    return tuple(issues)


def start_points(pack: Pack, evidence: Evidence, indicator: str) -> tuple[tuple[int, float], ...]:
    """The known points of an indicator's path: the base year (the pack's value, or an actual figure
    for that year, which replaces the pack's estimate) and every later used figure."""
    pts = dict(evidence.points(indicator))
    base = pts.pop(pack.base_year, pack.baseline[indicator].value)
    return ((pack.base_year, float(base)), *sorted(pts.items()))


# --- The trend preset follows the data ------------------------------------------------------------
_REFIT: dict[tuple, Pack] = {}


def refit(pack: Pack, evidence: Evidence) -> Pack:
    """The pack with its fitted ("fit") preset cells refitted on the series extended by the used figures.

    Only the counts' series (stocks and foundings) are fitted; fitted values are held inside the
    levers' bounds.  The pack itself when no used figure extends a fitted series.
    """
    kinds = {lever.split("_")[0] for _, lever in pack.fit_cells}
    extends = [o for o in evidence.used if o.indicator.removeprefix("new_") in kinds]
    if not extends:
        return pack
    key = (pack.id, id(pack), evidence.fingerprint)
    hit = _REFIT.get(key)
    if hit is not None:
        return hit
    replaced = {(o.indicator, o.year) for o in extends}
    series = tuple(o for o in pack.series if (o.indicator, o.year) not in replaced) + tuple(extends)
    fits = dict(pack.fits)
    for kind in kinds:
        old = pack.fits.get(kind)
        # The refit keeps the form of the pack's fit: growth held at zero stays held (one more point
        # does not make four unknowns worth fitting: it would land on a bound).
        hold = old is not None and old.points <= 3
        fit = fit_counts(kind, series, pack.base_year, hold_growth=hold)
        if fit is not None:
            fits[kind] = fit
    presets = {name: dict(values) for name, values in pack.presets.items()}
    levers = {lv.id: lv for lv in pack.levers}
    for name, lever_id in pack.fit_cells:
        fit = fits.get(lever_id.split("_")[0])
        if fit is not None and lever_id in fit.lever_values() and lever_id in levers:
            lever = levers[lever_id]
            presets[name][lever_id] = min(max(fit.lever_values()[lever_id], lever.lo), lever.hi)
    out = replace(pack, presets=presets, fits=fits)
    if len(_REFIT) > 64:
        _REFIT.clear()
    _REFIT[key] = out
    return out


# --- Default evidence of a pack (the engine's default) ---------------------------------------------
_DEFAULT: dict[int, tuple[Pack, Evidence]] = {}


def default_evidence(pack: Pack) -> Evidence:
    """The pack's own figures as the pack says (memoised per pack object)."""
    hit = _DEFAULT.get(id(pack))
    if hit is not None and hit[0] is pack:
        return hit[1]
    evidence = evidence_for(pack)
    if len(_DEFAULT) > 64:
        _DEFAULT.clear()
    _DEFAULT[id(pack)] = (pack, evidence)
    return evidence

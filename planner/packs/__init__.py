"""Plan packs: a folder a department writes with Excel and a text editor, documented in docs/packs.md.

Files of a pack folder (``data/<id>/``, or a folder under one named by ``PLANNER_PACKS``):
- ``pack.toml``: name, issuing body, document, base year, first year of the plan window, area note;
- ``targets.csv``: every target of the plan, also those the engine cannot project;
- ``baseline.csv``: the base-year figures, with source, date, estimate flag;
- ``series.csv`` (optional): history up to the base year; ``actuals.csv`` (optional): figures after it;
- ``presets.csv``: one row per lever, one column per preset, a note on where the values come from;
- ``indicators.csv`` (optional): indicators the plan tracks but the engine does not model;
- ``notes.vi.md`` / ``notes.en.md`` (optional): the pack's own prose (area, administrative changes,
  remarks on the method), shown on the Data page;
- ``lever_help.csv`` (optional): a lever's help text where this plan needs other words than the registry's.

``read`` checks a folder and collects every problem (file, row, column, what is allowed);
``archive`` reads an uploaded zip safely and copies a pack as a starting point.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import PlannerError
from ..registry import (
    FOUNDED,
    HISTORY_BY_ID,
    INDICATOR_BY_ID,
    PRESET_LABELS,
    Indicator,
    Lever,
    levers_for_indicators,
)

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
PRESETS: tuple[str, ...] = tuple(PRESET_LABELS)
HORIZON = 2045
PACKS_ENV = "PLANNER_PACKS"


@dataclass(frozen=True)
class Target:
    id: str
    year: int
    indicator: str
    kind: str  # new | stock | share | count | ratio | growth
    rule: str  # ge | gt | le | lt | full | increase
    threshold: float  # for "increase": the base-year value
    tolerance: float
    label_vi: str
    label_en: str
    plan_text: str = ""
    note: str = ""
    of: str = ""  # the denominator of a "ratio" target (e.g. htx for high-tech HTX ÷ all HTX)
    modelled: bool = True  # False: the engine makes no projection; the target is tracked on figures
    reason_vi: str = ""  # why it is not modelled, in words
    reason_en: str = ""
    note_vi: str = ""

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en

    def reason(self, lang: str) -> str:
        return self.reason_vi if lang == "vi" else self.reason_en

    def note_in(self, lang: str) -> str:
        return (self.note_vi or self.note) if lang == "vi" else self.note

    @property
    def indicators(self) -> frozenset[str]:
        """The indicators the target reads (two for a ratio)."""
        return frozenset({self.indicator, self.of} - {""})

    @property
    def met_at(self) -> float:
        """The value from which the target counts as met (strictness handled by ``rule``)."""
        return self.threshold - self.tolerance if self.rule == "full" else self.threshold


# What an observed figure is (series.csv / actuals.csv / baseline.csv column ``basis``): a published
# figure, an estimate, a count of part of a year (its months in the note) or a figure of another
# definition than the indicator's.  Charts, reports and slides mark each point by it.
BASES: tuple[str, ...] = ("published", "estimate", "part_year", "other_definition")
BASIS_LABELS: dict[str, tuple[str, str]] = {
    "published": ("Số liệu công bố", "Published figure"),
    "estimate": ("Ước tính", "Estimate"),
    "part_year": ("Một phần năm", "Part of a year"),
    "other_definition": ("Định nghĩa khác", "Other definition"),
}
# A figure of these bases is kept and shown but does not start the projection unless switched on.
UNUSED_BASES: frozenset[str] = frozenset({"part_year", "other_definition"})
_UNUSED_WHY: dict[str, tuple[str, str]] = {
    "part_year": ("Số liệu một phần năm, không phải cả năm (xem ghi chú).",
                  "A count of part of a year, not the whole year (see the note)."),
    "other_definition": ("Khác định nghĩa của chỉ số (xem ghi chú).",
                         "Another definition than the indicator's (see the note)."),
}


def basis_label(basis: str, lang: str) -> str:
    vi, en = BASIS_LABELS[basis]
    return vi if lang == "vi" else en


@dataclass(frozen=True)
class Observation:
    indicator: str
    year: int
    value: float
    source: str = ""
    date: str = ""
    estimate: bool = False
    note: str = ""
    unit: str = ""
    note_vi: str = ""  # the note in Vietnamese, where the pack gives one
    # An estimate's stated range (baseline.csv ``low``, ``high``): the Monte Carlo draws the figure
    # from it.  ``reason`` / ``reason_vi`` say why the range is what it is.
    low: float | None = None
    high: float | None = None
    reason: str = ""
    reason_vi: str = ""
    # Whether the projection starts from this figure by default (an actuals.csv column ``use``, yes/no):
    # a figure of another definition is kept and shown, but not used unless a user switches it on.
    use: bool = True
    why_not: str = ""  # why it is not used by default, in English (``why_not``) and Vietnamese
    why_not_vi: str = ""
    from_year: int | None = None  # a flow summed over from_year..year (series.csv only)
    basis: str = ""  # one of BASES; empty means "from the estimate flag" (estimate or published)
    source_vi: str = ""  # the source in Vietnamese, where the pack's source has English words

    def __post_init__(self) -> None:
        if not self.basis:
            object.__setattr__(self, "basis", "estimate" if self.estimate else "published")
        elif self.basis == "estimate" and not self.estimate:
            object.__setattr__(self, "estimate", True)

    def why_not_in(self, lang: str) -> str:
        text = (self.why_not_vi or self.why_not) if lang == "vi" else self.why_not
        if text or self.basis not in UNUSED_BASES:
            return text
        # A part-year or other-definition figure the pack did not explain: its basis is the reason.
        return (_UNUSED_WHY[self.basis][0] if lang == "vi" else _UNUSED_WHY[self.basis][1])

    def note_in(self, lang: str) -> str:
        return (self.note_vi or self.note) if lang == "vi" else self.note

    def source_in(self, lang: str) -> str:
        return (self.source_vi or self.source) if lang == "vi" else self.source

    def reason_in(self, lang: str) -> str:
        return (self.reason_vi or self.reason) if lang == "vi" else self.reason

    @property
    def has_range(self) -> bool:
        return self.low is not None and self.high is not None and self.high > self.low

    @property
    def period(self) -> str:
        return f"{self.from_year}–{self.year}" if self.from_year else str(self.year)


@dataclass(frozen=True)
class Pack:
    id: str
    meta: dict
    targets: tuple[Target, ...]
    baseline: dict[str, Observation]
    series: tuple[Observation, ...]
    actuals: tuple[Observation, ...]
    presets: dict[str, dict[str, float]]
    preset_notes: dict[str, str] = field(default_factory=dict)
    fits: dict = field(default_factory=dict)  # kind -> calibrate.Fit, where the trend preset is fitted
    preset_notes_vi: dict[str, str] = field(default_factory=dict)  # lever id -> the note in Vietnamese
    # (preset, lever) cells of presets.csv that say ``fit``: refitted when actual figures extend the series
    fit_cells: frozenset[tuple[str, str]] = frozenset()
    declared: dict[str, Indicator] = field(default_factory=dict)  # indicators.csv: tracked, not modelled
    tracked: tuple[Observation, ...] = ()  # figures of indicators the engine does not project
    notes: dict[str, str] = field(default_factory=dict)  # lang -> the pack's prose (Markdown)
    lever_help: dict[str, tuple[str, str]] = field(default_factory=dict)  # lever id -> (vi, en)
    folder: str = ""  # where it was read from

    @property
    def base_year(self) -> int:
        return int(self.meta["base_year"])

    @property
    def window_start(self) -> int:
        return int(self.meta["window_start"])

    @property
    def horizon(self) -> int:
        return int(self.meta.get("horizon", HORIZON))

    @property
    def indicators(self) -> frozenset[str]:
        """Modelled indicators: every baseline indicator, plus the yearly foundings of each count."""
        return modelled_indicators(self.baseline)

    @property
    def levers(self) -> tuple[Lever, ...]:
        """The pack's levers, with the bounds of its ``[bounds]`` table, the help of ``lever_help.csv`` and, for
        the parameters of a fit, the fit's own spread and correlations (see ``_with_fits``)."""
        bounds = tuple(sorted((k, tuple(v)) for k, v in self.meta.get("bounds", {}).items()))
        helps = tuple(sorted(self.lever_help.items()))
        return _pack_levers(self.indicators, bounds, tuple(self.fits.values()), helps)

    def lever(self, lever_id: str) -> Lever:
        for lv in self.levers:
            if lv.id == lever_id:
                return lv
        known = ", ".join(lv.id for lv in self.levers)
        raise PlannerError(f"giả định lạ '{lever_id}' (gói {self.id} có: {known})",
                           f"unknown lever '{lever_id}' (pack {self.id} has: {known})", lever_id)

    def indicator(self, indicator_id: str) -> Indicator:
        """Any indicator the pack names: the registry's, a series-only one, or one it declares."""
        found = INDICATOR_BY_ID.get(indicator_id) or HISTORY_BY_ID.get(indicator_id) or self.declared.get(indicator_id)
        if found is None:
            raise PlannerError(f"chỉ số lạ '{indicator_id}'", f"unknown indicator '{indicator_id}'", self.id)
        return found

    def name(self, lang: str) -> str:
        return self.meta.get(f"name_{lang}", self.id)

    def text(self, key: str, lang: str) -> str:
        """A text of pack.toml in ``lang`` (``key_vi`` / ``key_en``), the other language where one is missing."""
        other = "en" if lang == "vi" else "vi"
        return str(self.meta.get(f"{key}_{lang}") or self.meta.get(f"{key}_{other}") or "")

    def notes_in(self, lang: str) -> str:
        """The pack's prose in ``lang``; the other language's where this one is missing."""
        return self.notes.get(lang) or self.notes.get("en" if lang == "vi" else "vi", "")

    def target(self, target_id: str) -> Target:
        for t in self.targets:
            if t.id == target_id:
                return t
        raise PlannerError(
            f"không có chỉ tiêu '{target_id}' trong gói {self.id}; có: {', '.join(self.target_ids)}",
            f"no target '{target_id}' in pack {self.id}; known: {', '.join(self.target_ids)}",
            "--target")

    @property
    def target_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.targets)

    @property
    def modelled_targets(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.modelled)

    def preset_note(self, lever_id: str, lang: str) -> str:
        """Where a lever's preset values come from, in ``lang`` (English where no Vietnamese note is given)."""
        english = self.preset_notes.get(lever_id, "")
        return (self.preset_notes_vi.get(lever_id) or english) if lang == "vi" else english

    def preset(self, name: str) -> dict[str, float]:
        if name not in self.presets:
            raise PlannerError(
                f"không có kịch bản mẫu '{name}'; có: {', '.join(self.presets)}",
                f"no preset '{name}'; known: {', '.join(self.presets)}", "preset")
        return dict(self.presets[name])


@lru_cache(maxsize=64)
def _pack_levers(indicators: frozenset[str], bounds: tuple, fits: tuple, helps: tuple = ()) -> tuple[Lever, ...]:
    by_id, help_by_id = dict(bounds), dict(helps)
    levers = tuple(_adapted(lv, by_id.get(lv.id), help_by_id.get(lv.id)) for lv in levers_for_indicators(indicators))
    return _with_fits(levers, fits)


def _with_fits(levers: tuple[Lever, ...], fits: tuple) -> tuple[Lever, ...]:
    """Fitted levers take their uncertainty from the fit: a symmetric triangle with the parameter's
    standard deviation (half-width √6·sd), and a Gaussian copula with the fit's correlations (the
    Cholesky row of each parameter over the fitted levers' random streams)."""
    out = {lv.id: lv for lv in levers}
    for fit in fits:
        params = [p for p in fit.params if p in out]
        if not params:
            continue
        sd = fit.sd()
        index = [fit.params.index(p) for p in params]
        corr = fit.correlation()[np.ix_(index, index)]
        try:
            chol = np.linalg.cholesky(corr + 1e-12 * np.eye(len(params)))
        except np.linalg.LinAlgError:  # not positive definite: keep the parameters independent
            chol = np.eye(len(params))
        for i, lever_id in enumerate(params):
            half = math.sqrt(6) * sd[lever_id]
            mix = tuple((params[j], float(chol[i, j])) for j in range(i + 1) if abs(chol[i, j]) > 1e-12)
            out[lever_id] = replace(out[lever_id], spread=(-half, half), spread_mode="add",
                                    mix=mix if len(mix) > 1 else ())
    return tuple(out[lv.id] for lv in levers)


def modelled_indicators(baseline: dict[str, Observation] | set[str] | frozenset[str]) -> frozenset[str]:
    """Every indicator with a base-year figure, plus the yearly foundings of each count among them."""
    base = set(baseline)
    return frozenset(base | {flow for count, flow in FOUNDED.items() if count in base})


def _adapted(lever: Lever, bounds: list | None, help_text: tuple[str, str] | None) -> Lever:
    if bounds:
        lo, hi, step = (float(x) for x in bounds)
        lever = replace(lever, lo=lo, hi=hi, step=step)
    if help_text:
        lever = replace(lever, help_vi=help_text[0] or lever.help_vi, help_en=help_text[1] or lever.help_en)
    return lever


# --- Where packs are found -------------------------------------------------------------------------

_REGISTERED: dict[str, Pack] = {}  # packs read from an upload, by id (content-addressed: see archive)


def pack_dirs() -> tuple[Path, ...]:
    """Folders holding pack folders: ``data/`` and those named by ``PLANNER_PACKS`` (os.pathsep-separated)."""
    extra = [Path(p).expanduser() for p in os.environ.get(PACKS_ENV, "").split(os.pathsep) if p.strip()]
    return (DATA_DIR, *extra)


def _folders() -> dict[str, Path]:
    """Pack id (the folder's name) -> folder; a folder in ``data/`` wins over one of the same name later."""
    found: dict[str, Path] = {}
    for root in pack_dirs():
        try:
            children = sorted(root.iterdir())
        except OSError:
            continue  # a folder named in PLANNER_PACKS that is missing holds no packs
        for child in children:
            if (child / "pack.toml").is_file() and child.name not in found:
                found[child.name] = child
    return found


def pack_ids(data_dir: Path | None = None) -> tuple[str, ...]:
    """Packs on disk, the default one (``default = true`` in its TOML) first."""
    if data_dir is not None:
        folders = {p.name: p for p in sorted(data_dir.iterdir()) if (p / "pack.toml").is_file()}
    else:
        folders = _folders()
    return tuple(sorted(folders, key=lambda i: (0 if _is_default(folders[i]) else 1, i)))


def pack_folder(pack_id: str) -> Path:
    folders = _folders()
    if pack_id not in folders:
        known = ", ".join(pack_ids())
        raise PlannerError(f"không có gói kế hoạch '{pack_id}'; có: {known}",
                           f"unknown plan pack '{pack_id}'; known: {known}", "pack")
    return folders[pack_id]


def _is_default(folder: Path) -> bool:
    try:
        return bool(tomllib.loads((folder / "pack.toml").read_text(encoding="utf-8")).get("default"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


# The pack the app and the CLI open with: the one whose pack.toml says ``default = true`` (else the first).
DEFAULT_PACK: str = (pack_ids(DATA_DIR) or ("",))[0]


def register(pack: Pack) -> str:
    """Make a pack read from an upload loadable by id (for the sessions that know the id)."""
    _REGISTERED[pack.id] = pack
    return pack.id


def is_registered(pack_id: str) -> bool:
    return pack_id in _REGISTERED


def load_pack(pack_id: str = DEFAULT_PACK) -> Pack:
    """A pack by id: an uploaded one registered this run, else a folder on disk (cached)."""
    if pack_id in _REGISTERED:
        return _REGISTERED[pack_id]
    return _load_folder(pack_id, os.environ.get(PACKS_ENV, ""))


@lru_cache(maxsize=32)
def _load_folder(pack_id: str, _env: str) -> Pack:
    # Keyed on PLANNER_PACKS too, so changing it (tests, a second deployment) never serves a stale pack.
    folder = pack_folder(pack_id)
    pack = load_pack_dir(folder)
    if pack.id != pack_id:
        raise PlannerError(f"mã '{pack.id}' trong pack.toml phải trùng tên thư mục '{pack_id}'",
                           f"id '{pack.id}' in pack.toml must equal the folder's name '{pack_id}'",
                           str(folder / "pack.toml"))
    return pack


from .read import PackError, load_pack_dir  # noqa: E402  (read needs the dataclasses above)

__all__ = ["DATA_DIR", "DEFAULT_PACK", "HORIZON", "PRESETS", "Observation", "Pack", "PackError", "Target",
           "is_registered", "load_pack", "load_pack_dir", "modelled_indicators", "pack_dirs", "pack_folder", "pack_ids",
           "register"]

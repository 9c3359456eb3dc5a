"""Plan packs: a folder in ``data/`` with metadata (TOML) and tables (CSV) a department edits in Excel.

Files of a pack ``data/<id>/``:
- ``pack.toml``: name, issuing body, document, base year, first year of the plan window, area note;
- ``targets.csv``: id, year, indicator, kind, rule, threshold, tolerance, labels, plan wording;
- ``baseline.csv``: the base-year value of every modelled indicator, with source, date, estimate flag;
- ``series.csv`` (optional): history up to the base year; ``actuals.csv`` (optional): figures after it;
- ``presets.csv``: one row per lever, one column per preset, a ``note`` (English) on where the values come from
  and, optionally, the same note in Vietnamese (``note_vi``).

The observation files (baseline, series, actuals) likewise take an English ``note`` and an optional ``note_vi``.
"""

from __future__ import annotations

import csv
import math
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from .calibrate import fit_counts
from .errors import PlannerError
from .registry import (
    INDICATOR_BY_ID,
    LEVER_BY_ID,
    PRESET_LABELS,
    RULES,
    TARGET_KINDS,
    Lever,
    levers_for_indicators,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PRESETS: tuple[str, ...] = tuple(PRESET_LABELS)
HORIZON = 2045
TARGET_COLUMNS = ("id", "year", "indicator", "kind", "rule", "threshold")
OBSERVATION_COLUMNS = ("indicator", "year", "value")


@dataclass(frozen=True)
class Target:
    id: str
    year: int
    indicator: str
    kind: str  # new | stock | share | count
    rule: str  # ge | gt | full | increase
    threshold: float  # for "increase": the base-year value
    tolerance: float
    label_vi: str
    label_en: str
    plan_text: str = ""
    note: str = ""

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en

    @property
    def met_at(self) -> float:
        """The value from which the target counts as met (strictness handled by ``rule``)."""
        return self.threshold - self.tolerance if self.rule == "full" else self.threshold


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

    def why_not_in(self, lang: str) -> str:
        return (self.why_not_vi or self.why_not) if lang == "vi" else self.why_not

    def note_in(self, lang: str) -> str:
        return (self.note_vi or self.note) if lang == "vi" else self.note

    def reason_in(self, lang: str) -> str:
        return (self.reason_vi or self.reason) if lang == "vi" else self.reason

    @property
    def has_range(self) -> bool:
        return self.low is not None and self.high is not None and self.high > self.low


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
        base = set(self.baseline)
        return frozenset(base | {f"new_{k}" for k in ("htx", "tht", "lhhtx") if k in base})

    @property
    def levers(self) -> tuple[Lever, ...]:
        """The pack's levers, with the bounds its ``[bounds]`` table sets (lo, hi, step), and for the
        parameters of a fit, the fit's own spread and correlations (see ``_with_fits``)."""
        bounds = tuple(sorted((k, tuple(v)) for k, v in self.meta.get("bounds", {}).items()))
        return _pack_levers(self.indicators, bounds, tuple(self.fits.values()))

    def lever(self, lever_id: str) -> Lever:
        for lv in self.levers:
            if lv.id == lever_id:
                return lv
        known = ", ".join(lv.id for lv in self.levers)
        raise PlannerError(f"giả định lạ '{lever_id}' (gói {self.id} có: {known})",
                           f"unknown lever '{lever_id}' (pack {self.id} has: {known})", lever_id)

    def name(self, lang: str) -> str:
        return self.meta.get(f"name_{lang}", self.id)

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
def _pack_levers(indicators: frozenset[str], bounds: tuple, fits: tuple) -> tuple[Lever, ...]:
    by_id = dict(bounds)
    levers = tuple(_with_bounds(lv, by_id.get(lv.id)) for lv in levers_for_indicators(indicators))
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


def _with_bounds(lever: Lever, bounds: list | tuple | None) -> Lever:
    if not bounds:
        return lever
    lo, hi, step = (float(x) for x in bounds)
    return replace(lever, lo=lo, hi=hi, step=step)


def _read_csv(path: Path, required: tuple[str, ...] = ()) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for i, row in enumerate(rows, start=2):
            if None in row:  # more cells than headers: an unquoted comma shifted the row
                raise PlannerError("dòng có nhiều ô hơn tiêu đề (dấu phẩy chưa đặt trong ngoặc kép?)",
                                   "row has more cells than the header (an unquoted comma?)",
                                   f"{path.name}, dòng/row {i}")
        clean = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in rows]
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = {h.strip() for h in next(csv.reader(fh), [])}
        missing = [c for c in required if c not in header]
        if missing:
            raise PlannerError(f"thiếu cột {', '.join(missing)}", f"missing column(s) {', '.join(missing)}", path.name)
        return clean
    except FileNotFoundError:
        raise PlannerError("thiếu tệp", "file missing", str(path)) from None
    except UnicodeDecodeError:
        raise PlannerError("tệp không phải UTF-8", "file is not UTF-8", str(path)) from None
    except csv.Error as exc:
        raise PlannerError(f"CSV sai: {exc}", f"malformed CSV: {exc}", str(path)) from None


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PlannerError(f"'{text}' không phải là số", f"'{text}' is not a number", where) from None
    if not math.isfinite(value):
        raise PlannerError(f"'{text}' không phải là số hữu hạn", f"'{text}' is not a finite number", where)
    return value


def _flag(text: str) -> bool:
    return text.strip().lower() in ("true", "1", "yes", "có", "x")


_NO = ("false", "0", "no", "không", "khong")


def _use(text: str, where: str) -> bool:
    """The ``use`` cell of an actuals row: empty or yes means used by default, no means kept but not used."""
    cell = text.strip().lower()
    if not cell or _flag(cell):
        return True
    if cell in _NO:
        return False
    raise PlannerError(f"cột use phải là yes hoặc no, không phải '{text}'",
                       f"column use must be yes or no, not '{text}'", where)


def _observations(rows: list[dict[str, str]], path: Path) -> tuple[Observation, ...]:
    out = []
    for i, row in enumerate(rows, start=2):
        where = f"{path.name}, dòng/row {i}"
        ind = row.get("indicator", "")
        if ind not in INDICATOR_BY_ID:
            raise PlannerError(f"chỉ tiêu lạ '{ind}'", f"unknown indicator '{ind}'", where)
        value = _number(row.get("value", ""), where)
        low, high = _range(row, value, where)
        out.append(Observation(
            ind, int(_number(row.get("year", ""), where)), value,
            row.get("source", ""), row.get("date", ""), _flag(row.get("estimate", "")),
            row.get("note", ""), row.get("unit", ""), row.get("note_vi", ""),
            low=low, high=high, reason=row.get("reason", ""), reason_vi=row.get("reason_vi", ""),
            use=_use(row.get("use", ""), where), why_not=row.get("why_not", ""),
            why_not_vi=row.get("why_not_vi", "")))
    return tuple(out)


def _range(row: dict[str, str], value: float, where: str) -> tuple[float | None, float | None]:
    """The optional ``low`` and ``high`` of an estimate: both or neither, around the value."""
    raw_low, raw_high = row.get("low", ""), row.get("high", "")
    if not raw_low and not raw_high:
        return None, None
    if not raw_low or not raw_high:
        raise PlannerError("cần cả 'low' và 'high' (hoặc để trống cả hai)",
                           "'low' and 'high' go together (or both stay empty)", where)
    low, high = _number(raw_low, f"{where}, low"), _number(raw_high, f"{where}, high")
    if not low <= value <= high:
        raise PlannerError(f"cần low ≤ giá trị ≤ high ({low:g} ≤ {value:g} ≤ {high:g})",
                           f"needs low ≤ value ≤ high ({low:g} ≤ {value:g} ≤ {high:g})", where)
    if low < 0:
        raise PlannerError("'low' không được âm", "'low' cannot be negative", where)
    return low, high


def load_pack_dir(folder: Path) -> Pack:
    """Read and check one pack folder; raise ``PlannerError`` naming the file and row on bad data."""
    try:
        meta = tomllib.loads((folder / "pack.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlannerError("thiếu pack.toml", "pack.toml missing", str(folder)) from None
    except tomllib.TOMLDecodeError as exc:
        raise PlannerError(f"TOML sai: {exc}", f"bad TOML: {exc}", str(folder / "pack.toml")) from None
    for key in ("id", "base_year", "window_start"):
        if key not in meta:
            raise PlannerError(f"thiếu khóa '{key}'", f"missing key '{key}'", str(folder / "pack.toml"))
    for key in ("base_year", "window_start", "horizon"):
        if key in meta and (not isinstance(meta[key], int) or not 1900 <= meta[key] <= 2100):
            raise PlannerError(f"'{key}' phải là một năm (số nguyên)", f"'{key}' must be a year (a whole number)",
                               str(folder / "pack.toml"))
    if not meta["base_year"] < meta["window_start"] <= meta.get("horizon", HORIZON):
        raise PlannerError("cần năm gốc < năm đầu kỳ kế hoạch ≤ năm cuối", "needs base_year < window_start ≤ horizon",
                           str(folder / "pack.toml"))

    baseline_obs = _observations(_read_csv(folder / "baseline.csv", OBSERVATION_COLUMNS), folder / "baseline.csv")
    baseline = {o.indicator: o for o in baseline_obs}
    targets = []
    for i, row in enumerate(_read_csv(folder / "targets.csv", TARGET_COLUMNS), start=2):
        where = f"targets.csv, dòng/row {i}"
        ind, kind, rule = row.get("indicator", ""), row.get("kind", ""), row.get("rule", "")
        if ind not in INDICATOR_BY_ID:
            raise PlannerError(f"chỉ tiêu lạ '{ind}'", f"unknown indicator '{ind}'", where)
        if kind not in TARGET_KINDS:
            raise PlannerError(f"loại '{kind}' không hợp lệ", f"invalid kind '{kind}'", where)
        if rule not in RULES:
            raise PlannerError(f"quy tắc '{rule}' không hợp lệ", f"invalid rule '{rule}'", where)
        base_ind = ind.removeprefix("new_")
        if base_ind not in baseline:
            raise PlannerError(f"thiếu số liệu gốc cho '{base_ind}'", f"no baseline for '{base_ind}'", where)
        threshold = (baseline[ind].value if rule == "increase"
                     else _number(row.get("threshold", ""), where))
        targets.append(Target(
            row["id"], int(_number(row.get("year", ""), where)), ind, kind, rule, threshold,
            _number(row.get("tolerance") or "0", where), row.get("label_vi", row["id"]),
            row.get("label_en", row["id"]), row.get("plan_text", ""), row.get("note", "")))

    pack_id = meta["id"]
    series = _observations(_read_csv(folder / "series.csv", OBSERVATION_COLUMNS), folder / "series.csv") \
        if (folder / "series.csv").exists() else ()
    actuals = _observations(_read_csv(folder / "actuals.csv", OBSERVATION_COLUMNS), folder / "actuals.csv") \
        if (folder / "actuals.csv").exists() else ()
    fits = _fits(folder, series, int(meta["base_year"]))
    presets: dict[str, dict[str, float]] = {}
    notes: dict[str, str] = {}
    notes_vi: dict[str, str] = {}
    fit_cells: set[tuple[str, str]] = set()
    preset_rows = _read_csv(folder / "presets.csv", ("lever", *PRESETS))
    needed = {lv.id for lv in levers_for_indicators(
        set(baseline) | {f"new_{k}" for k in ("htx", "tht", "lhhtx") if k in baseline})}
    for i, row in enumerate(preset_rows, start=2):
        where = f"presets.csv, dòng/row {i}"
        lever_id = row.get("lever", "")
        if lever_id not in LEVER_BY_ID:
            raise PlannerError(f"giả định lạ '{lever_id}'", f"unknown lever '{lever_id}'", where)
        lever = _with_bounds(LEVER_BY_ID[lever_id], meta.get("bounds", {}).get(lever_id))
        for name in PRESETS:
            cell = row.get(name, "")
            if cell.lower() == "fit":
                fit_cells.add((name, lever_id))
                fit = fits.get(lever_id.split("_")[0])
                if fit is None or lever_id not in fit.lever_values():
                    raise PlannerError(f"'{lever_id}' không thể ước lượng từ chuỗi số liệu (cần ít nhất 3 năm)",
                                       f"'{lever_id}' cannot be fitted (a series of 3+ years is needed)", where)
                cell = str(fit.lever_values()[lever_id])
            value = _number(cell, f"{where}, {name}")
            if not lever.lo <= value <= lever.hi:
                raise PlannerError(f"{lever_id}={value} ngoài khoảng [{lever.lo}, {lever.hi}]",
                                   f"{lever_id}={value} outside [{lever.lo}, {lever.hi}]", where)
            presets.setdefault(name, {})[lever_id] = value
        notes[lever_id] = row.get("note", "")
        notes_vi[lever_id] = row.get("note_vi", "")
    missing = needed - set(presets.get("trend", {}))
    if missing:
        raise PlannerError(f"thiếu giá trị mẫu cho {sorted(missing)}",
                           f"presets missing for {sorted(missing)}", str(folder / "presets.csv"))
    # Levers the pack does not model are dropped so they never show up.
    presets = {name: {k: v for k, v in vals.items() if k in needed} for name, vals in presets.items()}
    return Pack(pack_id, meta, tuple(targets), baseline, series, actuals, presets, notes, fits, notes_vi,
                frozenset(fit_cells))


def _fits(folder: Path, series: tuple[Observation, ...], base_year: int) -> dict:
    """Birth–death fits for each count with a series of 3+ years (used where presets say ``fit``)."""
    fits = {}
    for kind in ("htx", "tht", "lhhtx"):
        fit = fit_counts(kind, series, base_year)
        if fit is not None:
            fits[kind] = fit
    return fits


def pack_ids(data_dir: Path = DATA_DIR) -> tuple[str, ...]:
    """Packs on disk, the default one (``default = true`` in its TOML) first."""
    ids = sorted(p.name for p in data_dir.iterdir() if (p / "pack.toml").exists())
    return tuple(sorted(ids, key=lambda i: 0 if _is_default(data_dir / i) else 1))


def _is_default(folder: Path) -> bool:
    try:
        return bool(tomllib.loads((folder / "pack.toml").read_text(encoding="utf-8")).get("default"))
    except (OSError, tomllib.TOMLDecodeError):
        return False


DEFAULT_PACK = "hai-duong-2023"


@lru_cache(maxsize=16)
def load_pack(pack_id: str = DEFAULT_PACK) -> Pack:
    """A shipped pack by id (cached: packs are read-only while the program runs)."""
    known = pack_ids()
    if pack_id not in known:
        raise PlannerError(f"không có gói kế hoạch '{pack_id}'; có: {', '.join(known)}",
                           f"unknown plan pack '{pack_id}'; known: {', '.join(known)}", "pack")
    return load_pack_dir(DATA_DIR / pack_id)

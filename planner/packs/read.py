"""Reading and checking a pack folder: every problem is collected, each naming file, row and column.

A department checks its pack with ``python -m planner pack validate DIR`` and gets one line per
problem, so a spreadsheet with five mistakes is fixed in one pass, not five.  Nothing here trusts the
files: sizes and row counts are bounded, text must be UTF-8, every id, kind and rule is checked
against the registry or the pack's own ``indicators.csv``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..calibrate import fit_counts
from ..errors import PlannerError
from ..registry import (
    COUNT_KINDS,
    FRACTION_KINDS,
    HISTORY_BY_ID,
    INDICATOR_BY_ID,
    KIND_READS,
    LEVER_BY_ID,
    PACK_INDICATOR_KINDS,
    PRESET_LABELS,
    RULES,
    TARGET_KINDS,
    Indicator,
    levers_for_indicators,
)
from . import BASES, HORIZON, UNUSED_BASES, Observation, Pack, Target, _adapted, modelled_indicators

PRESETS = tuple(PRESET_LABELS)
TARGET_COLUMNS = ("id", "year", "indicator", "kind", "rule", "threshold")
OBSERVATION_COLUMNS = ("indicator", "year", "value")
INDICATOR_COLUMNS = ("id", "label_vi", "label_en", "kind")
LEVER_HELP_COLUMNS = ("lever", "help_vi", "help_en")
REQUIRED_FILES = ("pack.toml", "targets.csv", "baseline.csv", "presets.csv")
OPTIONAL_FILES = ("series.csv", "actuals.csv", "indicators.csv", "lever_help.csv", "notes.vi.md", "notes.en.md")
PACK_FILES = REQUIRED_FILES + OPTIONAL_FILES
MAX_FILE_BYTES = 2 * 1024 * 1024  # a pack's tables are a few kilobytes; this is far above any real one
MAX_ROWS = 2000  # rows per table (a plan has tens of targets)
MAX_TARGETS = 200
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
PACK_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass
class Problems:
    """Problems found so far; ``add`` never raises, so checking goes on after the first."""

    items: list[PlannerError] = field(default_factory=list)
    warnings: list[PlannerError] = field(default_factory=list)

    def add(self, vi: str, en: str, where: str) -> None:
        self.items.append(PlannerError(vi, en, where))

    def warn(self, vi: str, en: str, where: str) -> None:
        self.warnings.append(PlannerError(vi, en, where))


class PackError(PlannerError):
    """A pack that cannot be used: ``problems`` lists each one (file, row, column, what is allowed)."""

    def __init__(self, problems: list[PlannerError], warnings: list[PlannerError] | None = None) -> None:
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        first = self.problems[0]
        more = len(self.problems) - 1
        vi = first.vi + (f" (và {more} lỗi khác)" if more else "")
        en = first.en + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
        super().__init__(vi, en, first.where)

    def lines(self, lang: str) -> list[str]:
        return [p.message(lang) for p in self.problems]


def _at(name: str, row: int | None = None, column: str | None = None) -> str:
    where = name
    if row is not None:
        where += f", dòng/row {row}"
    if column:
        where += f", cột/column {column}"
    return where


class Files:
    """The pack's files as text: from a folder, or from an upload already read into memory."""

    def __init__(self, texts: dict[str, bytes], origin: str) -> None:
        self.raw = texts
        self.origin = origin

    @classmethod
    def from_folder(cls, folder: Path, problems: Problems) -> Files:
        texts: dict[str, bytes] = {}
        for name in PACK_FILES:
            path = folder / name
            if not path.is_file():
                continue
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                problems.add(f"tệp quá lớn ({size:,} byte; tối đa {MAX_FILE_BYTES:,})",
                             f"file too large ({size:,} bytes; at most {MAX_FILE_BYTES:,})", name)
                continue
            texts[name] = path.read_bytes()
        return cls(texts, str(folder))

    def has(self, name: str) -> bool:
        return name in self.raw

    def text(self, name: str, problems: Problems) -> str | None:
        data = self.raw.get(name)
        if data is None:
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.add(f"tệp không phải UTF-8 (byte lỗi ở vị trí {exc.start}); trong Excel chọn "
                         "“Lưu thành… CSV UTF-8 (phân tách bằng dấu phẩy)”",
                         f"file is not UTF-8 (bad byte at position {exc.start}); in Excel use "
                         "“Save as… CSV UTF-8 (comma delimited)”", name)
            return None
        if "\x00" in text:
            problems.add("tệp chứa ký tự NUL (không phải văn bản)", "file holds NUL characters (not text)", name)
            return None
        return text


def read_table(files: Files, name: str, required: tuple[str, ...], problems: Problems) -> list[tuple[int, dict]] | None:
    """Rows of a CSV file as (row number in Excel, {column: text}); None when the file cannot be read."""
    text = files.text(name, problems)
    if text is None:
        return None
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(reader, [])]
        rows = []
        for number, cells in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                problems.add(f"quá nhiều dòng (tối đa {MAX_ROWS})", f"too many rows (at most {MAX_ROWS})", name)
                return None
            if not any(c.strip() for c in cells):
                continue  # an empty line Excel leaves at the end
            if len(cells) > len(header):
                problems.add("dòng có nhiều ô hơn tiêu đề (dấu phẩy chưa đặt trong ngoặc kép?)",
                             "row has more cells than the header (an unquoted comma?)", _at(name, number))
                continue
            rows.append((number, {h: (c or "").strip() for h, c in zip(header, cells, strict=False) if h}))
    except csv.Error as exc:
        problems.add(f"CSV sai: {exc}", f"malformed CSV: {exc}", name)
        return None
    missing = [c for c in required if c not in header]
    if missing:
        problems.add(f"thiếu cột {', '.join(missing)} (có: {', '.join(h for h in header if h) or 'không có'})",
                     f"missing column(s) {', '.join(missing)} (found: {', '.join(h for h in header if h) or 'none'})",
                     name)
        return None
    duplicated = sorted({h for h in header if h and header.count(h) > 1})
    if duplicated:
        problems.add(f"cột lặp lại: {', '.join(duplicated)}", f"repeated column(s): {', '.join(duplicated)}", name)
    return rows


def _number(text: str, where: str, problems: Problems) -> float | None:
    try:
        value = float(text.replace(" ", ""))
    except ValueError:
        hint_vi, hint_en = ("", "")
        if "," in text:
            hint_vi, hint_en = " (dùng dấu chấm cho phần thập phân: 0.7)", " (use a point for decimals: 0.7)"
        problems.add(f"'{text}' không phải là số{hint_vi}", f"'{text}' is not a number{hint_en}", where)
        return None
    if not math.isfinite(value):
        problems.add(f"'{text}' không phải là số hữu hạn", f"'{text}' is not a finite number", where)
        return None
    return value


def _year(text: str, where: str, problems: Problems, lo: int = FIRST_YEAR, hi: int = LAST_YEAR) -> int | None:
    value = _number(text, where, problems)
    if value is None:
        return None
    if value != int(value) or not lo <= value <= hi:
        problems.add(f"'{text}' không phải là năm từ {lo} đến {hi}", f"'{text}' is not a year from {lo} to {hi}",
                     where)
        return None
    return int(value)


def _flag(text: str, where: str, problems: Problems) -> bool:
    value = text.strip().lower()
    if value in ("", "false", "0", "no", "không"):
        return False
    if value in ("true", "1", "yes", "có", "x"):
        return True
    problems.add(f"'{text}' không hợp lệ; dùng true hoặc false", f"'{text}' is not allowed; use true or false", where)
    return False


def _range(row: dict[str, str], value: float, where: str, problems: Problems) -> tuple[float | None, float | None]:
    """The optional ``low`` and ``high`` of an estimate: both or neither, around the value."""
    raw_low, raw_high = row.get("low", ""), row.get("high", "")
    if not raw_low and not raw_high:
        return None, None
    if not raw_low or not raw_high:
        problems.add("cần cả 'low' và 'high' (hoặc để trống cả hai)", "'low' and 'high' go together (or both stay "
                     "empty)", where)
        return None, None
    low, high = _number(raw_low, f"{where}, low", problems), _number(raw_high, f"{where}, high", problems)
    if low is None or high is None:
        return None, None
    if not low <= value <= high:
        problems.add(f"cần low ≤ giá trị ≤ high ({low:g} ≤ {value:g} ≤ {high:g})",
                     f"needs low ≤ value ≤ high ({low:g} ≤ {value:g} ≤ {high:g})", where)
        return None, None
    if low < 0:
        problems.add("'low' không được âm", "'low' cannot be negative", where)
        return None, None
    return low, high


def _yes_no(text: str, where: str, problems: Problems) -> bool:
    """The ``use`` cell of an actuals row: yes (or empty) means used by default, no means kept but not used."""
    value = text.strip().lower()
    if value in ("", "true", "1", "yes", "có", "co", "x"):
        return True
    if value in ("false", "0", "no", "không", "khong"):
        return False
    problems.add(f"'{text}' không hợp lệ; dùng yes hoặc no", f"'{text}' is not allowed; use yes or no", where)
    return True


def _meta(files: Files, problems: Problems) -> dict | None:
    text = files.text("pack.toml", problems)
    if text is None:
        return None
    try:
        meta = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.add(f"TOML sai: {exc}", f"bad TOML: {exc}", "pack.toml")
        return None
    ok = True
    for key in ("id", "base_year", "window_start", "name_vi", "name_en"):
        if key not in meta:
            problems.add(f"thiếu khóa '{key}'", f"missing key '{key}'", "pack.toml")
            ok = False
    if "id" in meta and not (isinstance(meta["id"], str) and PACK_ID_PATTERN.match(meta["id"])):
        problems.add("'id' chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (vd. hoa-binh-2023)",
                     "'id' takes lower-case ASCII letters, digits and dashes only (e.g. hoa-binh-2023)",
                     _at("pack.toml", column="id"))
        ok = False
    for key in ("base_year", "window_start", "horizon"):
        if key in meta and (not isinstance(meta[key], int) or isinstance(meta[key], bool)
                            or not FIRST_YEAR <= meta[key] <= LAST_YEAR):
            problems.add(f"'{key}' phải là một năm từ {FIRST_YEAR} đến {LAST_YEAR} (số nguyên)",
                         f"'{key}' must be a year from {FIRST_YEAR} to {LAST_YEAR} (a whole number)",
                         _at("pack.toml", column=key))
            ok = False
    if not ok:
        return None
    horizon = meta.get("horizon", HORIZON)
    if horizon != HORIZON:
        problems.add(f"'horizon' phải là {HORIZON} (dự báo luôn đến {HORIZON})",
                     f"'horizon' must be {HORIZON} (projections always run to {HORIZON})",
                     _at("pack.toml", column="horizon"))
        return None
    if not meta["base_year"] < meta["window_start"] <= horizon:
        problems.add(f"cần năm gốc < năm đầu kỳ kế hoạch ≤ {horizon} (có {meta['base_year']}, {meta['window_start']})",
                     f"needs base_year < window_start ≤ {horizon} (found {meta['base_year']}, {meta['window_start']})",
                     "pack.toml")
        return None
    bounds = meta.get("bounds", {})
    if not isinstance(bounds, dict):
        problems.add("[bounds] phải là một bảng", "[bounds] must be a table", "pack.toml")
        meta["bounds"] = {}
    for lever_id, value in list(meta.get("bounds", {}).items()):
        where = _at("pack.toml", column=f"bounds.{lever_id}")
        if lever_id not in LEVER_BY_ID:
            problems.add(f"giả định lạ '{lever_id}'", f"unknown lever '{lever_id}'", where)
            continue
        if not (isinstance(value, list) and len(value) == 3 and all(isinstance(x, int | float) for x in value)
                and value[0] < value[1] and value[2] > 0):
            problems.add("phải là [thấp, cao, bước] với thấp < cao và bước > 0",
                         "must be [low, high, step] with low < high and step > 0", where)
    for key in ("name_vi", "name_en", "area_note_vi", "area_note_en", "issuer_vi", "issuer_en", "document",
                "window_note_vi", "window_note_en"):
        if key in meta and not isinstance(meta[key], str):
            problems.add("phải là văn bản trong ngoặc kép", "must be text in double quotes", _at("pack.toml", column=key))
    return meta


def _declared(files: Files, problems: Problems) -> dict[str, Indicator]:
    if not files.has("indicators.csv"):
        return {}
    rows = read_table(files, "indicators.csv", INDICATOR_COLUMNS, problems) or []
    out: dict[str, Indicator] = {}
    for number, row in rows:
        ind_id, kind = row.get("id", ""), row.get("kind", "")
        if not ID_PATTERN.match(ind_id):
            problems.add(f"mã '{ind_id}' không hợp lệ: chữ thường không dấu, chữ số, '_' (vd. htx_revenue)",
                         f"id '{ind_id}' not allowed: lower-case ASCII letters, digits, '_' (e.g. htx_revenue)",
                         _at("indicators.csv", number, "id"))
            continue
        if ind_id in INDICATOR_BY_ID or ind_id in HISTORY_BY_ID:
            problems.add(f"'{ind_id}' là chỉ số của mô hình; không khai báo lại",
                         f"'{ind_id}' is one of the engine's indicators; do not declare it again",
                         _at("indicators.csv", number, "id"))
            continue
        if ind_id in out:
            problems.add(f"mã '{ind_id}' lặp lại", f"id '{ind_id}' repeated", _at("indicators.csv", number, "id"))
            continue
        if kind not in PACK_INDICATOR_KINDS:
            problems.add(f"loại '{kind}' không hợp lệ; dùng: {', '.join(PACK_INDICATOR_KINDS)}",
                         f"kind '{kind}' not allowed; use: {', '.join(PACK_INDICATOR_KINDS)}",
                         _at("indicators.csv", number, "kind"))
            continue
        label_vi, label_en = row.get("label_vi", ""), row.get("label_en", "")
        if not label_vi or not label_en:
            problems.add("cần cả label_vi và label_en", "both label_vi and label_en are needed",
                         _at("indicators.csv", number))
            continue
        unit_vi = row.get("unit_vi", "") or ("%" if kind == "share" else "")
        unit_en = row.get("unit_en", "") or unit_vi
        out[ind_id] = Indicator(ind_id, label_vi, label_en, kind, unit_vi, unit_en)  # type: ignore[arg-type]
    return out


def _observations(files: Files, name: str, declared: dict[str, Indicator], problems: Problems,
                  allow_history: bool = False) -> tuple[Observation, ...]:
    if not files.has(name):
        return ()
    rows = read_table(files, name, OBSERVATION_COLUMNS, problems) or []
    out = []
    seen: set[tuple[str, int, int | None]] = set()
    for number, row in rows:
        ind = row.get("indicator", "")
        known = INDICATOR_BY_ID.get(ind) or declared.get(ind) or (HISTORY_BY_ID.get(ind) if allow_history else None)
        if known is None:
            allowed = [*INDICATOR_BY_ID, *(HISTORY_BY_ID if allow_history else ()), *declared]
            problems.add(f"chỉ số lạ '{ind}'; dùng: {', '.join(allowed)} (hoặc khai báo trong indicators.csv)",
                         f"unknown indicator '{ind}'; use: {', '.join(allowed)} (or declare it in indicators.csv)",
                         _at(name, number, "indicator"))
            continue
        year = _year(row.get("year", ""), _at(name, number, "year"), problems)
        value = _number(row.get("value", ""), _at(name, number, "value"), problems)
        from_year = None
        if row.get("from_year"):
            if not allow_history or known.kind != "flow":
                problems.add("from_year chỉ dùng trong series.csv cho số thành lập hoặc giải thể (tổng nhiều năm)",
                             "from_year is for foundings or dissolutions in series.csv only (a total over years)",
                             _at(name, number, "from_year"))
            else:
                from_year = _year(row["from_year"], _at(name, number, "from_year"), problems)
                if from_year is not None and year is not None and from_year >= year:
                    problems.add("from_year phải nhỏ hơn year", "from_year must be before year",
                                 _at(name, number, "from_year"))
                    from_year = None
        estimate = _flag(row.get("estimate", ""), _at(name, number, "estimate"), problems)
        basis = _basis(row.get("basis", ""), estimate, _at(name, number, "basis"), problems)
        # A part-year or other-definition figure is not used by default: it does not measure the indicator.
        use = (_yes_no(row["use"], _at(name, number, "use"), problems) if row.get("use")
               else basis not in UNUSED_BASES)
        if year is None or value is None:
            continue
        if known.kind == "share" and not 0 <= value <= 1:
            problems.add(f"tỷ lệ {value:g} phải là phân số từ 0 đến 1 (70 % ghi là 0.7)",
                         f"share {value:g} must be a fraction from 0 to 1 (70 % is written 0.7)",
                         _at(name, number, "value"))
            continue
        if known.kind in ("stock", "flow", "count") and value < 0:
            problems.add("số đếm không được âm", "a count cannot be negative", _at(name, number, "value"))
            continue
        key = (ind, year, from_year)
        if key in seen:
            problems.add(f"{ind} năm {year} lặp lại", f"{ind} for {year} given twice", _at(name, number))
            continue
        seen.add(key)
        low, high = _range(row, value, _at(name, number), problems)
        out.append(Observation(ind, year, value, row.get("source", ""), row.get("date", ""), estimate,
                               row.get("note", ""), row.get("unit", ""), row.get("note_vi", ""),
                               low=low, high=high, reason=row.get("reason", ""), reason_vi=row.get("reason_vi", ""),
                               use=use, why_not=row.get("why_not", ""), why_not_vi=row.get("why_not_vi", ""),
                               from_year=from_year, basis=basis, source_vi=row.get("source_vi", "")))
    return tuple(out)


def _basis(text: str, estimate: bool, where: str, problems: Problems) -> str:
    """The ``basis`` column: one of BASES; empty takes it from the ``estimate`` flag."""
    text = text.strip()
    if not text:
        return "estimate" if estimate else "published"
    if text not in BASES:
        problems.add(f"basis '{text}' không hợp lệ; dùng: {', '.join(BASES)}",
                     f"basis '{text}' is not allowed; use: {', '.join(BASES)}", where)
        return "estimate" if estimate else "published"
    if estimate and text != "estimate":
        problems.add(f"estimate = true nhưng basis là '{text}'; để trống basis hoặc ghi estimate",
                     f"estimate is true but basis is '{text}'; leave basis empty or write estimate", where)
    return text


def _targets(files: Files, meta: dict, baseline: dict[str, Observation], declared: dict[str, Indicator],
             tracked_base: dict[str, Observation], problems: Problems) -> list[Target]:
    rows = read_table(files, "targets.csv", TARGET_COLUMNS, problems)
    if rows is None:
        return []
    if len(rows) > MAX_TARGETS:
        problems.add(f"quá nhiều chỉ tiêu ({len(rows)}; tối đa {MAX_TARGETS})",
                     f"too many targets ({len(rows)}; at most {MAX_TARGETS})", "targets.csv")
        return []
    if not rows:
        problems.add("không có chỉ tiêu nào", "no targets", "targets.csv")
    modelled = modelled_indicators(baseline)
    targets, seen = [], set()
    base_year = meta["base_year"]
    for number, row in rows:
        problems_before = len(problems.items)
        tid, ind, kind, rule, of = (row.get(k, "") for k in ("id", "indicator", "kind", "rule", "of"))

        def bad(vi: str, en: str, column: str, number: int = number) -> None:
            problems.add(vi, en, _at("targets.csv", number, column))

        if not ID_PATTERN.match(tid):
            bad(f"mã '{tid}' không hợp lệ: chữ thường không dấu, chữ số, '_', '-' (vd. htx_2030)",
                f"id '{tid}' not allowed: lower-case ASCII letters, digits, '_', '-' (e.g. htx_2030)", "id")
        elif tid in seen:
            bad(f"mã '{tid}' lặp lại", f"id '{tid}' repeated", "id")
        seen.add(tid)
        year = _year(row.get("year", ""), _at("targets.csv", number, "year"), problems, base_year + 1, HORIZON)
        indicator = INDICATOR_BY_ID.get(ind) or declared.get(ind)
        if indicator is None:
            bad(f"chỉ số lạ '{ind}'; dùng: {', '.join([*INDICATOR_BY_ID, *declared])} "
                "(hoặc khai báo trong indicators.csv)",
                f"unknown indicator '{ind}'; use: {', '.join([*INDICATOR_BY_ID, *declared])} "
                "(or declare it in indicators.csv)", "indicator")
        if kind not in TARGET_KINDS:
            bad(f"loại '{kind}' không hợp lệ; dùng: {', '.join(TARGET_KINDS)}",
                f"kind '{kind}' not allowed; use: {', '.join(TARGET_KINDS)}", "kind")
        elif indicator is not None and indicator.kind not in KIND_READS[kind]:
            fitting = [i for i, v in {**INDICATOR_BY_ID, **declared}.items() if v.kind in KIND_READS[kind]]
            bad(f"loại '{kind}' không dùng được cho chỉ số '{ind}' (loại {indicator.kind}); "
                f"chỉ số dùng được: {', '.join(fitting)}",
                f"kind '{kind}' does not fit indicator '{ind}' (a {indicator.kind}); "
                f"indicators that fit: {', '.join(fitting)}", "kind")
        if rule not in RULES:
            bad(f"quy tắc '{rule}' không hợp lệ; dùng: {', '.join(RULES)}",
                f"rule '{rule}' not allowed; use: {', '.join(RULES)}", "rule")
        if kind == "ratio":
            denominator = INDICATOR_BY_ID.get(of) or declared.get(of)
            if denominator is None or denominator.kind not in ("stock", "count", "value"):
                counts = [i for i, v in {**INDICATOR_BY_ID, **declared}.items() if v.kind in ("stock", "count")]
                bad(f"chỉ tiêu loại ratio cần cột 'of' là một số đếm: {', '.join(counts)}",
                    f"a ratio target needs column 'of' naming a count: {', '.join(counts)}", "of")
        elif of:
            bad("cột 'of' chỉ dùng cho loại ratio", "column 'of' is for kind 'ratio' only", "of")
        if rule == "full" and kind not in ("share", "ratio"):
            bad("quy tắc 'full' (100 %) chỉ dùng cho tỷ lệ (share, ratio)",
                "rule 'full' (100 %) is for shares only (share, ratio)", "rule")
        if len(problems.items) > problems_before or year is None or indicator is None:
            continue
        tolerance = _number(row.get("tolerance") or "0", _at("targets.csv", number, "tolerance"), problems)
        # Whether the engine projects it: its indicators must be modelled and have a base-year figure.
        reads = [ind] + ([of] if of else [])
        missing = [i for i in reads if i not in modelled]
        base_of = {i: baseline.get(i) or tracked_base.get(i) for i in reads}
        if rule == "increase":
            start = base_of[ind]
            if start is None:
                bad(f"quy tắc 'increase' cần số liệu năm gốc của '{ind}' trong baseline.csv",
                    f"rule 'increase' needs a base-year figure for '{ind}' in baseline.csv", "rule")
                continue
            threshold = start.value
        else:
            threshold = _number(row.get("threshold", ""), _at("targets.csv", number, "threshold"), problems)
            if threshold is None:
                continue
        if tolerance is None:
            continue
        fraction = kind in FRACTION_KINDS or indicator.kind == "share"
        if fraction and kind != "growth" and not 0 <= threshold <= 1:
            bad(f"ngưỡng {threshold:g} của một tỷ lệ phải là phân số từ 0 đến 1 (70 % ghi là 0.7)",
                f"threshold {threshold:g} of a share must be a fraction from 0 to 1 (70 % is written 0.7)",
                "threshold")
            continue
        if kind == "growth" and not -1 < threshold <= 1:
            bad(f"mức tăng {threshold:g} mỗi năm phải là phân số từ -1 đến 1 (+3 % một năm ghi là 0.03)",
                f"growth {threshold:g} a year must be a fraction from -1 to 1 (+3 % a year is written 0.03)",
                "threshold")
            continue
        if not fraction and threshold < 0:
            bad("ngưỡng của một số đếm không được âm", "a count's threshold cannot be negative", "threshold")
            continue
        if not 0 <= tolerance <= (1 if fraction else max(threshold, 0)):
            bad("dung sai phải từ 0 đến ngưỡng (với tỷ lệ: từ 0 đến 1)",
                "tolerance must be from 0 to the threshold (for a share: from 0 to 1)", "tolerance")
            continue
        is_modelled = not missing and not any(i in declared for i in reads)
        if any(i in declared for i in reads):
            reason_vi = ("Mô hình không có chỉ số này, nên không dự báo; chỉ theo dõi bằng số liệu thực tế.")
            reason_en = "The engine has no model for this indicator, so no projection is made; tracked on actual figures."
        elif missing:
            reason_vi = (f"Gói không có số liệu năm gốc cho {', '.join(missing)}, nên không dự báo; "
                         "chỉ theo dõi bằng số liệu thực tế.")
            reason_en = (f"The pack has no base-year figure for {', '.join(missing)}, so no projection is made; "
                         "tracked on actual figures.")
        else:
            reason_vi = reason_en = ""
        label_vi, label_en = row.get("label_vi") or tid, row.get("label_en") or tid
        targets.append(Target(tid, year, ind, kind, rule, threshold, tolerance, label_vi, label_en,
                              row.get("plan_text", ""), row.get("note", ""), of, is_modelled, reason_vi,
                              reason_en, row.get("note_vi", "")))
    return targets


def _presets(files: Files, meta: dict, needed: set[str], fits: dict, problems: Problems
             ) -> tuple[dict[str, dict[str, float]], dict[str, str], dict[str, str], frozenset[tuple[str, str]]]:
    presets: dict[str, dict[str, float]] = {}
    notes: dict[str, str] = {}
    notes_vi: dict[str, str] = {}
    fit_cells: set[tuple[str, str]] = set()
    rows = read_table(files, "presets.csv", ("lever", *PRESETS), problems)
    if rows is None:
        return presets, notes, notes_vi, frozenset()
    for number, row in rows:
        lever_id = row.get("lever", "")
        if lever_id not in LEVER_BY_ID:
            problems.add(f"giả định lạ '{lever_id}'; dùng: {', '.join(LEVER_BY_ID)}",
                         f"unknown lever '{lever_id}'; use: {', '.join(LEVER_BY_ID)}", _at("presets.csv", number, "lever"))
            continue
        bounds = meta.get("bounds", {}).get(lever_id)
        lever = _adapted(LEVER_BY_ID[lever_id], bounds if isinstance(bounds, list) and len(bounds) == 3 else None,
                         None)
        for name in PRESETS:
            where = _at("presets.csv", number, name)
            cell = row.get(name, "")
            if cell.lower() == "fit":
                fit_cells.add((name, lever_id))
                fit = fits.get(lever_id.split("_")[0])
                if fit is None or lever_id not in fit.lever_values():
                    problems.add(f"'{lever_id}' không thể ước lượng từ chuỗi số liệu (cần ít nhất 3 năm)",
                                 f"'{lever_id}' cannot be fitted (a series of 3+ years is needed)", where)
                    continue
                value: float | None = fit.lever_values()[lever_id]
            else:
                value = _number(cell, where, problems)
            if value is None:
                continue
            if not lever.lo <= value <= lever.hi:
                problems.add(f"{lever_id}={value:g} ngoài khoảng [{lever.lo:g}, {lever.hi:g}]"
                             + (" (tỷ lệ ghi là phân số: 3 % là 0.03)" if lever.is_fraction and value > 1 else ""),
                             f"{lever_id}={value:g} outside [{lever.lo:g}, {lever.hi:g}]"
                             + (" (rates are fractions: 3 % is 0.03)" if lever.is_fraction and value > 1 else ""),
                             where)
                continue
            presets.setdefault(name, {})[lever_id] = value
        notes[lever_id] = row.get("note", "")
        notes_vi[lever_id] = row.get("note_vi", "")
    for name in PRESETS:
        missing = needed - set(presets.get(name, {}))
        if missing and not problems.items:
            problems.add(f"thiếu giá trị mẫu '{name}' cho {', '.join(sorted(missing))}",
                         f"preset '{name}' missing for {', '.join(sorted(missing))}", "presets.csv")
    # Levers the pack does not model are dropped so they never show up.
    return ({name: {k: v for k, v in vals.items() if k in needed} for name, vals in presets.items()}, notes, notes_vi,
            frozenset(fit_cells))


def _lever_help(files: Files, problems: Problems) -> dict[str, tuple[str, str]]:
    if not files.has("lever_help.csv"):
        return {}
    out = {}
    for number, row in read_table(files, "lever_help.csv", LEVER_HELP_COLUMNS, problems) or []:
        lever_id = row.get("lever", "")
        if lever_id not in LEVER_BY_ID:
            problems.add(f"giả định lạ '{lever_id}'; dùng: {', '.join(LEVER_BY_ID)}",
                         f"unknown lever '{lever_id}'; use: {', '.join(LEVER_BY_ID)}",
                         _at("lever_help.csv", number, "lever"))
            continue
        out[lever_id] = (row.get("help_vi", ""), row.get("help_en", ""))
    return out


def _notes(files: Files, problems: Problems) -> dict[str, str]:
    notes = {}
    for lang in ("vi", "en"):
        text = files.text(f"notes.{lang}.md", problems)
        if text is not None:
            notes[lang] = text.strip()
    if len(notes) == 1:
        (given,) = notes
        missing = "en" if given == "vi" else "vi"
        problems.warn(f"chỉ có notes.{given}.md: người đọc tiếng {'Anh' if missing == 'en' else 'Việt'} sẽ thấy "
                      "bản kia", f"only notes.{given}.md: readers of the other language see it as it is",
                      f"notes.{missing}.md")
    return notes


def check_files(files: Files) -> tuple[Pack | None, Problems]:
    """Read a pack from its files; the pack (None if any problem) and the problems found."""
    problems = Problems()
    for name in REQUIRED_FILES:
        if not files.has(name):
            problems.add("thiếu tệp (bắt buộc)", "file missing (required)", name)
    meta = _meta(files, problems) if files.has("pack.toml") else None
    declared = _declared(files, problems)
    baseline_obs = _observations(files, "baseline.csv", declared, problems)
    series = _observations(files, "series.csv", declared, problems, allow_history=True)
    actuals = _observations(files, "actuals.csv", declared, problems)
    if meta is None:
        return None, problems
    base_year = meta["base_year"]
    baseline: dict[str, Observation] = {}
    tracked_base: dict[str, Observation] = {}
    for o in baseline_obs:
        if o.indicator in declared:
            tracked_base[o.indicator] = o
            continue
        if o.indicator in baseline:
            problems.add(f"'{o.indicator}' có hai số liệu gốc", f"'{o.indicator}' has two baseline figures",
                         "baseline.csv")
        if o.indicator.startswith("new_") and o.indicator in INDICATOR_BY_ID and INDICATOR_BY_ID[o.indicator].kind == "flow":
            problems.add("số thành lập trong năm thuộc series.csv, không phải số liệu gốc",
                         "yearly foundings belong in series.csv, not in the baseline", "baseline.csv")
            continue
        baseline[o.indicator] = o
    for o in baseline.values():
        if o.year != base_year:
            problems.warn(f"số liệu gốc '{o.indicator}' là của năm {o.year}, không phải năm gốc {base_year}",
                          f"baseline '{o.indicator}' is for {o.year}, not the base year {base_year}", "baseline.csv")
    for o in actuals:  # a base-year figure is allowed: it replaces the pack's estimate of the base year
        if o.year < base_year:
            problems.add(f"số liệu thực tế phải từ năm gốc {base_year} trở đi (có {o.year}); số trước đó thuộc "
                         "series.csv", f"actual figures must be from the base year {base_year} on (found {o.year}); "
                         "earlier ones belong in series.csv", "actuals.csv")
            break
    if "good_fair_share" in baseline and "htx" not in baseline:
        problems.add("tỷ lệ tốt, khá cần số HTX (htx) trong baseline.csv",
                     "the good/fair share needs the HTX count (htx) in baseline.csv", "baseline.csv")
    if "hightech" in baseline and "htx" not in baseline:
        problems.add("số HTX công nghệ cao cần số HTX (htx) trong baseline.csv",
                     "the high-tech count needs the HTX count (htx) in baseline.csv", "baseline.csv")
    targets = _targets(files, meta, baseline, declared, tracked_base, problems) if files.has("targets.csv") else []
    fits = {}
    for kind in COUNT_KINDS:
        # A part-year or other-definition count would bias the fitted rate: it is not a year of the indicator.
        fit = fit_counts(kind, tuple(o for o in series if o.basis not in UNUSED_BASES), base_year)
        if fit is not None:
            fits[kind] = fit
    needed = {lv.id for lv in levers_for_indicators(modelled_indicators(baseline))}
    presets, preset_notes, preset_notes_vi, fit_cells = (_presets(files, meta, needed, fits, problems)
                                                         if files.has("presets.csv") else ({}, {}, {}, frozenset()))
    lever_help = _lever_help(files, problems)
    notes = _notes(files, problems)
    if problems.items:
        return None, problems
    tracked = (*tracked_base.values(), *(o for o in (*series, *actuals) if o.indicator in declared))
    return Pack(meta["id"], meta, tuple(targets), baseline, series, actuals, presets, preset_notes, fits,
                preset_notes_vi, fit_cells, declared, tracked, notes, lever_help, files.origin), problems


def load_pack_dir(folder: Path) -> Pack:
    """Read and check one pack folder; raise ``PackError`` listing every problem."""
    folder = Path(folder)
    problems = Problems()
    if not folder.is_dir():
        raise PackError([PlannerError("không phải là thư mục gói kế hoạch", "not a pack folder", str(folder))])
    files = Files.from_folder(folder, problems)
    pack, found = check_files(files)
    all_problems = problems.items + found.items
    if pack is None or all_problems:
        raise PackError(all_problems or [PlannerError("gói không đọc được", "pack unreadable", str(folder))],
                        found.warnings)
    return pack


def pack_warnings(folder: Path) -> list[PlannerError]:
    """Things worth fixing that do not stop the pack from working (shown by ``pack validate``)."""
    problems = Problems()
    _, found = check_files(Files.from_folder(Path(folder), problems))
    return found.warnings

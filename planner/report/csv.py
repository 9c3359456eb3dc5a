"""The report's tables as CSV files (UTF-8 with BOM, so Excel in Vietnam reads the diacritics), laid out
from :mod:`.content`: shares as fractions, numbers with every digit.  A text cell that a spreadsheet
would read as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) gets a leading
apostrophe, so opening the file runs nothing (OWASP's advice on CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from ..results import TRAJECTORY_COLUMNS, Computed, compute, trajectory_rows
from .content import scenario_content

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet could run as a formula, made inert; numbers pass as they are."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)  # a number written as text ("-0.25"): a spreadsheet reads it as the number it is
    except ValueError:
        return "'" + value
    return value


def csv_bytes(rows: list[dict[str, Any]], fieldnames: Sequence[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fieldnames), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue().encode("utf-8-sig")


def _num(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def trajectories_csv(data: dict[str, Any] | None = None, computed: Computed | None = None) -> bytes:
    """Tidy trajectories (year, indicator, deterministic, mean, p10, p50, p90); shares as fractions."""
    computed = computed or compute(data)
    rows = [{**r, **{k: _num(r[k]) for k in TRAJECTORY_COLUMNS[2:]}} for r in trajectory_rows(computed.traj)]
    return csv_bytes(rows, TRAJECTORY_COLUMNS)


def scorecard_csv(data: dict[str, Any] | None = None, lang: str = "vi", computed: Computed | None = None) -> bytes:
    """The scorecard, one row per target; shares as fractions, words in the language."""
    c = scenario_content(data, lang, computed=computed, with_charts=False)
    vi = c.lang == "vi"
    names = (["mã", "chỉ tiêu", "năm", "chỉ số", "quy tắc", "ngưỡng", "dung sai", "đường trung tâm", "p10", "p50",
              "p90", "xác suất", "khả năng", "tỷ lệ tiến độ", "tiến độ"] if vi else
             ["id", "target", "year", "indicator", "rule", "threshold", "tolerance", "deterministic", "p10", "p50",
              "p90", "probability", "likelihood", "pace_ratio", "pace"])
    if c.has_progress:
        names += ["số liệu thực tế", "năm số liệu", "chặng đường đã đi"] if vi else \
            ["recorded", "recorded_year", "progress"]
    rows = []
    for r in c.scorecard:
        values = [r.id, r.label, r.year, r.indicator, r.rule, _num(r.threshold), _num(r.tolerance),
                  _num(r.deterministic), _num(r.p10), _num(r.p50), _num(r.p90), _num(r.probability),
                  r.likely_text, _num(r.pace_ratio), r.pace_text]
        if c.has_progress:
            values += [_num(r.recorded), "" if r.recorded_year is None else r.recorded_year, _num(r.progress)]
        rows.append(dict(zip(names, values, strict=True)))
    return csv_bytes(rows, names)

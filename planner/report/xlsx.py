"""The report as an Excel workbook, laid out from :mod:`.content`: scorecard, trajectories (tidy),
assumptions, baseline, method.  Numbers are number cells holding the engine's floats without their binary
noise (ten significant digits, ``fmt.tidy``); every text is a text cell, so a name typed as ``=…`` never becomes a formula."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from .. import __version__
from ..fmt import tidy
from ..packs import Observation
from ..registry import INDICATOR_BY_ID
from .content import ReportContent, scenario_content

SHEETS = {"scorecard": ("Bảng điểm", "Scorecard"), "trajectories": ("Quỹ đạo", "Trajectories"),
          "levers": ("Giả định", "Assumptions"), "baseline": ("Số liệu gốc", "Baseline"),
          "method": ("Phương pháp", "Method")}
PERCENT = "0.0%"
COUNT = "#,##0"
DECIMAL = "#,##0.0"


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def _exact(cell, value: float | None) -> None:
    """Store a float without its binary noise (``fmt.tidy``), as Python's repr so it reads back as that float."""
    if value is None:  # a target with no projection: an empty cell, not a zero
        cell.value = None
        return
    cell.value = tidy(value)  # 135.9, not 135.90000000000003
    if math.isfinite(value):
        cell._value = repr(tidy(value))  # written verbatim into <v>; still a number cell (t="n")


def _text(cell, value: str) -> None:
    """Store text as text, never as a formula (a name typed as '=…' stays the name)."""
    cell.value = value
    if cell.data_type == "f":
        cell.data_type = "s"


def _sheet(wb, key: str, lang: str, headers: Sequence[str], widths: Sequence[float]):
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(SHEETS[key][0 if lang == "vi" else 1])
    for j, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=j, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F6")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    return ws


def _value_format(indicator: str, expected: bool = False) -> str:
    ind = INDICATOR_BY_ID.get(indicator)
    if ind is None:  # an indicator a pack declares (tracked, never projected)
        return DECIMAL
    if ind.is_share:
        return PERCENT
    return DECIMAL if expected or ind.kind == "flow" else COUNT


def layout(c: ReportContent) -> bytes:
    """The workbook of a scenario's report content."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    lang = c.lang
    vi = lang == "vi"
    wb = Workbook()
    wb.remove(wb.active)
    wrap = Alignment(vertical="top", wrap_text=True)

    headers = (["Mã", "Chỉ tiêu", "Năm", "Chỉ số", "Quy tắc", "Ngưỡng", "Đường trung tâm", "p10", "p50", "p90",
                "Xác suất đạt", "Khả năng", "Tỷ lệ tiến độ R", "Tiến độ"] if vi else
               ["Id", "Target", "Year", "Indicator", "Rule", "Threshold", "Deterministic", "p10", "p50", "p90",
                "Probability", "Likelihood", "Pace ratio R", "Pace"])
    widths = [18, 48, 7, 18, 24, 12, 15, 11, 11, 11, 12, 24, 14, 22]
    if c.has_progress:
        headers += ["Số liệu thực tế", "Năm số liệu", "Chặng đường đã đi"] if vi else \
            ["Actual figure", "Figure year", "Share of the way"]
        widths += [14, 10, 14]
    ws = _sheet(wb, "scorecard", lang, headers, widths)
    for i, r in enumerate(c.scorecard, start=2):
        fmt = PERCENT if r.is_share else COUNT  # totals of foundings are whole
        _text(ws.cell(i, 1), r.id)
        _text(ws.cell(i, 2), r.label)
        ws.cell(i, 3, r.year)
        _text(ws.cell(i, 4), r.indicator)
        _text(ws.cell(i, 5), r.rule_text)
        central = fmt if r.is_share else _value_format(r.indicator, True)
        for j, (value, f) in enumerate(((r.threshold, fmt), (r.deterministic, central),
                                        (r.p10, fmt), (r.p50, fmt), (r.p90, fmt), (r.probability, PERCENT)), start=6):
            _exact(ws.cell(i, j), value)
            ws.cell(i, j).number_format = f
        _text(ws.cell(i, 12), r.likely_text)
        if r.pace_ratio is not None:
            _exact(ws.cell(i, 13), r.pace_ratio)
            ws.cell(i, 13).number_format = "0.00"
        _text(ws.cell(i, 14), r.pace_text)
        if c.has_progress:
            if r.recorded is not None:
                _exact(ws.cell(i, 15), r.recorded)
                ws.cell(i, 15).number_format = fmt
            if r.recorded_year is not None:
                ws.cell(i, 16, int(r.recorded_year))
            if r.progress is not None:
                _exact(ws.cell(i, 17), r.progress)
                ws.cell(i, 17).number_format = PERCENT
        ws.cell(i, 2).alignment = wrap
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(headers)).column_letter}{len(c.scorecard) + 1}"

    ws = _sheet(wb, "trajectories", lang,
                ["Năm", "Chỉ số", "Đường trung tâm", "Trung bình", "p10", "p50", "p90", "Tên chỉ số"] if vi else
                ["Year", "Indicator", "Deterministic", "Mean", "p10", "p50", "p90", "Indicator name"],
                [7, 18, 16, 14, 12, 12, 12, 48])
    for i, row in enumerate(c.traj.itertuples(index=False), start=2):
        ws.cell(i, 1, int(row.year))
        _text(ws.cell(i, 2), row.indicator)
        for j, name in enumerate(("deterministic", "mean", "p10", "p50", "p90"), start=3):
            _exact(ws.cell(i, j), getattr(row, name))
            ws.cell(i, j).number_format = _value_format(row.indicator, name in ("deterministic", "mean"))
        _text(ws.cell(i, 8), INDICATOR_BY_ID[row.indicator].label(lang))
    ws.auto_filter.ref = f"A1:H{len(c.traj) + 1}"

    ws = _sheet(wb, "levers", lang,
                ["Mã", "Giả định", "Nhóm", "Giá trị", "Giá trị mẫu", "Khác mẫu", "Tối thiểu", "Tối đa", "Kiểu"] if vi
                else ["Id", "Assumption", "Group", "Value", "Preset value", "Changed", "Minimum", "Maximum", "Kind"],
                [28, 52, 26, 12, 13, 10, 11, 11, 10])
    for i, lv in enumerate(c.levers, start=2):
        fmt = "0.00%" if lv.is_fraction else DECIMAL
        _text(ws.cell(i, 1), lv.id)
        _text(ws.cell(i, 2), lv.label)
        _text(ws.cell(i, 3), lv.group)
        for j, value in ((4, lv.value), (5, lv.preset_value), (7, lv.lo), (8, lv.hi)):
            _exact(ws.cell(i, j), value)
            ws.cell(i, j).number_format = fmt
        ws.cell(i, 6, lv.changed)
        _text(ws.cell(i, 9), lv.kind)
        ws.cell(i, 2).alignment = wrap

    ws = _sheet(wb, "baseline", lang,
                ["Chỉ số", "Tên chỉ số", "Năm", "Giá trị", "Đơn vị", "Nguồn", "Ngày", "Ước tính", "Ghi chú",
                 "Loại số liệu"] if vi else
                ["Indicator", "Indicator name", "Year", "Value", "Unit", "Source", "Date", "Estimate", "Note", "Basis"],
                [18, 40, 7, 12, 10, 50, 12, 10, 80, 18])
    for i, b in enumerate(c.baseline, start=2):
        _text(ws.cell(i, 1), b.indicator)
        _text(ws.cell(i, 2), b.label)
        ws.cell(i, 3, b.year)
        _exact(ws.cell(i, 4), b.value)
        ws.cell(i, 4).number_format = _value_format(b.indicator)
        _text(ws.cell(i, 5), b.unit)
        _text(ws.cell(i, 6), b.source)
        try:
            ws.cell(i, 7, date.fromisoformat(b.date))
            ws.cell(i, 7).number_format = "dd/mm/yyyy" if vi else "yyyy-mm-dd"
        except ValueError:
            _text(ws.cell(i, 7), b.date)
        ws.cell(i, 8, b.estimate)
        _text(ws.cell(i, 9), b.note)
        _text(ws.cell(i, 10), b.basis)  # what the figure is: published, estimate, part_year, other_definition
        for j in (2, 6, 9):
            ws.cell(i, j).alignment = wrap

    t = c.title
    settings = c.computed.res.settings
    ws = _sheet(wb, "method", lang, ["Mục", "Nội dung"] if vi else ["Item", "Text"], [34, 120])
    rows: list[tuple[str, Any]] = [
        (_t(lang, "Kế hoạch", "Plan"), t.plan),
        (_t(lang, "Văn bản", "Document"), t.document),
        (_t(lang, "Kịch bản", "Scenario"), t.scenario),
        (_t(lang, "Ghi chú kịch bản", "Scenario note"), t.note),
        (_t(lang, "Kịch bản mẫu", "Preset"), t.preset),
        (_t(lang, "Kết quả", "Result"), t.headline),
        (_t(lang, "Số lượt mô phỏng", "Draws"), settings.draws),
        (_t(lang, "Hạt giống", "Seed"), settings.seed),
        (_t(lang, "Mức bất định", "Uncertainty scale"), settings.uncertainty),
        (_t(lang, "Năm đầu tính thành lập mới", "First year counted for foundings"),
         settings.window_start or c.computed.pack.window_start),
    ]
    if t.as_of is not None:
        rows.append((_t(lang, "Số liệu thực tế đến năm", "Actual figures up to"), t.as_of))
    rows += [(_t(lang, "Ngày lập", "Date"), t.date_text), (_t(lang, "Phiên bản công cụ", "App version"), __version__)]
    rows += list(c.method)
    rows += [(c.headings["questions"], q) for q in c.questions]
    if t.area_note:
        rows.append((c.headings["area"], t.area_note))
    rows.append((_t(lang, "Đơn vị", "Units"), _t(lang,
        "Tỷ lệ lưu dạng số thập phân (0,7 là 70 %) và hiển thị dạng phần trăm; số lượng là số đơn vị.",
        "Shares are stored as fractions (0.7 is 70 %) and shown as percentages; counts are numbers of organisations.")))
    for i, (item, value) in enumerate(rows, start=2):
        _text(ws.cell(i, 1), item)
        if isinstance(value, str):
            _text(ws.cell(i, 2), value)
        else:
            ws.cell(i, 2, value)
        ws.cell(i, 1).alignment = wrap
        ws.cell(i, 2).alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")

    wb.properties.title = _t(lang, "Báo cáo kịch bản", "Scenario report")
    wb.properties.creator = f"ktt-planner {__version__}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_report(data: dict[str, Any] | None = None, lang: str = "vi", today: date | None = None,
                computed=None, uploaded: Iterable[Observation] = ()) -> bytes:
    """The scenario as an Excel workbook: scorecard, trajectories (tidy), assumptions, baseline, method notes."""
    return layout(scenario_content(data, lang, uploaded, today, computed, with_charts=False))

"""Offline reports of a scenario: Word (the administrative format of Nghị định 30/2020/NĐ-CP), a
self-contained HTML page (A4 print), an Excel workbook, CSV files, charts as SVG or PNG, and a
comparison of two to four scenarios.

One content layer (:mod:`.content`) builds what a report says once, as plain data, from the engine's
outputs (:mod:`planner.results`); one module per format only lays it out (:mod:`.html`, :mod:`.xlsx`,
:mod:`.csv`, :mod:`.docx`).  No Streamlit.  Charts come from :mod:`planner.charts`, drawn offline by
``vl_convert``.  Nothing a user typed is ever written into HTML unescaped or into a spreadsheet as a
formula.
"""

from __future__ import annotations

from .content import (
    MAX_COMPARED,
    ComparisonContent,
    ReportContent,
    TitleBlock,
    comparison_content,
    fan,
    scenario_content,
    title_block,
)
from .csv import scorecard_csv, trajectories_csv
from .docx import comparison_docx, docx_report
from .files import FORMATS, report_bytes, write_report
from .html import comparison_html, html_report
from .images import chart_png, chart_svg, inline_svg, print_spec, projector_spec
from .xlsx import xlsx_report

__all__ = [
    "FORMATS", "MAX_COMPARED", "ComparisonContent", "ReportContent", "TitleBlock", "chart_png", "chart_svg",
    "comparison_content", "comparison_docx", "comparison_html", "docx_report", "fan", "html_report", "inline_svg",
    "print_spec", "projector_spec", "report_bytes", "scenario_content", "scorecard_csv", "title_block",
    "trajectories_csv", "write_report", "xlsx_report",
]

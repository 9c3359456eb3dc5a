"""The report as one self-contained HTML page (A4 print layout): laid out from :mod:`.content`.

No script, no style, font or image from anywhere else; every text goes through :func:`_e` (escaped),
so nothing a user typed (scenario name, note) can become markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from .. import __version__
from ..fmt import day_text
from ..packs import Observation
from ..registry import LIKELIHOOD, PACE
from .content import (
    ComparisonContent,
    ReportContent,
    comparison_content,
    scenario_content,
)
from .images import REPORT_CHART_HEIGHT, chart_svg, inline_svg

_BAND_CSS = "\n".join(f".lk-{b.id} {{ color: {b.colour}; }}" for b in LIKELIHOOD) + "\n" + \
    "\n".join(f".pc-{b.id} {{ color: {b.colour}; }}" for b in PACE)

CSS = """
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #1d2733; margin: 0 auto; max-width: 182mm; padding: 8mm 0; }
h1 { font-size: 21pt; line-height: 1.2; margin: 0 0 4pt; color: #12344d; }
h2 { font-size: 15pt; margin: 0 0 8pt; padding-bottom: 3pt; border-bottom: 2px solid #1f5f8b; color: #12344d;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 6pt; }
.kicker { text-transform: uppercase; letter-spacing: .06em; font-size: 9pt; color: #495057; margin-bottom: 6pt; }
.doc { color: #495057; }
.cover { border-bottom: 1px solid #ced4da; padding-bottom: 4pt; margin-bottom: 8pt; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1pt 10pt; margin: 6pt 0; font-size: 9.5pt; }
dl.meta dt { font-weight: 600; color: #495057; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.user-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.headline { font-size: 20pt; font-weight: 700; color: #12344d; margin: 8pt 0 2pt; }
.bands { margin: 0 0 6pt; }
.bands span { margin-right: 12pt; white-space: nowrap; font-weight: 600; }
.note-box { border-left: 4px solid #b58900; background: #fff8e1; padding: 4pt 8pt; margin: 6pt 0; font-size: 9pt; }
section { margin-top: 14pt; }
section.page { break-before: page; page-break-before: always; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 9pt; }
thead { display: table-header-group; }
tr, td, th { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #dee2e6; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef2f6; font-weight: 600; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
td.nowrap { white-space: nowrap; }
tfoot td { font-weight: 700; border-top: 2px solid #adb5bd; }
.lk, .pc { font-weight: 600; }
th, td { overflow-wrap: break-word; }
table.scorecard th:first-child { width: 27%; }
.est { color: #8a6500; font-weight: 600; white-space: nowrap; }
figure { margin: 0 0 10pt; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 100%; }
figcaption { font-size: 9pt; color: #343a40; margin-top: 2pt; }
.small { font-size: 8.5pt; color: #495057; }
footer { margin-top: 14pt; border-top: 1px solid #ced4da; padding-top: 4pt; font-size: 8.5pt; color: #495057; }
ul { margin: 0 0 6pt 16pt; padding: 0; }
li { margin-bottom: 3pt; }
@media screen { body { padding: 12mm 6mm; } section.page { margin-top: 18mm; } }
""" + _BAND_CSS


def _e(text: Any) -> str:
    """Escape any text for HTML (content and attribute values); a per cent sign stays with its number."""
    return html.escape(str(text), quote=True).replace(" %", "\u00a0%")


def _user(text: str) -> str:
    return f'<span class="user-text">{_e(text)}</span>'


def _page(title: str, body: str, lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="ktt-planner {_e(__version__)}">\n'
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _cls(css: str) -> str:
    return f' class="{css}"' if css else ""


def _table(headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[tuple[str, str]]], cls: str = "",
           foot: Sequence[tuple[str, str]] | None = None, widths: Sequence[float] | None = None) -> str:
    """A table from (already escaped HTML, css class) cells; ``widths`` in per cent fix the layout."""
    cols = ("<colgroup>" + "".join(f'<col style="width: {w:g}%">' for w in widths) + "</colgroup>") if widths else ""
    head = "".join(f'<th scope="col"{_cls(c)}>{h}</th>' for h, c in headers)
    body = "".join("<tr>" + "".join(f"<td{_cls(c)}>{v}</td>" for v, c in row) + "</tr>" for row in rows)
    tfoot = ("<tfoot><tr>" + "".join(f"<td{_cls(c)}>{v}</td>" for v, c in foot) + "</tr></tfoot>") if foot else ""
    style = ' style="table-layout: fixed"' if widths else ""
    return f"<table{_cls(cls)}{style}>{cols}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{tfoot}</table>"


def _meta_list(items: Iterable[tuple[str, str]]) -> str:
    """A definition list from (label, already escaped value) pairs."""
    return '<dl class="meta">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def _bands_line(content_bands) -> str:
    parts = [f'<span class="lk-{b.id}">{_e(b.symbol)} {b.count} {_e(b.label)}</span>' for b in content_bands]
    return '<p class="bands">' + " ".join(parts) + "</p>"


def _area_note(label: str, note: str) -> str:
    if not note:
        return ""
    return '<div class="note-box"><strong>' + _e(label + ": ") + "</strong>" + _e(note) + "</div>"


def _footer(lang: str, today: date) -> str:
    vi = lang == "vi"
    return ("<footer>" + _e(
        f"Lập bằng công cụ lập kịch bản kinh tế tập thể, phiên bản {__version__}, ngày {day_text(today, lang)}. "
        "Tệp này tự chứa (không cần mạng): biểu đồ là hình vẽ SVG nằm ngay trong tệp." if vi else
        f"Made with the collective-economy scenario planner, version {__version__}, on {day_text(today, lang)}. "
        "This file is self-contained (no network needed): the charts are SVG drawings inside the file.")
        + "</footer>")


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def _figure(spec: dict, caption: str) -> str:
    svg = inline_svg(chart_svg(spec, height=REPORT_CHART_HEIGHT))
    return f"<figure>{svg}" + (f"<figcaption>{_e(caption)}</figcaption>" if caption else "") + "</figure>"


def layout(c: ReportContent) -> str:
    """The HTML page of a scenario's report content."""
    lang, t, h = c.lang, c.title, c.headings
    meta = [(k, _user(v) if k in (t.meta[0][0],) or v == t.note else _e(v)) for k, v in t.meta]
    cover = ('<header class="cover">'
             f'<p class="kicker">{_e(c.texts["kicker"])}</p>'
             f"<h1>{_e(t.plan)}</h1><p class=\"doc\">{_e(t.document)}</p>" + _meta_list(meta)
             + f'<p class="headline">{_e(t.likely_text)}</p>'
             + f'<p class="small">{_e(c.texts["likely_rule"])}</p>' + _bands_line(t.bands)
             + _area_note(h["area"], t.area_note) + "</header>")

    headers = [(_e(_t(lang, "Chỉ tiêu", "Target")), ""), (_e(_t(lang, "Năm", "Year")), "num"),
               (_e(_t(lang, "Ngưỡng", "Threshold")), ""), (_e(_t(lang, "Dự báo (trung vị)", "Projected (median)")), "num"),
               (_e(_t(lang, "Khoảng 80 % (p10–p90)", "80 % range (p10–p90)")), "num"),
               (_e(_t(lang, "Xác suất đạt", "Probability")), "num"), (_e(_t(lang, "Khả năng", "Likelihood")), ""),
               (_e(_t(lang, "Tiến độ", "Pace")), "")]
    rows = [[(_e(r.label), ""), (str(r.year), "num"), (_e(r.rule_text), ""), (_e(r.projected), "num"),
             (_e(r.range), "num"), (_e(r.probability_text), "num"), (_e(r.likely_text), f"lk lk-{r.band}"),
             (_e(r.pace_text), f"pc pc-{r.status}")] for r in c.scorecard]
    n = 1
    scorecard = (f'<section id="scorecard"><h2>{n}. {_e(h["scorecard"])}</h2>' + _table(headers, rows, "scorecard")
                 + f'<p class="small">{_e(c.texts["scorecard_note"])}</p></section>')
    progress = ""
    if c.has_progress:
        n += 1
        ph = [(_e(_t(lang, "Chỉ tiêu", "Target")), ""), (_e(_t(lang, "Số liệu thực tế", "Actual figure")), "num"),
              (_e(_t(lang, "Chặng đường đã đi", "Share of the way")), "num"),
              (_e(_t(lang, "Thời gian đã qua", "Time gone by")), "num"), (_e(_t(lang, "Tiến độ", "Pace")), "")]
        prow = [[(_e(r.label), ""), (_e(r.recorded_text or "–"), "num"), (_e(r.progress_text or "–"), "num"),
                 (_e(r.elapsed_text or "–"), "num"), (_e(r.pace_text), f"pc pc-{r.status}")] for r in c.scorecard]
        progress = (f'<section id="progress"><h2>{n}. {_e(h["progress"])}</h2>' + _table(ph, prow, "progress")
                    + f'<p class="small">{_e(c.texts["progress_note"])}</p></section>')
    n += 1
    chart_section = (f'<section id="charts" class="page"><h2>{n}. {_e(h["charts"])}</h2>'
                     f'<p class="small">{_e(c.chart_legend)}</p>'
                     + "".join(_figure(item.spec, item.caption) for item in c.charts) + "</section>")
    n += 1
    changed = c.changed_levers
    if changed:
        lh = [(_e(_t(lang, "Giả định", "Assumption")), ""), (_e(_t(lang, "Nhóm", "Group")), ""),
              (_e(_t(lang, "Kịch bản mẫu", "Preset")) + " (" + _e(t.preset) + ")", "num"),
              (_e(_t(lang, "Kịch bản này", "This scenario")), "num")]
        lrows = [[(_e(lv.label), ""), (_e(lv.group), ""), (_e(lv.preset_text), "num"), (_e(lv.value_text), "num")]
                 for lv in changed]
        lever_table = _table(lh, lrows, "levers", widths=(44, 24, 16, 16))
    else:
        lever_table = f"<p>{_e(c.texts['no_change'])}</p>"
    levers = f'<section id="levers" class="page"><h2>{n}. {_e(h["levers"])}</h2>{lever_table}</section>'
    n += 1
    bh = [(_e(_t(lang, "Chỉ số", "Indicator")), ""), (_e(_t(lang, "Năm", "Year")), "num"),
          (_e(_t(lang, "Giá trị", "Value")), "num"), (_e(_t(lang, "Loại", "Kind")), ""),
          (_e(_t(lang, "Nguồn", "Source")), ""), (_e(_t(lang, "Ngày", "Date")), "")]
    brows = [[(_e(b.label), ""), (str(b.year), "num"), (_e(b.value_text), "num"),
              (_e(b.kind_text), "est" if b.estimate else "nowrap"), (_e(b.source), ""), (_e(b.date_text), "nowrap")]
             for b in c.baseline]
    base_html = _table(bh, brows, "baseline", widths=(24, 7, 10, 12, 34, 13))
    if c.actuals:
        ah = [(_e(_t(lang, "Chỉ số", "Indicator")), ""), (_e(_t(lang, "Năm", "Year")), "num"),
              (_e(_t(lang, "Giá trị", "Value")), "num"), (_e(_t(lang, "Loại số liệu", "Kind of figure")), ""),
              (_e(_t(lang, "Nguồn", "Source")), "")]
        base_html += (f"<h3>{_e(h['actuals'])}</h3>"
                      + _table(ah, [[(_e(a.label), ""), (str(a.year), "num"), (_e(a.value_text), "num"),
                                     (_e(a.kind_text), "nowrap" if a.basis == "published" else "est"),
                                     (_e(a.source), "")] for a in c.actuals], "actuals", widths=(30, 7, 11, 14, 38))
                      + "".join(f'<p class="small">{_e(n)}</p>' for n in c.actual_notes))
    if c.baseline_notes:
        base_html += (f"<h3>{_e(h['notes'])}</h3><ul class=\"small\">"
                      + "".join(f"<li><strong>{_e(k)}:</strong> {_e(v)}</li>" for k, v in c.baseline_notes) + "</ul>")
    baseline = f'<section id="baseline"><h2>{n}. {_e(h["baseline"])}</h2>{base_html}</section>'
    n += 1
    parts = [f"<h3>{_e(head)}</h3><p>{_e(text)}</p>" for head, text in c.method]
    parts.append(f"<p>{_e(c.run_settings)}</p>")
    if c.questions:
        parts.append(f"<h3>{_e(h['questions'])}</h3><ul>" + "".join(f"<li>{_e(q)}</li>" for q in c.questions)
                     + "</ul>")
    method = (f'<section id="method" class="page"><h2>{n}. {_e(h["method"])}</h2>' + "".join(parts)
              + _area_note(h["area"], t.area_note) + "</section>")
    page_title = _t(lang, "Báo cáo kịch bản", "Scenario report") + f" · {t.scenario} · {t.plan}"
    return _page(page_title, cover + scorecard + progress + chart_section + levers + baseline + method
                 + _footer(lang, t.today), lang)


def html_report(data: dict[str, Any] | None = None, lang: str = "vi", uploaded: Iterable[Observation] = (),
                today: date | None = None, computed=None) -> str:
    """The scenario's report as one self-contained HTML page (A4 print layout, no script, no external file)."""
    return layout(scenario_content(data, lang, uploaded, today, computed))


def comparison_layout(c: ComparisonContent) -> str:
    lang = c.lang
    cover_rows = [(_t(lang, "Gói kế hoạch", "Plan pack"), _e(f"{c.plan} ({c.pack_id})")),
                  (_t(lang, "Ngày lập", "Date"), _e(c.date_text)),
                  (_t(lang, "Phiên bản công cụ", "App version"), _e(c.version))]
    listing = "<ol>" + "".join(
        f'<li>{_user(s.name)} · {_e(_t(lang, "kịch bản mẫu", "preset"))} {_e(s.preset)} · {_e(s.likely_text)}</li>'
        for s in c.scenarios) + "</ol>"
    cover = ('<header class="cover">'
             f'<p class="kicker">{_e(_t(lang, "So sánh kịch bản · Kinh tế tập thể", "Scenario comparison · Collective economy"))}</p>'
             f"<h1>{_e(c.plan)}</h1><p class=\"doc\">{_e(c.document)}</p>"
             + _meta_list(cover_rows) + "<h3>" + _e(_t(lang, "Các kịch bản", "The scenarios")) + "</h3>" + listing
             + '<p class="small">' + _e(_t(lang,
                 "Mọi kịch bản dùng chung một dãy số ngẫu nhiên, nên chênh lệch đến từ giả định, không phải từ nhiễu.",
                 "Every scenario uses the same random numbers, so differences come from the assumptions, not the "
                 "noise.")) + "</p>" + _area_note(_t(lang, "Địa bàn và thay đổi hành chính",
                                                     "Area and administrative changes"), c.area_note) + "</header>")
    headers = [(_e(_t(lang, "Chỉ tiêu", "Target")), ""), (_e(_t(lang, "Năm", "Year")), "num")]
    headers += [(_user(s.name), "scn") for s in c.scenarios]
    rows = []
    for t in c.targets:
        row = [(_e(t.label), ""), (str(t.year), "num")]
        row += [(f"{_e(x.symbol)} {_e(x.text)}<br><span class=\"small\">{_e(x.label)}</span>", f"lk lk-{x.band}")
                for x in t.cells]
        rows.append(row)
    foot = [(_e(_t(lang, "Chỉ tiêu có khả năng đạt", "Targets likely met")), ""), ("", "")]
    foot += [(_e(f"{s.likely}/{s.total}"), "num") for s in c.scenarios]
    k = len(c.scenarios)
    probs = ('<section id="probabilities"><h2>' + _e(_t(lang, "1. Xác suất đạt từng chỉ tiêu",
                                                        "1. Probability of meeting each target")) + "</h2>"
             + _table(headers, rows, "compare", foot, widths=(34, 7, *[59 / k] * k)) + "</section>")
    lever_headers = [(_e(_t(lang, "Giả định", "Assumption")), "")] + [(_user(s.name), "num") for s in c.scenarios]
    lever_rows = [[(_e(label), "")] + [(_e(v), "num") for v in values] for label, values in c.lever_rows]
    levers = ('<section id="levers"><h2>' + _e(_t(lang, "2. Giả định khác nhau", "2. Assumptions that differ"))
              + "</h2>" + (_table(lever_headers, lever_rows, "levers", widths=(40, *[60 / k] * k)) if lever_rows else
                           "<p>" + _e(_t(lang, "Các kịch bản có cùng mọi giả định.",
                                         "The scenarios share every assumption.")) + "</p>") + "</section>")
    overlays = ('<section id="charts" class="page"><h2>' + _e(_t(lang, "3. Quỹ đạo chồng lên nhau",
                                                                "3. Trajectories overlaid")) + "</h2>"
                + "".join(_figure(item.spec, "") for item in c.charts) + "</section>")
    title = _t(lang, "So sánh kịch bản", "Scenario comparison") + f" · {c.plan}"
    return _page(title, cover + probs + levers + overlays + _footer(lang, c.today), lang)


def comparison_html(scenarios, lang: str = "vi", labels=None, today: date | None = None) -> str:
    """Two to four scenarios of one pack side by side, as one self-contained HTML page."""
    return comparison_layout(comparison_content(scenarios, lang, labels, today))

"""The report as a Word document, laid out from :mod:`.content`.

In Vietnamese it follows the administrative format of Nghị định 30/2020/NĐ-CP (Phụ lục I), so a
department can file it once it adds its number, recipients and signature: A4, margins 20 mm top and
bottom, 30 mm left, 15 mm right; Times New Roman 14 pt, justified, first-line indent 1,27 cm, 6 pt
between paragraphs; the header block (issuing body, national title and motto, number, place and
date); the document type and summary line; sections "I.", "II." in bold capitals; the page number
centred in the top margin from page 2; tables as Word tables; charts as PNG at 240 dpi; an appendix
("Phụ lục") with the full scorecard, the assumptions that differ from the preset and the baseline.
What the department fills (number, recipients, signer, and the issuing body when the pack does not
name it) is a highlighted dotted blank, never made up.  In English: the same content, plainly laid out.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from .. import __version__
from ..packs import Observation
from .content import ComparisonContent, ReportContent, comparison_content, scenario_content
from .images import DOCX_DPI, REPORT_CHART_HEIGHT, REPORT_CHART_WIDTH, chart_png

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
SMALL_PT = 11
BLANK = "……………"
# Nghị định 30/2020/NĐ-CP, Phụ lục I: page and margins (mm), within the ranges it allows.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
HEADER_MM = 10  # the page number sits in the top margin
INDENT_CM = 1.27
SPACE_PT = 6
CHART_CM = 16.0
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def vi_date_line(place: str, day: date) -> str:
    """'Hải Phòng, ngày 05 tháng 3 năm 2026': a day under 10 and the months 1 and 2 take a leading zero
    (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


class _Writer:
    """A python-docx document with the page, fonts and paragraph shapes of the format."""

    def __init__(self, lang: str, title: str) -> None:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.oxml.ns import qn
        from docx.shared import Cm, Mm, Pt

        self.Cm, self.Mm, self.Pt, self.qn, self.WD_ORIENT = Cm, Mm, Pt, qn, WD_ORIENT
        self.lang = lang
        self.doc = docx.Document()
        self.figures = 0
        self.tables = 0
        props = self.doc.core_properties
        props.title = title
        props.author = f"ktt-planner {__version__}"
        props.language = "vi-VN" if lang == "vi" else "en-GB"
        self._styles()
        section = self.doc.sections[0]
        self._page(section, landscape=False)
        section.different_first_page_header_footer = True  # no number on page 1
        self._page_number(section)

    # --- setup ----------------------------------------------------------------------------------------
    def _fonts(self, element) -> None:
        rpr = element.get_or_add_rPr()
        fonts = rpr.find(self.qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(self.qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(self.qn(attr), FONT)
        lang = rpr.find(self.qn("w:lang"))
        if lang is None:
            lang = rpr.makeelement(self.qn("w:lang"), {})
            rpr.append(lang)
        lang.set(self.qn("w:val"), "vi-VN" if self.lang == "vi" else "en-GB")

    def _styles(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = self.Pt(BODY_PT)
        self._fonts(normal.element)
        pf = normal.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.first_line_indent = self.Cm(INDENT_CM)
        pf.space_before = self.Pt(0)
        pf.space_after = self.Pt(SPACE_PT)
        pf.line_spacing = 1.15
        pf.widow_control = True

    def _page(self, section, landscape: bool) -> None:
        width, height = self.Mm(PAGE_MM[0]), self.Mm(PAGE_MM[1])
        section.orientation = self.WD_ORIENT.LANDSCAPE if landscape else self.WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (height, width) if landscape else (width, height)
        section.top_margin = self.Mm(MARGINS_MM["top"])
        section.bottom_margin = self.Mm(MARGINS_MM["bottom"])
        section.left_margin = self.Mm(MARGINS_MM["left"])
        section.right_margin = self.Mm(MARGINS_MM["right"])
        section.header_distance = self.Mm(HEADER_MM)
        section.footer_distance = self.Mm(HEADER_MM)

    def _page_number(self, section) -> None:
        """A PAGE field, centred in the header of every page but the first."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement

        p = section.header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = self.Cm(0)
        p.paragraph_format.space_after = self.Pt(0)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
            run = p.add_run()
            run.font.size = self.Pt(BODY_PT)
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(self.qn("w:fldCharType"), kind)
                run._r.append(fld)
            elif text == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set(self.qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                run.text = text
        section.first_page_header.is_linked_to_previous = False  # an empty header on page 1

    @property
    def text_width_mm(self) -> float:
        s = self.doc.sections[-1]
        return (s.page_width - s.left_margin - s.right_margin) / 36000

    # --- paragraphs ------------------------------------------------------------------------------------
    def para(self, text: str = "", *, bold: bool = False, italic: bool = False, size: float | None = None,
             align: str | None = None, indent: bool = True, after: float = SPACE_PT, before: float = 0,
             keep: bool = False, container=None):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = (container or self.doc).add_paragraph()
        if text:
            self.run(p, text, bold=bold, italic=italic, size=size)
        if align:
            p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        pf = p.paragraph_format
        if not indent:
            pf.first_line_indent = self.Cm(0)
        pf.space_after = self.Pt(after)
        pf.space_before = self.Pt(before)
        if keep:
            pf.keep_with_next = True
        return p

    def run(self, p, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
            blank: bool = False, underline: bool = False):
        from docx.enum.text import WD_COLOR_INDEX

        r = p.add_run(text)
        r.bold = bold or None
        r.italic = italic or None
        r.underline = underline or None
        if size:
            r.font.size = self.Pt(size)
        if blank:  # a field the department fills in: highlighted, so it is not forgotten
            r.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return r

    def heading(self, text: str) -> None:
        """A section heading: "I. KẾT QUẢ CHUNG" in bold capitals (Vietnamese), "1. Summary" in English."""
        p = self.para(before=SPACE_PT, keep=True)
        self.run(p, text, bold=True)
        self._outline(p, 0)

    def subheading(self, text: str) -> None:
        p = self.para(keep=True)
        self.run(p, text, bold=True, italic=self.lang == "vi")
        self._outline(p, 1)

    def _outline(self, p, level: int) -> None:
        from docx.oxml import OxmlElement

        el = OxmlElement("w:outlineLvl")
        el.set(self.qn("w:val"), str(level))
        p._p.get_or_add_pPr().append(el)

    def rule_below(self, p, indent_cm: float) -> None:
        """A thin line under a paragraph, shortened from both sides (the line under the motto)."""
        from docx.oxml import OxmlElement

        ppr = p._p.get_or_add_pPr()
        bdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(self.qn(k), v)
        bdr.append(bottom)
        ppr.append(bdr)
        p.paragraph_format.left_indent = self.Cm(indent_cm)
        p.paragraph_format.right_indent = self.Cm(indent_cm)

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.para(indent=False, after=0).add_run().add_break(WD_BREAK.PAGE)

    def landscape_section(self) -> None:
        from docx.enum.section import WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=True)
        section.different_first_page_header_footer = False  # the number shows on the appendix's first page

    # --- tables ------------------------------------------------------------------------------------------
    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
              right: Iterable[int] = (), size: float = TABLE_PT, bold_last: bool = False,
              fills: dict[tuple[int, int], str] | None = None) -> Any:
        """A Word table over the text width; ``widths`` are relative; numbers right-aligned; the header row
        repeats on every page and no row breaks across pages."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.shared import Mm

        right = set(right)
        total = sum(widths)
        mm = [self.text_width_mm * w / total for w in widths]
        table = self.doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(self.qn("w:type"), "fixed")
        tbl_pr.append(layout)
        width = OxmlElement("w:tblW")
        width.set(self.qn("w:w"), str(int(sum(mm) * 56.6929)))  # twentieths of a point
        width.set(self.qn("w:type"), "dxa")
        for old in tbl_pr.findall(self.qn("w:tblW")):
            tbl_pr.remove(old)
        tbl_pr.append(width)
        for j, w in enumerate(mm):
            table.columns[j].width = Mm(w)
        for i, values in enumerate([headers, *rows]):
            row = table.rows[i]
            tr_pr = row._tr.get_or_add_trPr()
            cant = OxmlElement("w:cantSplit")
            tr_pr.append(cant)
            if i == 0:
                head = OxmlElement("w:tblHeader")
                tr_pr.append(head)
            for j, value in enumerate(values):
                cell = row.cells[j]
                cell.width = Mm(mm[j])
                p = cell.paragraphs[0]
                pf = p.paragraph_format
                pf.first_line_indent = self.Cm(0)
                pf.space_after = self.Pt(0)
                pf.line_spacing = 1.0
                if i == 0:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif j in right:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                else:
                    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                self.run(p, str(value), bold=i == 0 or (bold_last and i == len(rows)), size=size)
                if i == 0:
                    self._shade(cell, "EEF2F6")
                elif fills and (i - 1, j) in fills:
                    self._shade(cell, fills[(i - 1, j)])
        self.tables += 1
        self.para(indent=False, after=2, size=4)  # Word needs a paragraph between two tables
        return table

    def _shade(self, cell, colour: str) -> None:
        from docx.oxml import OxmlElement

        shd = OxmlElement("w:shd")
        for k, v in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", colour)):
            shd.set(self.qn(k), v)
        cell._tc.get_or_add_tcPr().append(shd)

    def layout_table(self, cols_mm: Sequence[float]):
        """A borderless two-column table for the header and signature blocks."""
        from docx.oxml import OxmlElement
        from docx.shared import Mm

        table = self.doc.add_table(rows=1, cols=len(cols_mm))
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{side}")
            el.set(self.qn("w:val"), "nil")
            borders.append(el)
        tbl_pr.append(borders)
        layout = OxmlElement("w:tblLayout")
        layout.set(self.qn("w:type"), "fixed")
        tbl_pr.append(layout)
        for j, w in enumerate(cols_mm):
            table.columns[j].width = Mm(w)
            table.rows[0].cells[j].width = Mm(w)
        cells = table.rows[0].cells
        for cell in cells:  # drop the empty first paragraph each cell starts with, when we add ours
            cell._tc.remove(cell.paragraphs[0]._p)
        return cells

    # --- images ------------------------------------------------------------------------------------------
    def figure(self, spec: dict, title: str, caption: str) -> None:
        from docx.shared import Cm

        self.figures += 1
        label = _t(self.lang, "Hình", "Figure")
        # Pixels enough for DOCX_DPI at the printed width: ppi is per CSS pixel of the chart (72 per inch).
        ppi = DOCX_DPI * (CHART_CM / 2.54) * 72 / REPORT_CHART_WIDTH
        png = chart_png(spec, width=REPORT_CHART_WIDTH, height=REPORT_CHART_HEIGHT, scale=1, ppi=ppi)
        p = self.para(indent=False, align="center", after=2, keep=True)
        p.add_run().add_picture(io.BytesIO(png), width=Cm(CHART_CM))
        p = self.para(indent=False, size=12, after=SPACE_PT * 2)
        self.run(p, f"{label} {self.figures}. {title}" + (". " if caption else ""), bold=True, size=12)
        if caption:
            self.run(p, caption, italic=True, size=12)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


# --- Blocks of the administrative format ------------------------------------------------------------------

def _header_block(w: _Writer, issuer: str, place: str, day: date) -> None:
    """Issuing body and number on the left, the national title, motto, place and date on the right."""
    left, right = w.layout_table((62, w.text_width_mm - 62))
    if issuer:
        w.para(issuer.upper(), bold=True, size=13, align="center", indent=False, after=0, container=left)
    else:
        p = w.para(align="center", indent=False, after=0, container=left)
        w.run(p, "TÊN CƠ QUAN, TỔ CHỨC", bold=True, size=13, blank=True)
    w.rule_below(w.para(size=2, indent=False, after=6, container=left), 2.2)
    p = w.para(align="center", indent=False, after=0, container=left)
    w.run(p, "Số: ", size=13)
    w.run(p, "……", size=13, blank=True)
    w.run(p, "/BC-", size=13)
    w.run(p, "……", size=13, blank=True)
    w.para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align="center", indent=False, after=0,
           container=right)
    w.para("Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align="center", indent=False, after=0,
           container=right)
    w.rule_below(w.para(size=2, indent=False, after=6, container=right), 2.0)  # as long as the motto
    p = w.para(align="center", indent=False, after=0, container=right)
    if place:
        w.run(p, vi_date_line(place, day), italic=True, size=14)
    else:
        w.run(p, "……", italic=True, size=14, blank=True)
        w.run(p, vi_date_line("", day), italic=True, size=14)


def _signature_block(w: _Writer) -> None:
    """'Nơi nhận' on the left, the signer on the right: blanks the department fills."""
    w.para(after=0, size=6)
    left, right = w.layout_table((w.text_width_mm / 2, w.text_width_mm / 2))
    w.para("Nơi nhận:", bold=True, italic=True, size=12, indent=False, after=0, align="left", container=left)
    for item in (None, None, "Lưu: VT"):
        p = w.para(indent=False, after=0, align="left", container=left)
        w.run(p, "- ", size=11)
        if item:
            w.run(p, item + ", ", size=11)
            w.run(p, BLANK, size=11, blank=True)
            w.run(p, ".", size=11)
        else:
            w.run(p, BLANK + BLANK, size=11, blank=True)
            w.run(p, ";", size=11)
    p = w.para(align="center", indent=False, after=0, container=right)
    w.run(p, "QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ " + BLANK, bold=True, size=14, blank=True)
    w.para("(Chữ ký, dấu)", italic=True, size=12, align="center", indent=False, after=60, container=right)
    p = w.para(align="center", indent=False, after=0, container=right)
    w.run(p, "Họ và tên " + BLANK, bold=True, size=14, blank=True)


def _plain_title(w: _Writer, kicker: str, title: str, lines: Sequence[str]) -> None:
    w.para(kicker.upper(), bold=True, size=12, align="left", indent=False, after=2)
    w.para(title, bold=True, size=18, align="left", indent=False, after=4)
    for line in lines:
        w.para(line, size=12, align="left", indent=False, after=2)
    w.para(after=SPACE_PT)


def _numbered(lang: str, i: int, text: str) -> str:
    return f"{ROMAN[i]}. {text.upper()}" if lang == "vi" else f"{i + 1}. {text}"


# --- The scenario report ------------------------------------------------------------------------------------

def layout(c: ReportContent) -> bytes:
    """The Word document of a scenario's report content."""
    lang, t, h = c.lang, c.title, c.headings
    vi = lang == "vi"
    w = _Writer(lang, _t(lang, "Báo cáo kịch bản", "Scenario report") + f" · {t.scenario}")
    summary = _t(lang, f"Kết quả dự báo khả năng đạt các chỉ tiêu kinh tế tập thể theo {t.reference} "
                       f"(kịch bản {t.quoted})",
                 f"Projected chances of meeting the collective-economy targets of {t.reference} "
                 f"(scenario {t.quoted})")
    if vi:
        _header_block(w, t.issuer, t.place, t.today)
        w.para("BÁO CÁO", bold=True, size=14, align="center", indent=False, before=12, after=0)
        p = w.para(summary, bold=True, size=14, align="center", indent=False, after=2)
        w.rule_below(w.para(size=4, indent=False, after=12), 6.0)
        del p
    else:
        _plain_title(w, c.texts["kicker"], t.plan, [summary, t.date_text])
    w.para(_t(lang,
        f"Báo cáo trình bày kết quả dự báo khả năng đạt các chỉ tiêu của {t.reference} theo kịch bản {t.quoted} "
        f"(kịch bản mẫu: {t.preset}; {t.changes}). Số liệu được tính bằng công cụ lập kịch bản kinh tế tập thể, "
        f"phiên bản {t.version}, ngày {t.date_text}.",
        f"This report sets out the projected chances of meeting the targets of {t.reference} under the scenario "
        f"{t.quoted} (preset: {t.preset}; {t.changes}). The figures were computed with the collective-economy "
        f"scenario planner, version {t.version}, on {t.date_text}."))

    n = 0
    w.heading(_numbered(lang, n, h["summary"]))
    w.para(t.headline + ".", bold=True)
    w.para(" · ".join(f"{b.symbol} {b.count} {b.label}" for b in t.bands) + ". " + c.texts["likely_rule"])
    for label, value in t.meta[1:]:
        p = w.para(after=2)
        w.run(p, f"{label}: ", italic=True)
        w.run(p, value)
    if t.area_note:
        p = w.para(before=4)
        w.run(p, h["area"] + ": ", bold=True, italic=True)
        w.run(p, t.area_note)

    n += 1
    w.heading(_numbered(lang, n, h["scorecard"]))
    w.table([_t(lang, "Chỉ tiêu", "Target"), _t(lang, "Năm", "Year"), _t(lang, "Ngưỡng", "Threshold"),
             _t(lang, "Trung vị", "Median"), _t(lang, "Khoảng 80 %", "80 % range"),
             _t(lang, "Xác suất đạt", "Probability"), _t(lang, "Khả năng", "Likelihood")],
            [[r.label, str(r.year), r.rule_text, r.projected, r.range, r.probability_text, r.likely_text]
             for r in c.scorecard], (27, 9, 16, 13, 20, 13, 17), right={1, 3, 4, 5}, size=SMALL_PT,
            fills={(i, 6): _tint(r.colour) for i, r in enumerate(c.scorecard)})
    w.para(c.texts["scorecard_note"], italic=True, size=12)

    if c.has_progress:
        n += 1
        w.heading(_numbered(lang, n, h["progress"]))
        w.para(c.texts["progress_note"])
        w.table([_t(lang, "Chỉ tiêu", "Target"), _t(lang, "Số liệu thực tế (năm)", "Actual figure (year)"),
                 _t(lang, "Chặng đường đã đi", "Share of the way"), _t(lang, "Thời gian đã qua", "Time gone by"),
                 _t(lang, "Tiến độ", "Pace")],
                [[r.label, r.recorded_text or "–", r.progress_text or "–", r.elapsed_text or "–", r.pace_text]
                 for r in c.scorecard], (40, 18, 13, 13, 16), right={1, 2, 3}, size=SMALL_PT)

    n += 1
    w.heading(_numbered(lang, n, h["charts"]))
    w.para(c.chart_legend, size=12)
    for item in c.charts:
        w.figure(item.spec, item.title, item.caption)

    n += 1
    w.heading(_numbered(lang, n, h["levers"]))
    changed = c.changed_levers
    if changed:
        w.table([_t(lang, "Giả định", "Assumption"), _t(lang, "Nhóm", "Group"),
                 _t(lang, f"Kịch bản mẫu ({t.preset})", f"Preset ({t.preset})"),
                 _t(lang, "Kịch bản này", "This scenario")],
                [[lv.label, lv.group, lv.preset_text, lv.value_text] for lv in changed], (44, 24, 16, 16),
                right={2, 3}, size=TABLE_PT)
    else:
        w.para(c.texts["no_change"])

    n += 1
    w.heading(_numbered(lang, n, h["method"]))
    for i, (head, text) in enumerate(c.method, start=1):
        p = w.para()
        w.run(p, f"{i}. {head}. ", bold=True, italic=vi)
        w.run(p, text)
    w.para(c.run_settings)
    if c.questions:
        w.subheading(h["questions"])
        for q in c.questions:
            w.para("- " + q)

    if vi:
        _signature_block(w)
    _appendix(w, c)
    return w.save()


def _tint(colour: str) -> str:
    """A light tint of a band's colour for a table cell (the words carry the meaning, the tint helps)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "".join(f"{round(255 - (255 - v) * 0.22):02X}" for v in (r, g, b))


def _appendix(w: _Writer, c: ReportContent) -> None:
    lang, h, t = c.lang, c.headings, c.title
    vi = lang == "vi"
    w.landscape_section()
    w.para(h["appendix"].upper() if vi else h["appendix"], bold=True, size=14, align="center", indent=False, after=0)
    w.para(_t(lang, "BẢNG ĐIỂM ĐẦY ĐỦ, GIẢ ĐỊNH KHÁC VỚI KỊCH BẢN MẪU VÀ SỐ LIỆU GỐC",
              "Full scorecard, assumptions changed from the preset, and the baseline"),
           bold=True, size=14, align="center", indent=False, after=0)
    if vi:
        p = w.para(align="center", indent=False, after=12, italic=True)
        w.run(p, "(Kèm theo Báo cáo số ", italic=True)
        w.run(p, BLANK, italic=True, blank=True)
        w.run(p, "/BC-", italic=True)
        w.run(p, BLANK, italic=True, blank=True)
        w.run(p, " ngày ", italic=True)
        w.run(p, BLANK, italic=True, blank=True)
        w.run(p, " của ", italic=True)
        if t.issuer:
            w.run(p, t.issuer, italic=True)
        else:
            w.run(p, BLANK, italic=True, blank=True)
        w.run(p, ")", italic=True)
    else:
        w.para(f"{t.scenario} · {t.date_text}", align="center", indent=False, after=12)

    w.subheading("1. " + h["full_scorecard"])
    headers = [_t(lang, "Chỉ tiêu", "Target"), _t(lang, "Năm", "Year"),
               _t(lang, "Ngưỡng", "Threshold"), _t(lang, "Đường trung tâm", "Central path"), "p10", "p50", "p90",
               _t(lang, "Xác suất đạt", "Probability"), _t(lang, "Khả năng", "Likelihood"), "R",
               _t(lang, "Tiến độ", "Pace")]
    widths = [44, 10, 20, 12, 11, 11, 11, 11, 16, 9, 17]
    rows = [[r.label, str(r.year), r.rule_text, r.central, _p(r, r.p10, lang), r.projected, _p(r, r.p90, lang),
             r.probability_text, r.likely_text, r.pace_ratio_text, r.pace_text] for r in c.scorecard]
    if c.has_progress:
        headers += [_t(lang, "Thực tế", "Actual"), _t(lang, "Đã đi", "So far")]
        widths += [12, 9]
        for row, r in zip(rows, c.scorecard, strict=True):
            row += [r.recorded_text or "–", r.progress_text or "–"]
    w.table(headers, rows, widths, right={1, 3, 4, 5, 6, 7, 9} | ({11, 12} if c.has_progress else set()),
            size=10, fills={(i, 8): _tint(r.colour) for i, r in enumerate(c.scorecard)})

    w.subheading("2. " + h["levers"])
    changed = c.changed_levers
    if changed:
        w.table([_t(lang, "Giả định", "Assumption"), _t(lang, "Nhóm", "Group"),
                 _t(lang, "Kịch bản mẫu", "Preset"), _t(lang, "Kịch bản này", "This scenario"),
                 _t(lang, "Khoảng cho phép", "Allowed range")],
                [[lv.label, lv.group, lv.preset_text, lv.value_text, lv.range_text] for lv in changed],
                (56, 30, 14, 14, 22), right={2, 3, 4}, size=11)
    else:
        w.para(c.texts["no_change"])

    w.subheading("3. " + h["baseline"])
    w.table([_t(lang, "Chỉ số", "Indicator"), _t(lang, "Năm", "Year"), _t(lang, "Giá trị", "Value"),
             _t(lang, "Đơn vị", "Unit"), _t(lang, "Loại số liệu", "Kind of figure"), _t(lang, "Nguồn", "Source"),
             _t(lang, "Ngày", "Date")],
            [[b.label, str(b.year), b.value_text, b.unit, b.kind_text, b.source, b.date_text] for b in c.baseline],
            (40, 8, 12, 14, 14, 54, 13), right={1, 2}, size=11,
            fills={(i, 4): "FFF3BF" for i, b in enumerate(c.baseline) if b.estimate})
    if c.actuals:
        w.subheading("4. " + h["actuals"])
        w.table([_t(lang, "Chỉ số", "Indicator"), _t(lang, "Năm", "Year"), _t(lang, "Giá trị", "Value"),
                 _t(lang, "Loại số liệu", "Kind of figure"), _t(lang, "Nguồn", "Source")],
                [[a.label, str(a.year), a.value_text, a.kind_text, a.source] for a in c.actuals],
                (44, 10, 14, 24, 62), right={1, 2}, size=11,
                fills={(i, 3): "FFF3BF" for i, a in enumerate(c.actuals) if a.basis != "published"})
        for note in c.actual_notes:
            w.para("- " + note, size=12, after=3)
    if c.baseline_notes:
        w.subheading(h["notes"])
        for label, note in c.baseline_notes:
            p = w.para(size=12, after=3)
            w.run(p, f"{label}: ", bold=True, size=12)
            w.run(p, note, size=12)


def _p(r, value: float, lang: str) -> str:
    from ..fmt import indicator_value

    return indicator_value(r.indicator, value, lang)


def docx_report(data: dict[str, Any] | None = None, lang: str = "vi", uploaded: Iterable[Observation] = (),
                today: date | None = None, computed=None) -> bytes:
    """The scenario's report as a Word document (the administrative format in Vietnamese)."""
    return layout(scenario_content(data, lang, uploaded, today, computed))


# --- The comparison ----------------------------------------------------------------------------------------

def comparison_layout(c: ComparisonContent) -> bytes:
    lang = c.lang
    vi = lang == "vi"
    w = _Writer(lang, _t(lang, "So sánh kịch bản", "Scenario comparison") + f" · {c.plan}")
    names = "; ".join(s.name for s in c.scenarios)
    summary = _t(lang, f"So sánh khả năng đạt các chỉ tiêu kinh tế tập thể theo {c.reference} giữa "
                       f"{len(c.scenarios)} kịch bản",
                 f"Comparing the chances of meeting the collective-economy targets of {c.reference} under "
                 f"{len(c.scenarios)} scenarios")
    if vi:
        _header_block(w, c.issuer, c.place, c.today)
        w.para("BÁO CÁO", bold=True, size=14, align="center", indent=False, before=12, after=0)
        w.para(summary, bold=True, size=14, align="center", indent=False, after=2)
        w.rule_below(w.para(size=4, indent=False, after=12), 6.0)
    else:
        _plain_title(w, "Scenario comparison · Collective economy", c.plan, [summary, c.date_text])
    w.para(_t(lang,
        f"Báo cáo đặt cạnh nhau các kịch bản ({names}) theo {c.reference}. Mọi kịch bản dùng chung một dãy số ngẫu "
        f"nhiên, nên chênh lệch đến từ giả định, không phải từ nhiễu. Lập bằng công cụ lập kịch bản kinh tế tập "
        f"thể, phiên bản {c.version}, ngày {c.date_text}.",
        f"This report sets the scenarios ({names}) of {c.reference} side by side. Every scenario uses the same "
        f"random numbers, so differences come from the assumptions, not the noise. Made with the "
        f"collective-economy scenario planner, version {c.version}, on {c.date_text}."))
    w.heading(_numbered(lang, 0, _t(lang, "Các kịch bản", "The scenarios")))
    for i, s in enumerate(c.scenarios, start=1):
        p = w.para(after=2)
        w.run(p, f"{i}. {s.name}", bold=True)
        w.run(p, f" ({_t(lang, 'kịch bản mẫu', 'preset')}: {s.preset}): {s.likely_text}.")
    if c.area_note:
        p = w.para(before=4)
        w.run(p, _t(lang, "Địa bàn và thay đổi hành chính: ", "Area and administrative changes: "), bold=True,
              italic=True)
        w.run(p, c.area_note)

    w.heading(_numbered(lang, 1, _t(lang, "Xác suất đạt từng chỉ tiêu", "Probability of meeting each target")))
    k = len(c.scenarios)
    rows = [[t.label, str(t.year)] + [f"{x.symbol} {x.text} {x.label}" for x in t.cells] for t in c.targets]
    rows.append([_t(lang, "Chỉ tiêu có khả năng đạt", "Targets likely met"), ""]
                + [f"{s.likely}/{s.total}" for s in c.scenarios])
    fills = {(i, 2 + j): _tint(x.colour) for i, t in enumerate(c.targets) for j, x in enumerate(t.cells)}
    w.table([_t(lang, "Chỉ tiêu", "Target"), _t(lang, "Năm", "Year")] + [s.name for s in c.scenarios], rows,
            (34, 10, *[56 / k] * k), right={1}, size=SMALL_PT, bold_last=True, fills=fills)

    w.heading(_numbered(lang, 2, _t(lang, "Giả định khác nhau", "Assumptions that differ")))
    if c.lever_rows:
        w.table([_t(lang, "Giả định", "Assumption")] + [s.name for s in c.scenarios],
                [[label, *values] for label, values in c.lever_rows], (40, *[60 / k] * k),
                right=set(range(1, k + 1)), size=SMALL_PT)
    else:
        w.para(_t(lang, "Các kịch bản có cùng mọi giả định.", "The scenarios share every assumption."))

    w.heading(_numbered(lang, 3, _t(lang, "Quỹ đạo chồng lên nhau", "Trajectories overlaid")))
    for item in c.charts:
        w.figure(item.spec, item.title, "")
    if vi:
        _signature_block(w)
    return w.save()


def comparison_docx(scenarios, lang: str = "vi", labels=None, today: date | None = None) -> bytes:
    """Two to four scenarios of one pack side by side, as a Word document."""
    return comparison_layout(comparison_content(scenarios, lang, labels, today))

"""The Word report (planner/report/docx.py): reopened with python-docx it holds the engine's numbers for
the same scenario, the page, margins, fonts and header block of Nghị định 30/2020/NĐ-CP, every chart
as a sharp image and the blanks a department fills; laid out by LibreOffice it stays on its pages
(nothing past the margins, the Vietnamese headings extracted with their diacritics).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.shared import Cm, Mm, Pt

from planner import report
from planner.cli import assessment_json
from planner.fmt import indicator_value, probability
from planner.packs import load_pack
from planner.report.docx import vi_date_line
from planner.results import target_indicators
from planner.scenario import new_scenario

DRAWS = 1000
XSS = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'
LEVERS = {"htx_new_per_year": 24.0, "quality_upgrade_rate": 0.09}


def scenario(pack: str = "hai-duong-2023", **extra) -> dict:
    data = new_scenario(pack)
    data["draws"] = DRAWS
    data.update(extra)
    return data


@pytest.fixture(scope="module")
def hd_data() -> dict:
    return scenario(levers=dict(LEVERS), name=XSS, note=FORMULA)


@pytest.fixture(scope="module")
def hd_bytes(hd_data) -> bytes:
    return report.docx_report(hd_data, "vi")


@pytest.fixture(scope="module")
def hd_doc(hd_bytes):
    return docx.Document(io.BytesIO(hd_bytes))


@pytest.fixture(scope="module")
def en_bytes() -> bytes:
    return report.docx_report(scenario("vietnam-nq20", name=FORMULA), "en")


def near(length: int, wanted: int) -> bool:
    """Equal up to Word's unit, the twentieth of a point (lengths are stored in twips)."""
    return abs(length - wanted) <= Mm(0.05)


def texts(doc) -> list[str]:
    """Every paragraph's text: the body, then every table cell, in order."""
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs]
    return out


def table_with(doc, header: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == header)


def rows_of(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows[1:]]


# --- Page, fonts, paragraphs ---------------------------------------------------------------------------

def test_page_is_a4_with_the_margins_of_decree_30(hd_doc):
    first = hd_doc.sections[0]
    assert near(first.page_width, Mm(210)) and near(first.page_height, Mm(297))
    assert first.orientation == WD_ORIENT.PORTRAIT
    for section in hd_doc.sections:
        for side, (lo, hi) in {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}.items():
            assert Mm(lo - 0.05) <= getattr(section, f"{side}_margin") <= Mm(hi + 0.05), side
        assert section.header_distance < section.top_margin  # the page number sits in the top margin
    appendix = hd_doc.sections[-1]
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert near(appendix.page_width, Mm(297)) and near(appendix.page_height, Mm(210))


def test_body_is_times_new_roman_14_justified_with_indent_and_spacing(hd_doc):
    normal = hd_doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{k}") for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert Pt(13) <= normal.font.size <= Pt(14)
    pf = normal.paragraph_format
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Cm(1) <= pf.first_line_indent <= Cm(1.27)
    assert pf.space_after >= Pt(6)
    # No run picks another font; body paragraphs (no size of their own) stay at 14 pt.
    runs = [r for p in hd_doc.paragraphs for r in p.runs]
    runs += [r for t in hd_doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert all(r.font.name in (None, "Times New Roman") for r in runs)
    from planner.text import method_sections

    sections = method_sections("vi")
    body = [p for p in hd_doc.paragraphs if any(text in p.text for _, text in sections)]
    assert len(body) == len(sections)  # the running text: the method, as the Data page has it
    for p in body:
        assert p.paragraph_format.first_line_indent is None  # inherits the 1.27 cm of the style
        assert all(r.font.size in (None, Pt(14)) for r in p.runs)
        assert p.alignment in (None, WD_ALIGN_PARAGRAPH.JUSTIFY)


def test_header_block_document_type_and_sections(hd_doc, hd_pack):
    header = hd_doc.tables[0]
    left, right = (c.text for c in header.rows[0].cells)
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" in left  # the issuing body, from the pack's metadata, in capitals
    assert hd_pack.meta["report_issuer_vi"].upper() in left
    assert re.search(r"Số: …+/BC-…+", left)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    date_par = next(p for p in header.rows[0].cells[1].paragraphs if "ngày" in p.text)
    assert date_par.text.startswith("Hải Phòng, ngày ") and all(r.italic for r in date_par.runs)
    national = next(p for p in header.rows[0].cells[1].paragraphs if p.text.startswith("CỘNG HÒA"))
    assert all(r.bold for r in national.runs)

    body = [p.text for p in hd_doc.paragraphs]
    i = body.index("BÁO CÁO")
    assert body[i + 1].startswith("Kết quả dự báo khả năng đạt các chỉ tiêu") and XSS in body[i + 1]
    headings = [p for p in hd_doc.paragraphs if re.match(r"^[IVX]+\. ", p.text)]
    assert [p.text for p in headings][:2] == ["I. KẾT QUẢ CHUNG", "II. BẢNG ĐIỂM CÁC CHỈ TIÊU"]
    # No target of the pack has an actual figure yet (the HTX stocks are no target): no progress section.
    assert [p.text for p in headings][2:] == ["III. QUỸ ĐẠO ĐẾN 2045", "IV. GIẢ ĐỊNH KHÁC VỚI KỊCH BẢN MẪU",
                                              "V. PHƯƠNG PHÁP"]
    for p in headings:
        assert p.text == p.text.upper() and all(r.bold for r in p.runs)
    assert "PHỤ LỤC" in body


def test_date_line_writes_leading_zeros_as_the_decree_asks():
    from datetime import date

    assert vi_date_line("Hải Phòng", date(2026, 3, 5)) == "Hải Phòng, ngày 05 tháng 3 năm 2026"
    assert vi_date_line("Hà Nội", date(2026, 2, 14)) == "Hà Nội, ngày 14 tháng 02 năm 2026"
    assert vi_date_line("Hà Nội", date(2026, 12, 1)) == "Hà Nội, ngày 01 tháng 12 năm 2026"


def test_page_numbers_centred_in_the_header_from_page_two(hd_bytes, hd_doc):
    first = hd_doc.sections[0]
    assert first.different_first_page_header_footer
    assert first.first_page_header.paragraphs[0].text == ""
    header = first.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    xml = header._p.xml
    assert "fldChar" in xml and re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
    assert hd_doc.sections[-1].header.is_linked_to_previous  # the appendix keeps the numbering


# --- Content: the engine's numbers ---------------------------------------------------------------------------

def test_scorecard_table_holds_the_engines_numbers(hd_doc, hd_data, hd_pack):
    expected = assessment_json(hd_data)["targets"]
    rows = rows_of(table_with(hd_doc, "Chỉ tiêu"))
    assert len(rows) == len(expected)
    for row, t in zip(rows, expected, strict=True):
        target = hd_pack.target(t["id"])
        ind = target.indicator
        assert row[0] == target.label_vi
        assert row[1] == str(t["year"])
        assert row[3] == indicator_value(ind, t["p50"], "vi")
        assert row[4] == f"{indicator_value(ind, t['p10'], 'vi')} – {indicator_value(ind, t['p90'], 'vi')}"
        assert row[5] == probability(t["probability"], "vi")
    assert any("," in r[3] and "%" in r[3] for r in rows)  # shares in Vietnamese style: 58,4 %


def test_appendix_holds_the_full_scorecard_changed_levers_and_baseline(hd_doc, hd_data, hd_pack):
    expected = {t["id"]: t for t in assessment_json(hd_data)["targets"]}
    full = next(t for t in hd_doc.tables if [c.text for c in t.rows[0].cells][4:7] == ["p10", "p50", "p90"])
    by_label = {r[0]: r for r in rows_of(full)}
    for tid, t in expected.items():
        target = hd_pack.target(tid)
        row = by_label[target.label_vi]
        ind = target.indicator
        assert row[3] == indicator_value(ind, t["deterministic"], "vi")
        assert row[4:7] == [indicator_value(ind, t[k], "vi") for k in ("p10", "p50", "p90")]
    levers = next(t for t in hd_doc.tables if t.rows[0].cells[-1].text == "Khoảng cho phép")
    assert [r[0] for r in rows_of(levers)] == [hd_pack.lever(k).label("vi") for k in hd_pack.preset("trend")
                                               if k in LEVERS]
    assert rows_of(levers)[0][2:4] == ["15,0", "24,0"]
    baseline = next(t for t in hd_doc.tables if t.rows[0].cells[0].text == "Chỉ số")
    rows = rows_of(baseline)
    assert len(rows) == len(hd_pack.baseline)
    assert sum(r[4] == "⚠ Ước tính" for r in rows) == sum(o.estimate for o in hd_pack.baseline.values()) > 0
    assert any("asemconnectvietnam.gov.vn" in r[5] for r in rows)


def test_every_target_indicator_has_its_chart_at_200_dpi_or_more(hd_bytes, hd_doc, hd_pack):
    blips = hd_doc.inline_shapes
    assert len(blips) == len(target_indicators(hd_pack)) == 9
    with zipfile.ZipFile(io.BytesIO(hd_bytes)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 9
        sizes = [struct.unpack(">II", z.read(n)[16:24]) for n in media]
    for shape, (px_w, _) in zip(blips, sizes, strict=True):
        inches = shape.width / 914400
        assert px_w / inches >= 200
        section = hd_doc.sections[0]
        assert shape.width <= section.page_width - section.left_margin - section.right_margin
    captions = [p.text for p in hd_doc.paragraphs if p.text.startswith("Hình ")]
    assert [c.split(".")[0] for c in captions] == [f"Hình {i}" for i in range(1, 10)]


def test_tables_fit_within_the_margins(hd_doc):
    from docx.oxml.ns import qn

    # Each table belongs to the section whose break (a paragraph's sectPr, or the body's last) follows it.
    index, owner = 0, {}
    for child in hd_doc.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            owner[child] = index
        elif child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            index += 1
    assert index == len(hd_doc.sections) - 1
    for table in hd_doc.tables:
        widths = [c.width for c in table.rows[0].cells]
        section = hd_doc.sections[owner[table._tbl]]
        text_width = section.page_width - section.left_margin - section.right_margin
        assert sum(widths) <= text_width + Mm(0.5), [c.text for c in table.rows[0].cells]


def test_blanks_for_the_department_are_marked_never_invented(hd_doc):
    highlighted = [r for p in hd_doc.paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    cells = [p for t in hd_doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    highlighted += [r for p in cells for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert len(highlighted) >= 6
    assert all("…" in r.text for r in highlighted)
    all_text = "\n".join(texts(hd_doc))
    assert "Nơi nhận:" in all_text and "(Chữ ký, dấu)" in all_text
    assert "QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ …" in all_text and "Họ và tên …" in all_text
    assert "(Kèm theo Báo cáo số " in all_text


def test_a_pack_without_a_filing_body_leaves_it_blank():
    doc = docx.Document(io.BytesIO(report.docx_report(scenario("vietnam-nq20"), "vi")))
    left = doc.tables[0].rows[0].cells[0]
    first = left.paragraphs[0]
    assert first.text == "TÊN CƠ QUAN, TỔ CHỨC"
    assert first.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert not load_pack("vietnam-nq20").meta.get("report_issuer_vi")
    assert "…, ngày" in doc.tables[0].rows[0].cells[1].text  # no place made up either


def test_hostile_names_are_plain_text(hd_bytes, hd_doc, en_bytes):
    assert XSS in "\n".join(texts(hd_doc))
    with zipfile.ZipFile(io.BytesIO(hd_bytes)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml and "<script" not in xml
    assert FORMULA in "\n".join(texts(hd_doc))  # the note: text in a run, no field
    with zipfile.ZipFile(io.BytesIO(en_bytes)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "HYPERLINK" in xml and "<w:hyperlink" not in xml and "<w:fldSimple" not in xml
    assert xml.count("<w:instrText") == 0  # the only field (PAGE) lives in the header


def test_english_report_has_the_same_content_plainly(en_bytes):
    doc = docx.Document(io.BytesIO(en_bytes))
    body = [p.text for p in doc.paragraphs]
    all_text = "\n".join(texts(doc))
    assert "CỘNG HÒA" not in all_text and "Nơi nhận" not in all_text
    headings = [p for p in body if re.match(r"^\d\. [A-Z][^.]*$", p)]
    assert headings == ["1. Summary", "2. Target scorecard", "3. Progress so far", "4. Trajectories to 2045",
                        "5. Assumptions changed from the preset", "6. Method",  # the pack has actual figures
                        "1. Full scorecard", "2. Assumptions changed from the preset", "3. Baseline 2024 and sources",
                        "4. Actual figures used"]  # the appendix
    assert "Appendix" in body
    progress = table_with(doc, "Target")
    assert progress is not None
    expected = assessment_json(scenario("vietnam-nq20"))["targets"]
    rows = rows_of(table_with(doc, "Target"))
    pack = load_pack("vietnam-nq20")
    assert [r[3] for r in rows] == [indicator_value(pack.target(t["id"]).indicator, t["p50"], "en") for t in expected]
    assert len(doc.inline_shapes) == len(target_indicators(pack))


def test_comparison_in_word_has_a_column_per_scenario():
    scenarios = [scenario(), scenario(preset="plan-pace", name=XSS), scenario(preset="optimistic")]
    doc = docx.Document(io.BytesIO(report.comparison_docx(scenarios, "vi")))
    table = table_with(doc, "Chỉ tiêu")
    assert [c.text for c in table.rows[0].cells][2:] == ["Kịch bản mẫu “Xu hướng”", XSS, "Kịch bản mẫu “Lạc quan”"]
    pack = load_pack("hai-duong-2023")
    assert len(table.rows) == 1 + len(pack.targets) + 1  # and the 'likely met' row
    expected = [assessment_json(s)["targets"] for s in scenarios]
    for i, target in enumerate(pack.targets, start=1):
        assert table.rows[i].cells[0].text == target.label("vi")
        for j in range(3):
            assert probability(expected[j][i - 1]["probability"], "vi") in table.rows[i].cells[2 + j].text
    assert len(doc.inline_shapes) == len(target_indicators(pack))
    assert "II. XÁC SUẤT ĐẠT TỪNG CHỈ TIÊU" in [p.text for p in doc.paragraphs]


def test_cli_writes_the_word_report(tmp_path):
    import sys

    out = tmp_path / "bao-cao.docx"
    proc = subprocess.run([sys.executable, "-m", "planner", "report", "--format", "docx", "--out", str(out),
                           "--draws", "500", "--set", "htx_new_per_year=20"], cwd=Path(__file__).parent.parent,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = docx.Document(out)
    assert "BÁO CÁO" in [p.text for p in doc.paragraphs]
    levers = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Khoảng cho phép")
    assert rows_of(levers)[0][3] == "20,0"


# --- Laid out by LibreOffice: what a reader sees ----------------------------------------------------------------

def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is needed to check the Word report's layout")
        pytest.skip("LibreOffice (soffice) not installed")
    for tool in ("pdftoppm", "pdftotext"):
        if not shutil.which(tool):
            if os.environ.get("CI") == "true":
                pytest.fail(f"poppler-utils ({tool}) is needed to check the Word report's layout")
            pytest.skip(f"{tool} not installed")
    return found


@pytest.fixture(scope="module")
def pdf(hd_bytes, tmp_path_factory) -> Path:
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("docx-pdf")
    src = folder / "bao-cao.docx"
    src.write_bytes(hd_bytes)
    profile = folder / "lo-profile"  # a private profile: parallel runs never share LibreOffice's lock
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(src)], check=True, capture_output=True, timeout=240)
    out = folder / "bao-cao.pdf"
    assert out.exists()
    return out


def test_pdf_has_sane_pages_and_the_vietnamese_headings(pdf, hd_pack):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 6 <= pages <= 16, pages
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                  "I. KẾT QUẢ CHUNG", "II. BẢNG ĐIỂM CÁC CHỈ TIÊU", "V. PHƯƠNG PHÁP", "PHỤ LỤC", "Nơi nhận:",
                  "Số liệu năm gốc 2022 và nguồn", "Bảng điểm đầy đủ", XSS):
        assert words in flat, words
    assert "⚠ Ước tính" in flat or "Ước tính" in flat
    # page numbers: none on page 1, "2" heads page 2
    first, second = text.split("\f")[:2]
    assert second.strip().splitlines()[0].strip() == "2"
    assert not first.strip().splitlines()[0].strip().isdigit()


def test_rendered_pages_keep_everything_inside_the_margins(pdf, tmp_path):
    from PIL import Image

    dpi = 40
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    mm = dpi / 25.4
    for png in pages:
        image = Image.open(png).convert("L")
        w, h = image.size
        landscape = w > h
        # Strips well inside the margins: the right 10 mm, the left 22 mm, the bottom 12 mm hold nothing.
        for box in ((w - round(10 * mm), 0, w, h), (0, 0, round(22 * mm), h), (0, h - round(12 * mm), w, h)):
            darkest = image.crop(box).getextrema()[0]
            assert darkest > 200, (png.name, "landscape" if landscape else "portrait", box)


def test_progress_so_far_holds_the_engines_recorded_figures(en_bytes):
    doc = docx.Document(io.BytesIO(en_bytes))
    pack = load_pack("vietnam-nq20")
    expected = assessment_json(scenario("vietnam-nq20"))["targets"]
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Actual figure (year)")
    rows = rows_of(table)
    assert any(t["recorded"] is not None for t in expected)
    for row, t in zip(rows, expected, strict=True):
        ind = pack.target(t["id"]).indicator
        if t["recorded"] is None:
            assert row[1:3] == ["–", "–"]
            continue
        assert row[1] == f"{indicator_value(ind, t['recorded'], 'en')} ({t['recorded_year']})"
        assert row[2] == ("–" if t["progress"] is None else probability(t["progress"], "en"))
        assert row[3] == ("–" if t["elapsed"] is None else probability(t["elapsed"], "en"))

"""Offline reports (planner/report/): the workbook holds the engine's numbers to the last digit, the
HTML report is one self-contained file with an inline SVG per chart and nothing typed by a user in it
unescaped, CSV files carry the BOM, and ``python -m planner report`` writes both formats.
"""

from __future__ import annotations

import csv
import html
import io
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from planner import __version__, charts, report, results
from planner.cli import assessment_json, projection_rows
from planner.errors import PlannerError
from planner.fmt import tidy
from planner.packs import load_pack
from planner.registry import INDICATOR_BY_ID
from planner.scenario import new_scenario
from tests.conftest import ALL_PACKS

ROOT = Path(__file__).resolve().parent.parent
DRAWS = 1000
XSS = "<script>alert(1)</script>"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
                      re.IGNORECASE)


def scenario(pack: str = "hai-duong-2023", **extra) -> dict:
    data = new_scenario(pack)
    data["draws"] = DRAWS
    data.update(extra)
    return data


@pytest.fixture(scope="module")
def hd_data() -> dict:
    """A changed scenario of the Hải Dương pack, with a hostile name and note."""
    return scenario(levers={"htx_new_per_year": 24.0, "quality_upgrade_rate": 0.09, "linkage_p": 0.05},
                    name=XSS, note="Ghi chú <b>đậm</b>\n=1+1")


@pytest.fixture(scope="module")
def workbooks(hd_data) -> dict[str, openpyxl.Workbook]:
    return {lang: openpyxl.load_workbook(io.BytesIO(report.xlsx_report(hd_data, lang))) for lang in ("vi", "en")}


@pytest.fixture(scope="module")
def hd_html(hd_data) -> str:
    return report.html_report(hd_data, "vi").replace("\u00a0", " ")  # a no-break space keeps "70 %" together


@pytest.fixture(scope="module")
def nq_html() -> str:
    return report.html_report(scenario("vietnam-nq20", name="Cả nước & <b>thử</b>"), "en").replace("\u00a0", " ")


def rows_of(ws) -> list[dict]:
    headers = [c.value for c in ws[1]]
    return [dict(zip(headers, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


# --- Excel ------------------------------------------------------------------------------------------

def test_workbook_sheets_and_headers_follow_the_language(workbooks):
    vi, en = workbooks["vi"], workbooks["en"]
    assert vi.sheetnames == ["Bảng điểm", "Quỹ đạo", "Giả định", "Số liệu gốc", "Phương pháp"]
    assert en.sheetnames == ["Scorecard", "Trajectories", "Assumptions", "Baseline", "Method"]
    assert [c.value for c in vi["Quỹ đạo"][1]][:7] == ["Năm", "Chỉ số", "Đường trung tâm", "Trung bình", "p10", "p50",
                                                        "p90"]
    assert [c.value for c in en["Trajectories"][1]][:7] == ["Year", "Indicator", "Deterministic", "Mean", "p10", "p50",
                                                             "p90"]
    assert [c.value for c in vi["Giả định"][1]][:6] == ["Mã", "Giả định", "Nhóm", "Giá trị", "Giá trị mẫu", "Khác mẫu"]
    assert [c.value for c in en["Assumptions"][1]][:6] == ["Id", "Assumption", "Group", "Value", "Preset value", "Changed"]
    assert "Xác suất đạt" in [c.value for c in vi["Bảng điểm"][1]]
    assert "Probability" in [c.value for c in en["Scorecard"][1]]
    assert [c.value for c in vi["Số liệu gốc"][1]][5:8] == ["Nguồn", "Ngày", "Ước tính"]
    for wb in (vi, en):
        for ws in wb.worksheets:
            assert ws.freeze_panes == "A2", ws.title
            assert ws.column_dimensions["A"].width and ws.column_dimensions["B"].width > 8


def test_scorecard_sheet_holds_the_engines_numbers_without_binary_noise(hd_data, workbooks):
    expected = assessment_json(hd_data)["targets"]
    got = rows_of(workbooks["en"]["Scorecard"])
    assert [r["Id"] for r in got] == [t["id"] for t in expected]
    for row, target in zip(got, expected, strict=True):
        for column, key in (("Threshold", "threshold"), ("Deterministic", "deterministic"), ("p10", "p10"),
                            ("p50", "p50"), ("p90", "p90"), ("Probability", "probability"),
                            ("Pace ratio R", "pace_ratio")):
            # the engine's number to ten significant digits: 135.9, never 135.90000000000003
            assert row[column] == (None if target[key] is None else tidy(target[key])), (target["id"], column)
        assert row["Year"] == target["year"]


def test_trajectories_sheet_is_tidy_and_exact(hd_data, workbooks):
    expected = projection_rows(hd_data)
    got = rows_of(workbooks["vi"]["Quỹ đạo"])
    assert len(got) == len(expected)
    for row, exp in zip(got, expected, strict=True):
        assert (row["Năm"], row["Chỉ số"]) == (exp["year"], exp["indicator"])
        for column, key in (("Đường trung tâm", "deterministic"), ("Trung bình", "mean"), ("p10", "p10"),
                            ("p50", "p50"), ("p90", "p90")):
            assert row[column] == tidy(exp[key]), (exp["year"], exp["indicator"], key)


def test_shares_are_numbers_formatted_as_percentages_and_counts_as_whole_numbers(workbooks):
    ws = workbooks["vi"]["Quỹ đạo"]
    seen = set()
    for row in ws.iter_rows(min_row=2):
        indicator = row[1].value
        for cell in row[2:7]:
            assert isinstance(cell.value, float)
            assert cell.data_type == "n"
        kind = INDICATOR_BY_ID[indicator].kind
        if kind == "share":
            assert all(c.number_format == "0.0%" for c in row[2:7]), indicator
        elif kind in ("stock", "count"):
            assert all(c.number_format == "#,##0" for c in row[4:7]), indicator
        seen.add(kind)
    assert {"share", "stock", "count"} <= seen

    score = workbooks["vi"]["Bảng điểm"]
    headers = [c.value for c in score[1]]
    prob = headers.index("Xác suất đạt")
    for row in score.iter_rows(min_row=2):
        indicator = row[3].value
        assert row[prob].number_format.endswith("%") and isinstance(row[prob].value, float)
        for cell in row[5:10]:  # threshold, deterministic, p10, p50, p90
            assert isinstance(cell.value, float)
            if INDICATOR_BY_ID[indicator].is_share:
                assert cell.number_format == "0.0%"
            else:
                assert cell.number_format in ("#,##0", "#,##0.0")


def test_levers_sheet_lists_value_preset_value_and_changed(hd_data, workbooks, hd_pack):
    rows = {r["Id"]: r for r in rows_of(workbooks["en"]["Assumptions"])}
    assert set(rows) == {lv.id for lv in hd_pack.levers}
    base = hd_pack.preset("trend")
    for lever_id, row in rows.items():
        assert row["Preset value"] == base[lever_id]
        assert row["Value"] == hd_data["levers"].get(lever_id, base[lever_id])
        assert row["Changed"] is (lever_id in hd_data["levers"])
    ws = workbooks["en"]["Assumptions"]
    fraction = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "quality_upgrade_rate")
    assert fraction[3].number_format.endswith("%")


def test_baseline_sheet_keeps_sources_dates_and_estimate_flags(workbooks, hd_pack):
    rows = {r["Indicator"]: r for r in rows_of(workbooks["en"]["Baseline"])}
    assert set(rows) == set(hd_pack.baseline)
    for indicator, obs in hd_pack.baseline.items():
        row = rows[indicator]
        assert row["Value"] == obs.value
        assert row["Estimate"] is obs.estimate
        assert row["Basis"] == obs.basis
        assert row["Source"] == obs.source
        assert row["Date"].date().isoformat() == obs.date
    vi_rows = {r["Chỉ số"]: r for r in rows_of(workbooks["vi"]["Số liệu gốc"])}
    assert vi_rows["hightech"]["Nguồn"] == "Ước tính của dự án"
    assert vi_rows["good_fair_share"]["Giá trị"] == 0.45


def test_method_sheet_identifies_the_report_and_keeps_typed_text_as_text(workbooks, hd_data):
    ws = workbooks["vi"]["Phương pháp"]
    items = {r["Mục"]: r["Nội dung"] for r in rows_of(ws)}
    assert items["Kịch bản"] == XSS
    assert items["Ghi chú kịch bản"] == hd_data["note"]  # "=1+1" in the note never becomes a formula
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert items["Phiên bản công cụ"] == __version__
    assert items["Số lượt mô phỏng"] == DRAWS
    assert any("Bass" in str(k) for k in items) and any("tam giác" in str(v) for v in items.values())
    assert "Hải Phòng" in items["Địa bàn và thay đổi hành chính"]


def test_a_name_typed_as_a_formula_stays_text():
    wb = openpyxl.load_workbook(io.BytesIO(report.xlsx_report(scenario(name='=HYPERLINK("http://x","y")'), "en")))
    cells = [c for row in wb["Method"].iter_rows() for c in row if c.value and str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


# --- HTML ---------------------------------------------------------------------------------------------

def test_html_report_has_an_inline_svg_for_every_indicator_with_a_target(hd_html, nq_html, hd_pack, nq_pack):
    assert hd_html.count("<svg") == len({t.indicator for t in hd_pack.targets}) == 9
    assert nq_html.count("<svg") == len({t.indicator for t in nq_pack.targets})
    assert "<img" not in hd_html


@pytest.mark.parametrize("which", ["hd_html", "nq_html"])
def test_html_report_references_nothing_outside_itself(which, request):
    text = request.getfixturevalue(which)
    assert "<script" not in text.lower()
    assert not EXTERNAL.findall(text)
    assert not re.findall(r"https?://", text)  # sources are site names kept as text, never links
    assert "<link" not in text.lower()
    assert text.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in text
    assert "@page { size: A4" in text
    assert "break-before: page" in text and "break-inside: avoid" in text


def test_html_report_escapes_the_scenario_name_and_note(hd_html):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hd_html
    assert XSS not in hd_html
    assert "&lt;b&gt;đậm&lt;/b&gt;" in hd_html and "<b>đậm</b>" not in hd_html


def test_html_report_content_in_vietnamese(hd_html, hd_pack):
    for text in ("Hải Dương (cũ): Kế hoạch 3413/KH-UBND", "3413/KH-UBND", "chỉ tiêu có khả năng đạt",
                 "Bảng điểm các chỉ tiêu", "Số liệu năm gốc 2022 và nguồn", "Phương pháp", "tam giác",
                 "thang IPCC", "Liên Hợp Quốc", "Hải Phòng", f"Phiên bản công cụ</dt><dd>{__version__}",
                 "asemconnectvietnam.gov.vn", "⚠ Ước tính"):
        assert text in hd_html, text
    for target in hd_pack.targets:
        assert target.label_vi in hd_html
    # The changed levers with both values (preset, scenario), formatted as on screen.
    assert "Số HTX thành lập mới mỗi năm" in hd_html and "15,0" in hd_html and "24,0" in hd_html
    assert "6,00 %" in hd_html and "9,00 %" in hd_html
    assert "English" not in hd_html


def test_html_report_in_english(nq_html):
    for text in ("Vietnam: Resolution 20-NQ/TW", "Target scorecard", "likely met", "Method", "birth–death",
                 "Bass", "IPCC", "progress ratio", "Cả nước &amp; &lt;b&gt;thử&lt;/b&gt;"):
        assert text in nq_html, text
    assert "No assumption differs from the preset" in nq_html


def test_chart_files_keep_the_number_locale(nq_pack):
    computed = results.compute(scenario("vietnam-nq20", draws=200))
    svg_vi = report.chart_svg(report.fan(computed, "tht", "vi"))
    svg_en = report.chart_svg(report.fan(computed, "tht", "en"))
    # Thousands separated the Vietnamese way (100.000) and the English way (100,000) on the axis.
    assert svg_vi.startswith("<svg") and ">100.000<" in svg_vi
    assert ">100,000<" in svg_en
    png = report.chart_png(report.fan(computed, "good_fair_share", "vi"), scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    spec = report.print_spec(charts.fan_chart(computed.traj, "htx", None, nq_pack.targets, nq_pack, "vi"))
    assert spec["config"]["locale"] == charts.LOCALES["vi"]


# --- Comparison -------------------------------------------------------------------------------------------

def test_comparison_has_one_column_per_scenario_and_escapes_names():
    scenarios = [scenario(), scenario(preset="plan-pace", name="<img src=x onerror=alert(1)>"),
                 scenario(preset="optimistic")]
    text = report.comparison_html(scenarios, "vi")
    table = text[text.index('<table class="compare"'):text.index("</table>", text.index('<table class="compare"'))]
    assert table.count('class="scn"') == 3
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "<img" not in text
    assert "<script" not in text and not EXTERNAL.findall(text)
    assert text.count("<svg") == 9
    assert "Giả định khác nhau" in text and "Số HTX thành lập mới mỗi năm" in text


def test_comparison_needs_two_to_four_scenarios_of_one_pack():
    with pytest.raises(PlannerError):
        report.comparison_html([scenario()], "en")
    with pytest.raises(PlannerError):
        report.comparison_html([scenario()] * 5, "en")
    with pytest.raises(PlannerError):
        report.comparison_html([scenario(), scenario("vietnam-nq20")], "en")


# --- CSV ------------------------------------------------------------------------------------------------

def test_csv_files_start_with_the_bom_and_hold_fractions(hd_data):
    traj = report.trajectories_csv(hd_data)
    score = report.scorecard_csv(hd_data, "vi")
    assert traj.startswith(b"\xef\xbb\xbf") and score.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(traj.decode("utf-8-sig"))))
    expected = projection_rows(hd_data)
    assert len(rows) == len(expected)
    assert all(float(r["p50"]) == tidy(e["p50"]) and r["indicator"] == e["indicator"]
               for r, e in zip(rows, expected, strict=True))
    assert not any(len(r["deterministic"].split(".")[-1]) > 10 for r in rows)  # no 135.90000000000003
    shares = [r for r in rows if r["indicator"] == "good_fair_share"]
    assert all(0 <= float(r["p50"]) <= 1 for r in shares)
    scored = list(csv.DictReader(io.StringIO(score.decode("utf-8-sig"))))
    assert list(scored[0])[:3] == ["mã", "chỉ tiêu", "năm"]
    assert scored[0]["chỉ tiêu"] == "Thành lập mới 30 tổ hợp tác"
    targets = assessment_json(hd_data)["targets"]
    assert [float(r["xác suất"]) for r in scored] == [tidy(t["probability"]) for t in targets]


# --- Groups of the Present page ----------------------------------------------------------------------------

@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_every_target_is_in_exactly_one_group_with_a_driving_lever(pack_id):
    pack = load_pack(pack_id)
    groups = results.target_groups(pack)
    ids = [t.id for _, targets in groups for t in targets]
    assert sorted(ids) == sorted(pack.target_ids)
    assert groups[0][0].id == "founding"
    for group, targets in groups:
        assert results.main_indicator(group, targets) in {t.indicator for t in targets}
        for t in targets:
            if t.modelled:  # a target with no projection has nothing to drive
                assert results.driving_lever(pack, t) in {lv.id for lv in pack.levers}
    assert [g.id for g, _ in results.target_groups(load_pack("hai-duong-2023"))] == [
        "founding", "quality", "technology", "linkage", "households"]


# --- Files and the command line ---------------------------------------------------------------------------

def test_write_report_rejects_bad_formats_and_folders(tmp_path):
    with pytest.raises(PlannerError):
        report.write_report(scenario(), "pdf", tmp_path / "x.pdf", "vi")
    with pytest.raises(PlannerError, match="folder"):
        report.write_report(scenario(), "xlsx", tmp_path / "missing" / "x.xlsx", "en")
    with pytest.raises(PlannerError):
        report.write_report(scenario(), "xlsx", tmp_path, "en")
    out = report.write_report(scenario(), "xlsx", tmp_path / "r.xlsx", "en")
    assert out == tmp_path / "r.xlsx" and openpyxl.load_workbook(out).sheetnames[0] == "Scorecard"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]  # no temporary file left behind


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_cli_writes_the_html_report(tmp_path):
    out = tmp_path / "bao-cao.html"
    proc = run_cli("report", "--format", "html", "--out", str(out), "--draws", "500", "--set", "htx_new_per_year=20")
    assert proc.returncode == 0, proc.stderr
    assert str(out) in proc.stdout
    text = out.read_text(encoding="utf-8")
    assert text.count("<svg") == 9 and "<script" not in text
    assert "20,0" in text  # the --set lever, in the changed-levers table


def test_cli_writes_the_workbook(tmp_path):
    out = tmp_path / "report.xlsx"
    proc = run_cli("report", "--format", "xlsx", "--out", str(out), "--draws", "500", "--lang", "en",
                   "--pack", "vietnam-nq20")
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Scorecard", "Trajectories", "Assumptions", "Baseline", "Method"]
    expected = assessment_json(scenario("vietnam-nq20", draws=500))["targets"]
    assert [r["p50"] for r in rows_of(wb["Scorecard"])] == [tidy(t["p50"]) for t in expected]


@pytest.mark.parametrize("out", ["missing-folder/x.html", "."])
def test_cli_bad_out_gives_exit_2_and_one_line(tmp_path, out):
    proc = run_cli("report", "--format", "html", "--out", str(tmp_path / out), "--lang", "en")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in proc.stderr


def test_counts_of_assumptions_read_right_in_both_languages():
    from planner.text import assumptions

    assert assumptions(1, "en") == "1 assumption"
    assert assumptions(3, "en") == "3 assumptions"
    assert assumptions(0, "en") == "0 assumptions"
    assert assumptions(1, "vi") == "1 giả định"
    assert assumptions(3, "vi") == "3 giả định"


# --- Hostile names in every format -------------------------------------------------------------------------

HOSTILE = [XSS, '=HYPERLINK("http://x")', "+1-2", "@SUM(A1)"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_name_is_plain_text_in_every_format(name):
    import docx

    data = scenario(name=name, note=name, draws=200)
    page = report.html_report(data, "en")
    assert html.escape(name, quote=True) in page and (name == html.escape(name) or name not in page)
    wb = openpyxl.load_workbook(io.BytesIO(report.xlsx_report(data, "en")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == name]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)  # the scenario and its note
    assert not any(c.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    doc = docx.Document(io.BytesIO(report.docx_report(data, "en")))
    assert any(name in p.text for p in doc.paragraphs)


def test_csv_cells_cannot_run_as_formulas():
    from planner.report.csv import csv_bytes, safe_cell

    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+1-2") == "'+1-2" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("\t=1") == "'\t=1"
    assert safe_cell("-0.25") == "-0.25" and safe_cell(-0.25) == -0.25  # numbers stay numbers
    assert safe_cell("Hải Dương") == "Hải Dương"
    rows = list(csv.reader(io.StringIO(csv_bytes([{"a": "=1+1", "b": "-3"}], ["a", "b"]).decode("utf-8-sig"))))
    assert rows == [["a", "b"], ["'=1+1", "-3"]]
    for data in (report.scorecard_csv(scenario(draws=200), "vi"), report.trajectories_csv(scenario(draws=200))):
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            assert not any(c[:1] in ("=", "+", "@") for c in row)


def test_report_charts_mark_estimates_part_year_counts_and_other_definitions(hd_html, hd_data):
    # The charts drawn into the report carry the legend entries of the points they show.
    assert "Một phần năm" in hd_html  # new HTX 2020: January–September only
    assert "Định nghĩa khác" in hd_html  # good/fair 2023: "operating effectively"
    en = report.html_report(hd_data, "en")
    assert "Part of a year" in en and "Other definition" in en and "Estimate" in en

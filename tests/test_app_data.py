"""The Data and method page (AppTest): baseline with estimate flags, uploads of actual figures,
the calibration of the national pack, the method and the administrative changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.packs import load_pack
from planner.registry import INDICATOR_BY_ID
from tests.apptest import open_app
from tests.conftest import ALL_PACKS

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/data.py"
GOOD = "chỉ tiêu,năm,giá trị,nguồn,ghi chú\nhtx,2024,530,Sở Tài chính,12/2024\ntht,2024,790,,\n".encode()
BAD = b"indicator,year,value\nhtx,2024,many\n"
PERCENT = b"indicator,year,value\ngood_fair_share,2024,58\n"


def start(monkeypatch, tmp_path, lang: str | None = None, pack: str | None = None) -> AppTest:
    return open_app(monkeypatch, tmp_path / "scenarios.sqlite", PAGE, query={"pack": pack} if pack else None,
                    lang=lang)


@pytest.fixture
def at(monkeypatch, tmp_path) -> AppTest:
    return start(monkeypatch, tmp_path)


def tables(at: AppTest):
    return [e.value for e in (*at.main.dataframe, *at.main.table)]


def unescape(text: str) -> str:
    return text.replace("\\", "")


def uploaded(at: AppTest, pack: str = "hai-duong-2023") -> tuple:
    return at.session_state["uploaded_actuals"].get(pack, ()) if "uploaded_actuals" in at.session_state else ()


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader(key="actuals_upload").upload(name, data, "text/csv")
    at.run()
    assert not at.exception, at.exception


# --- Baseline, history, method ---------------------------------------------------------------------

@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_every_baseline_row_is_shown_with_its_estimate_flag(monkeypatch, tmp_path, pack_id):
    at = start(monkeypatch, tmp_path, pack=pack_id)
    pack = load_pack(pack_id)
    assert at.session_state["scenario"]["pack"] == pack_id
    baseline = tables(at)[0]
    assert len(baseline) == len(pack.baseline)
    assert list(baseline["Chỉ số"]) == [INDICATOR_BY_ID[i].vi for i in pack.baseline]
    flags = ["Ước tính" in cell for cell in baseline["Loại số liệu"]]
    assert flags == [o.estimate for o in pack.baseline.values()]
    assert all(("Công bố" in cell) != est for cell, est in zip(baseline["Loại số liệu"], flags, strict=True))
    assert all(baseline["Nguồn"])  # every figure names its source
    assert any("ước tính" in w.value for w in at.warning)


def test_english_labels_estimates(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, lang="en")
    baseline = tables(at)[0]
    assert set(baseline["Kind of figure"]) == {"⚠ Estimate", "✔ Published"}
    assert at.main.title[0].value == "Data and method"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_history_and_actual_notes_follow_the_language(monkeypatch, tmp_path, lang):
    at = start(monkeypatch, tmp_path, lang=None if lang == "vi" else lang)
    pack = load_pack("hai-duong-2023")
    column = "Ghi chú" if lang == "vi" else "Note"
    shown = {note for t in tables(at) if column in t for note in t[column]}
    for o in (*pack.series, *pack.actuals):
        if o.note:
            assert o.note_in(lang) in shown, o
            assert (o.note if lang == "vi" else o.note_vi) not in shown, o
    assert "Năm gốc." in shown if lang == "vi" else "Base year." in shown


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_history_and_actual_figures_say_what_each_is(monkeypatch, tmp_path, lang):
    at = start(monkeypatch, tmp_path, lang=None if lang == "vi" else lang)
    kind, year, value = (("Loại số liệu", "Năm", "Giá trị") if lang == "vi" else ("Kind of figure", "Year", "Value"))
    shown = {(str(r[year]), r[value]): r[kind] for t in tables(at) if kind in t and year in t
             for _, r in t.iterrows()}
    expected = ({("2021", "15"): "⚠ Ước tính", ("2020", "4"): "⚠ Một phần năm", ("2023", "58,0\u00a0%"): "⚠ Định nghĩa khác"}
                if lang == "vi" else
                {("2021", "15"): "⚠ Estimate", ("2020", "4"): "⚠ Part of a year", ("2023", "58.0\u00a0%"): "⚠ Other definition"})
    for key, text in expected.items():
        assert shown.get(key) == text, (key, shown)


def test_metadata_method_and_administrative_changes(at):
    text = " ".join(unescape(m.value) for m in at.main.markdown)
    assert "3413/KH-UBND" in text and "13/09/2023" in text and "2022" in text
    for words in ("Poisson", "nhị thức", "Bass", "tam giác", "5.000", "IPCC", "0,95", "99,5 %",
                  "01/01/2023", "tốt, khá", "tỷ lệ HTX liên kết", "20/02/2025", "01/07/2025", "Hải Phòng",
                  "tỉnh Hải Dương cũ"):
        assert words in text, words
    assert at.info and "Hải Phòng" in unescape(at.info[0].value)  # the pack's area note


def test_national_pack_shows_its_calibration(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, pack="vietnam-nq20")
    labels = [m.label for m in at.main.metric]
    assert labels.count("RMSE") == len(load_pack("vietnam-nq20").fits) >= 1
    assert any(label.startswith("λ0") for label in labels)
    assert at.get("vega_lite_chart")  # observed vs fitted
    from planner.monitoring import evidence_for, refit

    pack = load_pack("vietnam-nq20")
    fit = refit(pack, evidence_for(pack)).fits["htx"]  # the fit on the series extended by the actual figures
    assert 2025 in fit.years
    values = [m.value for m in at.main.metric]
    assert f"{fit.new_per_year:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".") in values


def test_hai_duong_has_no_fit_section(at):
    assert "RMSE" not in [m.label for m in at.main.metric]


# --- Uploads -----------------------------------------------------------------------------------------

def test_good_upload_then_bad_upload_keeps_the_previous_figures(at):
    upload(at, "thuc-te.csv", GOOD)
    assert [(o.indicator, o.year, o.value) for o in uploaded(at)] == [("htx", 2024, 530.0), ("tht", 2024, 790.0)]
    assert at.success and "2 dòng" in at.success[0].value
    assert any(len(t) == 2 and "Số hợp tác xã" in list(t.iloc[:, 0]) for t in tables(at))  # rows shown

    upload(at, "hong.csv", BAD)
    assert at.error and "many" in unescape(at.error[0].value)
    assert [(o.indicator, o.value) for o in uploaded(at)] == [("htx", 530.0), ("tht", 790.0)]
    assert not at.success


def test_percentages_can_be_divided_by_100(at):
    upload(at, "phan-tram.csv", PERCENT)
    assert at.error and uploaded(at) == ()
    box = at.checkbox(key="actuals_percent_fix")
    box.check().run()
    assert not at.exception
    assert [(o.indicator, o.value) for o in uploaded(at)] == [("good_fair_share", pytest.approx(0.58))]
    assert at.success and not at.error
    assert at.warning  # the fix is reported


def test_a_bad_file_offers_no_percent_fix(at):
    upload(at, "hong.csv", BAD)
    with pytest.raises(KeyError):
        at.checkbox(key="actuals_percent_fix")


def test_clear_removes_the_uploaded_figures(at):
    upload(at, "thuc-te.csv", GOOD)
    assert uploaded(at)
    at.button(key="actuals_clear").click().run()
    assert uploaded(at) == ()
    with pytest.raises(KeyError):
        at.button(key="actuals_clear")


def test_the_template_is_offered(at):
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Tải tệp mẫu (CSV)" in labels


# --- Figures typed in one by one -------------------------------------------------------------------

def type_figure(at: AppTest, indicator: str, year: int, value: str, source: str = "", note: str = "") -> None:
    at.selectbox(key="actuals_entry_indicator").set_value(indicator)
    at.number_input(key="actuals_entry_year").set_value(year)
    at.text_input(key="actuals_entry_value").input(value)
    at.text_input(key="actuals_entry_source").input(source)
    at.text_input(key="actuals_entry_note").input(note)
    at.button(key="FormSubmitter:actuals_entry_form-Thêm số liệu").click().run()
    assert not at.exception, at.exception


def test_a_typed_share_in_percent_with_a_decimal_comma_is_added(at):
    type_figure(at, "good_fair_share", 2024, "61,3", "Sở Nông nghiệp", "báo cáo 6 tháng")
    figures = uploaded(at)
    assert len(figures) == 1
    assert (figures[0].indicator, figures[0].year) == ("good_fair_share", 2024)
    assert figures[0].value == pytest.approx(0.613)
    assert figures[0].source == "Sở Nông nghiệp" and figures[0].note == "báo cáo 6 tháng"
    assert any("Đã thêm số liệu Tỷ lệ HTX tốt, khá 2024: 61,3\u00a0%" in s.value.replace("\\", "") for s in at.success)
    assert at.text_input(key="actuals_entry_value").value == ""  # ready for the next figure
    # the source and note were this figure's: the next one does not inherit them unseen
    assert at.text_input(key="actuals_entry_source").value == "" and at.text_input(key="actuals_entry_note").value == ""


def test_typing_the_same_indicator_and_year_corrects_the_figure(at):
    type_figure(at, "htx", 2024, "530")
    type_figure(at, "htx", 2025, "1.234")  # Vietnamese thousands separator, read as in a file
    type_figure(at, "htx", 2024, "531")
    assert [(o.year, o.value) for o in uploaded(at)] == [(2024, 531.0), (2025, 1234.0)]
    assert any("Đã sửa số liệu" in s.value for s in at.success)


@pytest.mark.parametrize(("indicator", "value", "words"), [
    ("htx", "abc", "không phải là số"),
    ("htx", "-3", "không thể âm"),
    ("good_fair_share", "130", "từ 0 đến 100"),
    ("htx", "", "chưa nhập giá trị"),
])
def test_a_bad_typed_value_is_refused_and_the_figures_stay(at, indicator, value, words):
    type_figure(at, "htx", 2024, "530")
    type_figure(at, indicator, 2025, value)
    assert [(o.year, o.value) for o in uploaded(at)] == [(2024, 530.0)]
    errors = [e.value for e in at.error]
    assert any("ô Giá trị" in e and words in e for e in errors), errors


def test_chosen_rows_are_removed_and_the_figures_can_be_downloaded(at):
    for year, value in ((2024, "530"), (2025, "540"), (2026, "550")):
        type_figure(at, "htx", year, value)
    at.multiselect(key="actuals_remove").set_value(["htx|2025"]).run()
    at.button(key="actuals_remove_chosen").click().run()
    assert [o.year for o in uploaded(at)] == [2024, 2026]
    assert any("Đã xóa 1 dòng số liệu" in s.value for s in at.success)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Tải số liệu này (CSV)" in labels  # the session's figures, to upload again another day


def test_rows_to_remove_are_chosen_by_indicator_and_year_not_by_position(at):
    type_figure(at, "htx", 2024, "530")
    type_figure(at, "htx", 2026, "550")
    at.multiselect(key="actuals_remove").set_value(["htx|2026"]).run()
    type_figure(at, "htx", 2025, "540")  # sorts between the two: positions shift, the choice starts afresh
    assert not at.multiselect(key="actuals_remove").value
    at.multiselect(key="actuals_remove").set_value(["htx|2026"]).run()
    at.button(key="actuals_remove_chosen").click().run()
    assert [o.year for o in uploaded(at)] == [2024, 2025]


def test_an_uploaded_file_adds_to_typed_figures_and_says_what_it_replaced(at):
    type_figure(at, "htx", 2024, "530")
    type_figure(at, "htx", 2025, "540")
    upload(at, "f.csv", "chỉ tiêu,năm,giá trị\nhtx,2025,545\ntht,2024,100\n".encode())
    assert sorted((o.indicator, o.year, o.value) for o in uploaded(at)) == [
        ("htx", 2024, 530.0), ("htx", 2025, 545.0), ("tht", 2024, 100.0)]
    message = " ".join(s.value for s in at.success)
    assert "1 số liệu cùng chỉ tiêu và năm đã được thay" in message and "1 số liệu khác đã có được giữ nguyên" in message


def test_a_refused_typed_value_drops_a_file_waiting_to_be_divided_by_100(at):
    type_figure(at, "htx", 2024, "530")
    upload(at, "p.csv", "chỉ tiêu,năm,giá trị\ngood_fair_share,2024,58\n".encode())
    assert "actuals_pending" in at.session_state
    type_figure(at, "htx", 2025, "abc")
    assert "actuals_pending" not in at.session_state
    assert not any(c.key == "actuals_percent_fix" for c in at.checkbox)
    assert [(o.indicator, o.value) for o in uploaded(at)] == [("htx", 530.0)]


# --- What a typed or uploaded figure is (its basis) --------------------------------------------------

def test_the_typed_figure_form_asks_what_the_figure_is_and_starts_from_published(at):
    box = at.selectbox(key="actuals_entry_basis")
    assert box.label == "Loại số liệu" and box.value == "published"
    assert box.options == ["Số liệu công bố", "Ước tính", "Một phần năm", "Định nghĩa khác"]
    at.selectbox(key="actuals_entry_basis").set_value("part_year")
    type_figure(at, "new_htx", 2025, "4", "Sở Tài chính", "tháng 1–6")
    figure = uploaded(at)[0]
    assert (figure.basis, figure.use) == ("part_year", False)  # kept and charted, not used, as in a pack
    kinds = [k for t in tables(at) if "Loại số liệu" in t for k in t["Loại số liệu"]]
    assert "⚠ Một phần năm · ↑ Tải lên / nhập" in kinds, kinds
    assert at.selectbox(key="actuals_entry_basis").value == "published"  # the next figure starts afresh
    type_figure(at, "htx", 2024, "530")
    assert {o.indicator: o.basis for o in uploaded(at)} == {"new_htx": "part_year", "htx": "published"}
    kinds = [k for t in tables(at) if "Loại số liệu" in t for k in t["Loại số liệu"]]
    assert "✔ Công bố · ↑ Tải lên / nhập" in kinds


def test_an_uploaded_basis_is_read_and_an_unknown_one_refused(at):
    """(The English message: tests/test_actuals_basis.py.)"""
    upload(at, "a.csv", "chỉ tiêu,năm,giá trị,loại số liệu\nhtx,2024,530,ước tính\n".encode())
    assert [(o.basis, o.estimate) for o in uploaded(at)] == [("estimate", True)]
    upload(at, "b.csv", b"indicator,year,value,basis\ntht,2024,790,guess\n")
    errors = " ".join(e.value for e in at.error)
    words = ["b.csv, dòng 2, cột D", "loại số liệu 'guess' không hợp lệ", "một phần năm (part_year)"]
    assert all(w in unescape(errors) for w in words), errors
    assert [o.indicator for o in uploaded(at)] == ["htx"]  # the last good figures stay

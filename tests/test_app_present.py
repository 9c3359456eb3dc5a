"""The Present page (AppTest): title screen, one screen per target group, language, downloads.

Every test runs the real app (app.py, navigation, sidebar) against a scenario store in a temporary
file (PLANNER_DB), so the real database is never touched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner import results
from planner.packs import load_pack
from planner.scenario import new_scenario
from tests.apptest import open_app
from tests.conftest import ALL_PACKS

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/present.py"
XSS = "<script>alert(1)</script>"


def start(monkeypatch, tmp_path) -> AppTest:
    # The downloads expander is lazy: open it, as a user would.
    return open_app(monkeypatch, tmp_path / "scenarios.sqlite", PAGE, session={"present_downloads": True})


@pytest.fixture
def at(monkeypatch, tmp_path) -> AppTest:
    return start(monkeypatch, tmp_path)


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def english(at: AppTest) -> AppTest:
    at.session_state["lang"] = "en"
    at.session_state["language_choice"] = "en"
    at.run()
    assert not at.exception, at.exception
    return at


def test_title_screen_shows_plan_scenario_and_k_of_n(at):
    texts = markdown(at)
    assert any(re.fullmatch(r"\d+/11", t) for t in texts), texts
    assert "chỉ tiêu có khả năng đạt" in texts
    assert any(t.startswith("1 / 6") for t in texts)
    assert at.title[0].value.replace("\\", "") == "Hải Dương (cũ): Kế hoạch 3413/KH-UBND"
    assert [t.value for t in at.text] == ["Kịch bản mẫu “Xu hướng”"]
    assert any("rất ít khả năng" in t for t in texts)  # the likelihood bands, with their symbols
    assert at.button(key="present_prev").disabled
    assert not at.button(key="present_next").disabled


def test_next_moves_to_the_founding_screen_with_a_goal_seek_sentence(at):
    at.button(key="present_next").click().run()
    assert not at.exception, at.exception
    texts = markdown(at)
    assert at.header[0].value == "Thành lập và số lượng tổ chức"
    assert any(t.startswith("2 / 6") for t in texts)
    for label in ("Thành lập mới 30 tổ hợp tác", "Thành lập mới 180 hợp tác xã", "Thành lập mới 02 liên hiệp"):
        assert any(label in t for t in texts), label
    assert any(t.startswith("Dự báo: **") and "khoảng 80 %" in t for t in texts)
    sentence = next(t for t in texts if t.startswith("**Cần gì để đạt?**"))
    assert "cần ít nhất" in sentence or "Ngoài tầm với" in sentence
    assert len(at.get("vega_lite_chart")) == 1
    at.button(key="present_prev").click().run()
    assert any(t.startswith("1 / 6") for t in markdown(at))


def test_every_screen_of_every_pack_draws_without_an_error(at):
    assert len(results.target_groups(load_pack("hai-duong-2023"))) + 1 == 6
    for pack in ALL_PACKS:
        groups = results.target_groups(load_pack(pack))
        screens = len(groups) + 1
        at.session_state["scenario"] = {**new_scenario(pack), "draws": 1000}
        at.session_state["present_screen"] = 0
        at.run()
        for number, (_, targets) in zip(range(2, screens + 1), groups, strict=True):
            at.button(key="present_next").click().run()
            assert not at.exception, (pack, number, at.exception)
            assert any(t.startswith(f"{number} / {screens}") for t in markdown(at)), (pack, number)
            projected = any(t.modelled for t in targets)
            # A group of targets with no projection says so, with neither chart nor "what would it take".
            assert any(t.startswith("**Cần gì để đạt?**") for t in markdown(at)) == projected, (pack, number)
            assert len(at.get("vega_lite_chart")) == (1 if projected else 0)
            for t in targets:
                if not t.modelled:
                    assert any("không dự báo" in m for m in markdown(at)), (pack, t.id)
        assert at.button(key="present_next").disabled


def test_present_in_english(at):
    english(at)
    texts = markdown(at)
    assert "targets likely met" in texts
    assert at.title[0].value.replace("\\", "") == "Former Hải Dương province: Plan 3413/KH-UBND"
    at.button(key="present_next").click().run()
    texts = markdown(at)
    assert at.header[0].value == "Founding and number of organisations"
    assert any("180 new cooperatives founded" in t for t in texts)
    assert any(t.startswith("**What would it take?**") for t in texts)
    assert not any("Cần gì" in t or "khả năng" in t for t in texts)


def test_a_download_button_for_each_format(at):
    labels = [b.proto.label for b in at.get("download_button")]
    for label in ("Báo cáo Word (Nghị định 30)", "Báo cáo so sánh (Word)", "Báo cáo HTML (in A4)", "Sổ tính Excel", "Quỹ đạo (CSV)", "Bảng điểm (CSV)", "PNG", "SVG",
                  "Báo cáo so sánh (HTML)"):
        assert label in labels, labels
    assert all(b.proto.deferred_file_id for b in at.get("download_button"))  # made only when pressed
    english(at)
    labels = [b.proto.label for b in at.get("download_button")]
    for label in ("Word report", "Comparison report (Word)", "HTML report (A4 print)", "Excel workbook", "Trajectories (CSV)", "Scorecard (CSV)",
                  "Comparison report (HTML)"):
        assert label in labels, labels


def test_scenario_name_is_plain_text(at):
    at.session_state["scenario"] = {**new_scenario(), "name": XSS + " Hải Dương"}
    at.run()
    assert not at.exception
    assert XSS + " Hải Dương" in [t.value for t in at.text]
    assert not any("<script" in t for t in markdown(at))
    styles = at.get("html")
    assert styles and not any("<script" in h.proto.body or "Hải Dương" in h.proto.body for h in styles)


def test_closed_downloads_draw_nothing(at):
    at.session_state["present_downloads"] = False
    at.run()
    assert not at.exception
    assert len(at.get("download_button")) == 0
    assert len(at.expander) == 1


def test_comparison_download_needs_two_scenarios(at):
    select = at.multiselect(key="dl_compare_hai-duong-2023")
    assert len(select.value) == 2
    assert not next(b for b in at.get("download_button") if b.proto.label == "Báo cáo so sánh (HTML)").proto.disabled
    select.set_value(["current"]).run()
    assert next(b for b in at.get("download_button") if b.proto.label == "Báo cáo so sánh (HTML)").proto.disabled

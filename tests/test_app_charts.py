"""Charts (ui/charts.py) and the Trajectories, Compare and Sensitivity pages (AppTest).

The chart tests read the Vega-Lite spec (``chart.to_dict()``, validated against the schema by
Altair) and, once, the SVG that Vega draws from it, so a wrong locale shows as "140,000".
The page tests run the real app (app.py, navigation, sidebar) against a scenario store in a
temporary file (PLANNER_DB).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from planner import charts
from planner.assess import assess, goal_seek, tornado
from planner.fmt import lever_value
from planner.model import Settings, levers_affecting, project
from planner.results import observations_frame, tidy_trajectories
from planner.store import ScenarioStore
from tests.apptest import open_app

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(draws=400)


# --- Helpers --------------------------------------------------------------------------------------

def tidy(pack, values=None, settings=SETTINGS) -> pd.DataFrame:
    """Tidy trajectories as the app builds them (year, indicator, deterministic, mean, p10, p50, p90)."""
    return tidy_trajectories(project(pack, values or pack.preset("trend"), settings))


def observations(pack, uploaded: tuple = ()) -> pd.DataFrame:
    return observations_frame(pack, uploaded)


def layers(spec: dict) -> dict[str, dict]:
    return {layer["name"]: layer for layer in spec["layer"] if "name" in layer}


def rows(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


@pytest.fixture(scope="module")
def hd_traj(hd_pack):
    return tidy(hd_pack)


# --- Fan chart ------------------------------------------------------------------------------------

def test_fan_chart_has_band_median_central_plan_observations_targets_and_milestones(hd_pack, hd_traj):
    spec = charts.fan_chart(hd_traj, "good_fair_share", observations(hd_pack), hd_pack.targets, hd_pack, "vi").to_dict()
    named = layers(spec)
    assert {"band", "median", "central", "plan", "observations", "targets", "rules"} <= set(named)

    band = named["band"]
    assert band["mark"]["type"] == "area"
    assert band["encoding"]["y2"]["field"] == "p90"
    assert [r["value"] for r in rows(spec, band)] == pytest.approx(
        hd_traj.query("indicator == 'good_fair_share'").sort_values("year")["p10"].tolist())
    assert named["median"]["mark"]["type"] == "line"
    assert [r["value"] for r in rows(spec, named["median"])] == pytest.approx(
        hd_traj.query("indicator == 'good_fair_share'").sort_values("year")["p50"].tolist())

    # Both targets of the indicator, each a point at its year, with label and threshold in the tooltip.
    targets = {r["year"]: r for r in rows(spec, named["targets"])}
    assert set(targets) == {2030, 2045}
    assert targets[2030]["value"] == pytest.approx(0.70)
    assert targets[2030]["threshold"] == "> 70,0\u00a0%"  # the "%" never wraps alone
    assert targets[2045]["value"] == pytest.approx(0.995)
    assert {t["field"] for t in named["targets"]["encoding"]["tooltip"]} >= {"label", "threshold", "year_text"}

    # The plan's straight line runs from the base-year value to each target.
    plan = pd.DataFrame(rows(spec, named["plan"]))
    for target_id, goal in (("good_fair_2030", 0.70), ("effective_2045", 0.995)):
        line = plan[plan["target"] == target_id].sort_values("year")
        assert line["value"].iloc[0] == pytest.approx(0.45) and line["year"].iloc[0] == 2022
        assert line["value"].iloc[-1] == pytest.approx(goal)
        assert np.allclose(np.diff(line["value"]), np.diff(line["value"])[0])

    assert sorted(r["year"] for r in rows(spec, named["rules"])) == [2030, 2045]
    assert named["plan"]["mark"]["strokeDash"]
    # Every layer carries a tooltip.
    for layer in spec["layer"]:
        assert layer["encoding"].get("tooltip"), layer["name"]


def test_shares_use_a_percent_axis_counts_do_not(hd_pack, hd_traj):
    share = charts.fan_chart(hd_traj, "linkage_share", None, hd_pack.targets, hd_pack, "vi").to_dict()
    count = charts.fan_chart(hd_traj, "htx", None, hd_pack.targets, hd_pack, "vi").to_dict()
    assert layers(share)["median"]["encoding"]["y"]["axis"]["format"] == ".0%"
    assert "%" not in layers(count)["median"]["encoding"]["y"]["axis"]["format"]


def test_number_locale_follows_the_language(hd_pack, hd_traj):
    vi = charts.fan_chart(hd_traj, "htx", None, hd_pack.targets, hd_pack, "vi").to_dict()
    en = charts.fan_chart(hd_traj, "htx", None, hd_pack.targets, hd_pack, "en").to_dict()
    assert vi["config"]["locale"]["number"]["decimal"] == ","
    assert vi["config"]["locale"]["number"]["thousands"] == "."
    assert en["config"]["locale"]["number"]["decimal"] == "."
    assert vi["layer"][0]["encoding"]["x"]["axis"]["format"] == "d"  # years never get a separator


def test_vietnamese_axis_reads_thousands_with_a_dot(nq_pack):
    import vl_convert  # a runtime requirement (reports render charts offline with it)
    traj = tidy(nq_pack)
    svg_vi = vl_convert.vegalite_to_svg(
        charts.fan_chart(traj, "tht", None, nq_pack.targets, nq_pack, "vi").properties(width=600).to_dict())
    svg_en = vl_convert.vegalite_to_svg(
        charts.fan_chart(traj, "tht", None, nq_pack.targets, nq_pack, "en").properties(width=600).to_dict())
    assert "100.000" in svg_vi and "100,000" not in svg_vi
    assert "100,000" in svg_en
    assert "2.030" not in svg_vi and "2030" in svg_vi


def test_observation_kinds_get_their_own_shapes(hd_pack, hd_traj):
    from planner.packs import Observation

    obs = observations(hd_pack, uploaded=(Observation("htx", 2024, 530.0, source="<b>tải lên</b>"),))
    spec = charts.fan_chart(hd_traj, "htx", obs, hd_pack.targets, hd_pack, "en").to_dict()
    points = layers(spec)["observations"]
    shape = points["encoding"]["shape"]["scale"]
    kinds = {"History": None, "Actual figures (plan pack)": None, "Uploaded actual figures": None}
    for label, mark in zip(shape["domain"], shape["range"], strict=True):
        if label in kinds:
            kinds[label] = mark
    assert None not in kinds.values() and len(set(kinds.values())) == 3
    assert {r["kind"] for r in rows(spec, points)} == {"history", "actual", "uploaded"}
    # Uploaded text is data for a tooltip, kept as it was typed.
    assert any(r["source"] == "<b>tải lên</b>" for r in rows(spec, points))


def _point_marks(spec: dict) -> dict[tuple[int, float], tuple[str, str, str]]:
    """(year, value) -> (legend entry, its shape, the tooltip's 'what the figure is') of each point."""
    points = layers(spec)["observations"]
    shape = points["encoding"]["shape"]["scale"]
    marks = dict(zip(shape["domain"], shape["range"], strict=True))
    return {(r["year"], round(r["value"], 4)): (r["series"], marks[r["series"]], r["basis_text"])
            for r in rows(spec, points)}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_point_says_what_it_is_estimate_part_year_published(hd_pack, hd_traj, lang):
    spec = charts.fan_chart(hd_traj, "new_htx", observations(hd_pack), hd_pack.targets, hd_pack, lang).to_dict()
    points = _point_marks(spec)
    estimate, part_year = points[(2021, 15.0)], points[(2020, 4.0)]
    if lang == "vi":
        assert estimate[0] == estimate[2] == "Ước tính"
        assert part_year[0] == part_year[2] == "Một phần năm"
    else:
        assert estimate[0] == estimate[2] == "Estimate"
        assert part_year[0] == part_year[2] == "Part of a year"
    # Their own marks, neither the published figures' circle nor the targets' diamond.
    assert len({estimate[1], part_year[1], "circle", "diamond"}) == 4
    # The legend lists the kinds present only: no "other definition" on this chart.
    domain = layers(spec)["observations"]["encoding"]["shape"]["scale"]["domain"]
    assert charts.series_label("other_definition", lang) not in domain
    assert charts.series_label("estimate", lang) in domain and charts.series_label("part_year", lang) in domain


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_good_fair_58_percent_is_marked_as_another_definition(hd_pack, hd_traj, lang):
    spec = charts.fan_chart(hd_traj, "good_fair_share", observations(hd_pack), hd_pack.targets, hd_pack,
                            lang).to_dict()
    points = _point_marks(spec)
    other = points[(2023, 0.58)]
    assert other[0] == other[2] == ("Định nghĩa khác" if lang == "vi" else "Other definition")
    base = points[(2022, 0.45)]
    assert base[2] == ("Số liệu công bố" if lang == "vi" else "Published figure")
    assert other[1] != base[1]


def test_yearly_foundings_show_the_required_pace_not_the_total(hd_pack, hd_traj):
    spec = charts.fan_chart(hd_traj, "new_htx", None, hd_pack.targets, hd_pack, "vi").to_dict()
    named = layers(spec)
    pace = rows(spec, named["plan"])
    assert {r["year"] for r in pace} == {2023, 2030}
    assert all(r["value"] == pytest.approx(180 / 8) for r in pace)
    assert rows(spec, named["targets"])[0]["short"] == "≈ 22,5/năm"
    # The base year has no foundings of its own: the band starts a year later.
    assert min(r["year"] for r in rows(spec, named["band"])) == 2023


def test_cumulative_chart_uses_the_central_total_and_the_simulated_range(hd_pack, hd_traj):
    target = hd_pack.target("new_htx_2030")
    result = next(r for r in assess(hd_pack, hd_pack.preset("trend"), SETTINGS) if r.id == target.id).as_dict()
    spec = charts.cumulative_chart(hd_traj, target, result, hd_pack, "vi").to_dict()
    named = layers(spec)
    central = rows(spec, named["central"])
    expected = hd_traj.query("indicator == 'new_htx' and 2023 <= year <= 2030")["deterministic"].sum()
    assert central[0]["year"] == 2022 and central[0]["value"] == 0
    assert central[-1]["year"] == 2030 and central[-1]["value"] == pytest.approx(expected)
    projected = rows(spec, named["projected"])[0]
    assert (projected["lo"], projected["value"], projected["hi"]) == pytest.approx(
        (result["p10"], result["p50"], result["p90"]))
    assert rows(spec, named["targets"])[0]["value"] == 180
    assert [r["year"] for r in rows(spec, named["rules"])] == [2030]


# --- Overlay --------------------------------------------------------------------------------------

def test_overlay_has_one_colour_per_scenario_in_order(hd_pack, hd_traj):
    optimistic = tidy(hd_pack, hd_pack.preset("optimistic"))
    names = ["Xu hướng", "<script>x</script> Lạc quan"]
    spec = charts.overlay_chart({names[0]: hd_traj, names[1]: optimistic}, "linkage_share", hd_pack, "vi",
                                hd_pack.targets).to_dict()
    named = layers(spec)
    colour = named["medians"]["encoding"]["color"]
    assert colour["scale"]["domain"] == names
    assert len(set(colour["scale"]["range"])) == 2
    medians = pd.DataFrame(rows(spec, named["medians"]))
    assert set(medians["scenario"]) == set(names)
    assert named["bands"]["mark"]["opacity"] < 0.3
    assert {r["year"] for r in rows(spec, named["targets"])} == {2030, 2045}
    assert named["medians"]["encoding"]["y"]["axis"]["format"] == ".0%"


# --- Tornado --------------------------------------------------------------------------------------

def test_tornado_has_one_bar_per_lever_sorted_by_width(hd_pack):
    swings = pd.DataFrame([s.as_dict() for s in tornado(hd_pack, hd_pack.preset("trend"), "good_fair_2030",
                                                        SETTINGS)])
    shuffled = swings.sample(frac=1, random_state=3)  # the chart sorts; it does not trust the order given
    target = hd_pack.target("good_fair_2030")
    spec = charts.tornado_chart(shuffled, target, hd_pack, "en").to_dict()
    named = layers(spec)
    bars = rows(spec, named["bars"])
    assert len(bars) == len(swings) == len({b["lever"] for b in bars})
    widths = [b["width"] for b in bars]
    assert widths == sorted(widths, reverse=True)
    assert named["bars"]["encoding"]["y"]["sort"] == [b["label_lines"] for b in bars]  # the names, wrapped
    assert [b["label_lines"].replace("\n", " ") for b in bars] == [b["label"] for b in bars]
    widest = swings.loc[(swings["value_at_high"] - swings["value_at_low"]).abs().idxmax(), "lever"]
    assert bars[0]["lever"] == widest and bars[0]["label"] == hd_pack.lever(widest).label("en")
    tips = {t["field"] for t in named["bars"]["encoding"]["tooltip"]}
    assert {"low_text", "high_text", "p_low_text", "p_high_text"} <= tips
    assert named["bars"]["encoding"]["x"]["axis"]["format"] == ".0%"
    assert "reference_base" in named and "reference_target" in named


# --- Pages (AppTest) ------------------------------------------------------------------------------

def start(monkeypatch, tmp_path, page: str, query: dict | None = None) -> AppTest:
    return open_app(monkeypatch, tmp_path / "scenarios.sqlite", page, query)


def to_english(at: AppTest) -> None:
    at.session_state["lang"] = "en"
    at.session_state["language_choice"] = "en"  # the sidebar's switch, kept in step
    at.run()


@pytest.mark.parametrize("page, vi_title, en_title", [
    ("pages/trajectories.py", "Quỹ đạo", "Trajectories"),
    ("pages/compare.py", "So sánh kịch bản", "Compare scenarios"),
    ("pages/sensitivity.py", "Độ nhạy và điều kiện để đạt", "Sensitivity and what it takes"),
])
def test_page_runs_in_vietnamese_and_english(monkeypatch, tmp_path, page, vi_title, en_title):
    at = start(monkeypatch, tmp_path, page)
    assert at.title[0].value == vi_title
    to_english(at)
    assert not at.exception, at.exception
    assert at.title[0].value == en_title


def test_trajectories_draw_every_targeted_indicator_and_offer_the_csv(monkeypatch, tmp_path, hd_pack):
    at = start(monkeypatch, tmp_path, "pages/trajectories.py")
    indicators = {t.indicator for t in hd_pack.targets}
    new_targets = [t for t in hd_pack.targets if t.kind == "new"]
    assert len(at.get("vega_lite_chart")) == len(indicators) + len(new_targets)
    estimates = [c.value for c in at.caption if "ước tính" in c.value]
    assert any("26" in text for text in estimates)  # the high-technology base value is an estimate
    assert any("22,5/năm" in c.value for c in at.caption)  # the pace the 180 foundings need

    multiselect = at.multiselect(key="traj_indicators_hai-duong-2023_vi")
    multiselect.set_value(["htx", "good_fair_share"]).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 2

    # A change of language keeps the choice, and the chips speak the new language.
    at.button_group(key="language_choice").set_value("en").run()
    english = at.multiselect(key="traj_indicators_hai-duong-2023_en")
    assert english.value == ["htx", "good_fair_share"]
    assert "Cooperatives (HTX)" in english.options


def test_compare_shows_a_row_per_target_and_highlights_differences(monkeypatch, tmp_path, hd_pack):
    at = start(monkeypatch, tmp_path, "pages/compare.py")
    at.multiselect(key="cmp_choice_hai-duong-2023_vi").set_value(["preset:trend", "preset:optimistic"]).run()
    assert not at.exception, at.exception
    table = at.table[0]
    frame = table.value
    assert len(frame) == len(hd_pack.targets)
    assert list(frame.columns) == ["Chỉ tiêu", "Năm", "Xu hướng", "Lạc quan"]
    assert all(re.fullmatch(r"(▲▲|▲|●|▼|▼▼) \d+\u00a0%", cell) for cell in frame["Lạc quan"])

    # Cells styled with the highlight are exactly the optimistic cells that differ from the trend.
    css = table.proto.arrow_data.styler.styles
    highlighted = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if "#fff3bf" in body:
            highlighted |= {(int(r), int(c)) for r, c in re.findall(r"row(\d+)_col(\d+)", selectors)}
    differ = {(i, 3) for i in range(len(frame)) if frame["Lạc quan"][i] != frame["Xu hướng"][i]}
    assert differ and highlighted == differ

    diff = at.dataframe[0].value
    assert len(diff) == len(hd_pack.targets) and "Lạc quan" in diff.columns
    levers = at.dataframe[1].value
    assert "Số HTX thành lập mới mỗi năm" in set(levers["Giả định"])
    assert len(at.get("vega_lite_chart")) == 1


def test_compare_asks_for_two_and_caps_at_four(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, "pages/compare.py")
    picker = at.multiselect(key="cmp_choice_hai-duong-2023_vi")
    picker.set_value(["current"]).run()
    assert not at.exception
    assert at.info and "ít nhất hai" in at.info[0].value
    assert not at.dataframe

    picker = at.multiselect(key="cmp_choice_hai-duong-2023_vi")
    assert picker.proto.max_selections == 4  # the picker itself stops at four
    picker.set_value(["current", "preset:trend", "preset:plan-pace", "preset:optimistic"]).run()
    assert not at.exception, at.exception
    assert list(at.table[0].value.columns)[2:] == ["Đang dùng", "Xu hướng", "Nhịp kế hoạch", "Lạc quan"]


def test_compare_lists_saved_scenarios_with_their_names_as_plain_text(monkeypatch, tmp_path, hd_pack):
    name = "<b>Kịch bản *A*</b>"
    scenario_id, _ = ScenarioStore(tmp_path / "scenarios.sqlite").save(
        {"pack": hd_pack.id, "preset": "trend", "levers": {"htx_new_per_year": 30}}, name=name)
    at = start(monkeypatch, tmp_path, "pages/compare.py")
    picker = at.multiselect(key="cmp_choice_hai-duong-2023_vi")
    assert f"saved:{scenario_id}" in picker.options or any(name in o for o in picker.options)
    picker.set_value(["current", f"saved:{scenario_id}"]).run()
    assert not at.exception, at.exception
    assert name in at.table[0].value.columns
    levers = at.dataframe[1].value
    assert list(levers["Giả định"]) == ["Số HTX thành lập mới mỗi năm"]
    assert list(levers[name]) == ["30,0"]


def test_tornado_is_drawn_on_request(monkeypatch, tmp_path, hd_pack):
    at = start(monkeypatch, tmp_path, "pages/sensitivity.py")
    at.selectbox(key="sens_target_hai-duong-2023").select("good_fair_2030").run()
    assert not at.get("vega_lite_chart")
    at.button(key="sens_tornado_button").click().run()
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) == 1
    # The chart stays on screen across an unrelated rerun (cached), and goes when the target changes.
    at.run()
    assert len(at.get("vega_lite_chart")) == 1
    at.selectbox(key="sens_target_hai-duong-2023").select("linkage_2030").run()
    assert not at.get("vega_lite_chart")


def expected_htx_foundings(hd_pack) -> float:
    """The engine's answer for 180 new HTX by 2030 (trend preset, default run): 24.0 a year, where the
    probability first reaches 66 % on the lever's 0.5 grid (23.5 gives about 61 %)."""
    result = goal_seek(hd_pack, hd_pack.preset("trend"), "new_htx_2030", "htx_new_per_year", Settings())
    assert result.status == "reachable"
    return result.likely_value


def test_goal_seek_gives_the_value_needed_in_one_sentence(monkeypatch, tmp_path, hd_pack):
    needed = lever_value(hd_pack.lever("htx_new_per_year"), expected_htx_foundings(hd_pack), "vi")
    assert re.fullmatch(r"\d+,\d", needed)  # Vietnamese decimal comma, e.g. "24,0"
    at = start(monkeypatch, tmp_path, "pages/sensitivity.py")
    at.selectbox(key="sens_target_hai-duong-2023").select("new_htx_2030").run()
    at.selectbox(key="sens_lever_hai-duong-2023_new_htx_2030").select("htx_new_per_year").run()
    assert not at.success  # nothing computed before the button
    at.button(key="sens_seek_button").click().run()
    assert not at.exception, at.exception
    sentence = at.success[0].value
    assert f"cần ít nhất {needed}" in sentence and "180 hợp tác xã" in sentence
    numbers = dict(at.dataframe[0].value.itertuples(index=False))
    assert numbers["Giá trị hiện tại"] == "15,0"
    assert numbers["Giá trị cần để xác suất ≥ 66\u00a0%"] == f"≥ {needed}"
    assert numbers["Giá trị để đường trung tâm vừa đạt chỉ tiêu"] == "22,5"
    assert numbers["Xác suất đạt hiện nay"] == "0\u00a0%"


def test_goal_seek_for_all_levers_and_in_english(monkeypatch, tmp_path, hd_pack):
    at = start(monkeypatch, tmp_path, "pages/sensitivity.py")
    at.selectbox(key="sens_target_hai-duong-2023").select("new_htx_2030").run()
    at.button(key="sens_seek_button").click().run()
    assert at.dataframe and len(at.dataframe) == 1  # the all-levers table only when asked for
    at.button(key="sens_seek_all_button").click().run()
    assert not at.exception, at.exception
    affecting = levers_affecting("new_htx", hd_pack)
    table = at.dataframe[-1].value
    assert list(table["Giả định"]) == [lv.label("vi") for lv in affecting]
    # Both answers stay on screen when the language changes, now in English (same cached results).
    to_english(at)
    assert not at.exception, at.exception
    needed = lever_value(hd_pack.lever("htx_new_per_year"), expected_htx_foundings(hd_pack), "en")
    assert f"must be at least {needed}" in at.success[0].value and "." in needed
    table = at.dataframe[-1].value
    assert list(table["Assumption"]) == [lv.label("en") for lv in affecting]
    assert f"≥ {needed}" in set(table.iloc[:, 2])


def test_out_of_reach_is_said_plainly(monkeypatch, tmp_path):
    # Digital transformation at 100 % by 2030 with a ceiling of 90 %: no push from support is enough.
    at = start(monkeypatch, tmp_path, "pages/sensitivity.py", {"digital_ceiling": "0.9"})
    at.selectbox(key="sens_target_hai-duong-2023").select("digital_2030").run()
    at.selectbox(key="sens_lever_hai-duong-2023_digital_2030").select("digital_p").run()
    at.button(key="sens_seek_button").click().run()
    assert not at.exception, at.exception
    assert at.warning and at.warning[0].value.startswith("Ngoài tầm với")
    numbers = dict(at.dataframe[0].value.itertuples(index=False))
    assert numbers["Giá trị cần để xác suất ≥ 66\u00a0%"] == "ngoài tầm với"


def test_yearly_foundings_draw_the_mean_not_a_median_of_zero(hd_pack, hd_traj):
    """Unions are founded 0.1–0.25 times a year: the yearly median is 0, the mean is the expectation."""
    spec = charts.fan_chart(hd_traj, "new_lhhtx", None, hd_pack.targets, hd_pack, "vi").to_dict()
    named = layers(spec)
    assert "median" not in named
    line = rows(spec, named["mean"])
    own = hd_traj[hd_traj["indicator"] == "new_lhhtx"].set_index("year")
    assert all(row["value"] == pytest.approx(own.loc[row["year"], "mean"]) for row in line)
    assert all(row["value"] > 0 for row in line if row["year"] > hd_pack.base_year)
    assert (own.loc[own.index > hd_pack.base_year, "p50"] == 0).all()  # what the median line would have said
    assert line[1]["series"] == "Trung bình (kỳ vọng)"
    # Stocks keep the median.
    assert "median" in layers(charts.fan_chart(hd_traj, "htx", None, hd_pack.targets, hd_pack, "vi").to_dict())


def test_compare_overlay_of_yearly_foundings_draws_the_mean(hd_pack, hd_traj):
    spec = charts.overlay_chart({"A": hd_traj}, "new_lhhtx", hd_pack, "vi").to_dict()
    line = rows(spec, layers(spec)["medians"])
    own = hd_traj[hd_traj["indicator"] == "new_lhhtx"].set_index("year")
    assert all(row["value"] == pytest.approx(own.loc[row["year"], "mean"]) for row in line)
    assert spec["title"]["subtitle"].startswith("Đường: trung bình")
    stock = charts.overlay_chart({"A": hd_traj}, "htx", hd_pack, "vi").to_dict()
    assert stock["title"]["subtitle"].startswith("Đường: trung vị")


def test_trajectories_page_marks_what_each_point_is_in_english(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, "pages/trajectories.py")
    to_english(at)
    assert not at.exception, at.exception
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    for entry in ("Estimate", "Part of a year", "Other definition", "Figure is"):
        assert any(entry in spec for spec in specs), entry

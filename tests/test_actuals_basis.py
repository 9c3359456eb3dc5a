"""What an uploaded or typed figure is (its basis): read from an optional column in the packs' vocabulary,
in either language, refused with the values allowed when unknown, and kept through the app's own CSV."""

from __future__ import annotations

import pytest

from planner.actuals import actuals_csv, read_actuals, read_typed_figure
from planner.errors import PlannerError
from planner.packs import load_pack


@pytest.fixture(scope="module")
def pack():
    return load_pack("hai-duong-2023")


def test_the_basis_column_takes_ids_and_names_in_both_languages(pack):
    data = ("chỉ tiêu,năm,giá trị,nguồn,loại số liệu\n"
            "htx,2024,530,Sở Tài chính,công bố\n"
            "tht,2024,790,,Ước tính\n"
            "new_htx,2025,4,,Một phần năm\n"
            "good_fair_share,2024,0.58,,other_definition\n"
            "lhhtx,2024,3,,\n").encode()
    got = {o.indicator: o for o in read_actuals(data, "a.csv", pack).observations}
    assert {k: o.basis for k, o in got.items()} == {
        "htx": "published", "tht": "estimate", "new_htx": "part_year", "good_fair_share": "other_definition",
        "lhhtx": "published"}
    assert got["tht"].estimate and not got["htx"].estimate
    # As in a pack: a part-year or other-definition figure is kept but not used unless said so
    assert got["htx"].use and got["tht"].use
    assert not got["new_htx"].use and not got["good_fair_share"].use
    assert got["new_htx"].why_not_in("vi").startswith("Số liệu một phần năm")
    english = b"indicator,year,value,basis,use\nhtx,2024,530,Part of a year,yes\ntht,2024,790,Published figure,\n"
    back = {o.indicator: o for o in read_actuals(english, "b.csv", pack, "en").observations}
    assert back["htx"].basis == "part_year" and back["htx"].use  # "use" = yes switches it on
    assert back["tht"].basis == "published"


def test_a_file_without_the_column_is_published(pack):
    got = read_actuals(b"indicator,year,value\nhtx,2024,530\n", "c.csv", pack).observations
    assert [(o.basis, o.use, o.estimate) for o in got] == [("published", True, False)]


@pytest.mark.parametrize(("lang", "words"), [
    ("vi", ["d.csv, dòng 3, cột D", "loại số liệu 'đoán' không hợp lệ", "ước tính (estimate)"]),
    ("en", ["d.csv, row 3, column D", "unknown kind of figure (basis) 'đoán'", "part of a year (part_year)"]),
])
def test_an_unknown_basis_is_refused_with_the_values_allowed(pack, lang, words):
    data = "indicator,year,value,basis\nhtx,2024,530,estimate\ntht,2024,790,đoán\n".encode()
    with pytest.raises(PlannerError) as err:
        read_actuals(data, "d.csv", pack)
    message = err.value.message(lang)
    assert all(w in message for w in words), message
    assert "Traceback" not in message


@pytest.mark.parametrize("excel_vi", [False, True])
def test_the_apps_own_csv_keeps_the_basis(pack, excel_vi):
    data = b"indicator,year,value,basis\nhtx,2024,530,estimate\nnew_htx,2025,4,part_year\n"
    figures = read_actuals(data, "e.csv", pack).observations
    back = read_actuals(actuals_csv(figures, excel_vi=excel_vi), "f.csv", pack).observations
    assert [(o.indicator, o.basis, o.use) for o in back] == [("htx", "estimate", True), ("new_htx", "part_year", False)]


def test_a_typed_figure_carries_the_chosen_basis(pack):
    typed = read_typed_figure("htx", 2024, "530", pack, "vi", "Sở Tài chính", "", "estimate").observations[0]
    assert (typed.basis, typed.estimate, typed.source) == ("estimate", True, "Sở Tài chính")
    assert read_typed_figure("htx", 2024, "530", pack, "vi").observations[0].basis == "published"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_charts_and_reports_say_what_an_uploaded_figure_is(pack, lang):
    from planner import charts
    from planner.report.content import scenario_content
    from planner.results import compute, observations_frame
    from planner.scenario import new_scenario

    figure = read_typed_figure("tht", 2024, "790", pack, lang, "Sở Tài chính", "", "estimate").observations[0]
    data = {**new_scenario(), "actuals": [{"indicator": "tht", "year": 2024, "value": 790.0}]}
    computed = compute(data)
    spec = charts.fan_chart(computed.traj, "tht", observations_frame(pack, (figure,), lang), pack.targets, pack,
                            lang).to_dict(validate=False)
    layer = next(x for x in spec["layer"] if x.get("name") == "observations")
    points = [r for r in spec["datasets"][layer["data"]["name"]] if r["year"] == 2024]
    estimate = "Ước tính" if lang == "vi" else "Estimate"
    assert [(p["series"], p["basis_text"]) for p in points] == [(estimate, estimate)]
    rows = scenario_content(data, lang, (figure,), computed=computed, with_charts=False).actuals
    row = next(r for r in rows if r.indicator == "tht")
    assert (row.basis, row.kind_text, row.source) == ("estimate", "⚠ " + estimate, "Sở Tài chính")

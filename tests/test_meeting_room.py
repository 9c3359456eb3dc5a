"""Fit for the meeting room: hostile links and files, errors without tracebacks, the user's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main
from planner.errors import PlannerError
from tests.apptest import open_app

ROOT = Path(__file__).resolve().parent.parent
DEEP = "[" * 100_000 + "]" * 100_000  # 200 KB: under every upload limit


# --- Deeply nested JSON -----------------------------------------------------------------------------

def test_validate_of_a_deeply_nested_file_exits_2_with_one_line(tmp_path, capsys) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"levers": ' + DEEP + "}", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    _, err = capsys.readouterr()
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and "lồng nhau quá sâu" in err


def test_a_deeply_nested_scenario_upload_is_a_plain_message() -> None:
    from ui.saved import read_scenario_upload

    with pytest.raises(PlannerError) as info:
        read_scenario_upload(DEEP.encode(), "deep.json")
    assert "quá sâu" in info.value.message("vi") and "too deep" in info.value.message("en")


def test_malformed_json_is_said_in_vietnamese() -> None:
    from planner.scenario import loads

    with pytest.raises(PlannerError) as info:
        loads('{"pack": "hai-duong-2023",}')
    assert "Expecting" not in info.value.message("vi") and "tên khóa" in info.value.message("vi")


def test_error_details_are_off_for_users() -> None:
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["disableDataExport"] is True  # no table writes live formulas or English


def test_a_failing_page_says_what_to_do_without_a_traceback(monkeypatch, tmp_path) -> None:
    import ui.scorecard

    def broken(results) -> None:
        raise RuntimeError("/srv/secret/path.py exploded")

    monkeypatch.setattr(ui.scorecard, "show_scorecard", broken)
    at = open_app(monkeypatch, tmp_path / "s.sqlite")  # asserts no st.exception element
    text = " ".join(e.value for e in at.error)
    assert "F5" in text and "người quản trị" in text and "/srv/secret" not in text
    assert at.sidebar.metric, "the rest of the app (the sidebar) is still drawn"


def test_a_failing_live_section_is_caught_too(monkeypatch, tmp_path) -> None:
    import ui.live

    def broken(results, preset) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(ui.live, "panel_html", broken)
    at = open_app(monkeypatch, tmp_path / "s.sqlite", page="pages/assumptions.py")
    assert any("F5" in e.value for e in at.error)


# --- Links --------------------------------------------------------------------------------------------

def test_300_unknown_link_keys_give_one_notice(monkeypatch, tmp_path) -> None:
    query = {f"junk{i}": "1" for i in range(300)}
    at = open_app(monkeypatch, tmp_path / "s.sqlite", query=query)
    assert len(at.warning) == 1
    text = at.warning[0].value
    assert "junk0" in text and "junk7" in text and "junk8" not in text and "292" in text


def test_the_overview_address_opens_the_overview(monkeypatch, tmp_path) -> None:
    """/tong-quan is the Overview's name: its page switches to the Overview (the app's root)."""
    at = open_app(monkeypatch, tmp_path / "s.sqlite")
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert 'url_path=OVERVIEW_URL, visibility="hidden"' in source and 'OVERVIEW_URL = "tong-quan"' in source
    assert at.main.title[0].value == "Tổng quan"
    json.dumps(dict(at.query_params))  # the link stays plain text


# --- Upload limits ------------------------------------------------------------------------------------

def test_each_uploader_has_one_limit_that_the_server_lets_through() -> None:
    """The app's own check speaks for every file up to the widget's ceiling, which the server allows."""
    import tomllib

    from planner.actuals import MAX_BYTES, too_large
    from ui.saved import MAX_IMPORT_BYTES
    from ui.uploads import MB, ceiling_mb

    server_mb = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"][
        "maxUploadSize"]
    for limit in (MAX_BYTES, MAX_IMPORT_BYTES):
        assert limit < ceiling_mb(limit) * MB <= server_mb * MB
    assert too_large(5_100_000, MAX_BYTES, "x.csv").message("vi") == "x.csv: tệp quá lớn (5,1 MB); tối đa 5 MB"
    assert too_large(260_000, MAX_IMPORT_BYTES, "k.json").message("en") == \
        "k.json: file too large (260 KB); the limit is 250 KB"


# --- Links keep the scenario's name, note and the saved scenario open ------------------------------

def test_a_link_keeps_name_and_note() -> None:
    from planner.scenario import from_query, new_scenario, to_query

    data = {**new_scenario(), "levers": {"htx_new_per_year": 30.0}, "name": "Phương án “Tăng tốc” & 2030",
            "note": "Ghi chú dài\nhai dòng " + "x" * 1500}
    back, lang, notices = from_query(to_query(data, "vi"))
    assert notices == [] and (back["name"], back["note"], back["levers"]) == (data["name"], data["note"],
                                                                             data["levers"])
    _, _, notices = from_query({"name": "x" * 2001})
    assert len(notices) == 1 and "2000" in notices[0].message("vi")


def _saved(monkeypatch, tmp_path):
    """A store with one saved scenario in two versions; returns (db path, id)."""
    monkeypatch.setenv("PLANNER_DB", str(tmp_path / "s.sqlite"))
    from planner.store import ScenarioStore

    store = ScenarioStore(tmp_path / "s.sqlite")
    sid, _ = store.save({"pack": "hai-duong-2023", "preset": "trend", "levers": {"htx_new_per_year": 25}},
                        "Kế hoạch tăng tốc", "Sở Tài chính", "bản 1")
    store.save({"pack": "hai-duong-2023", "preset": "trend", "levers": {"htx_new_per_year": 35}, "note": "bản 2"},
               "Kế hoạch tăng tốc", "Sở Tài chính", "bản 2", scenario_id=sid)
    return tmp_path / "s.sqlite", sid


def test_a_link_to_a_saved_scenario_opens_it_name_included(monkeypatch, tmp_path) -> None:
    db, sid = _saved(monkeypatch, tmp_path)
    at = open_app(monkeypatch, db, query={"saved": sid, "v": "1"})
    assert at.session_state["scenario"]["levers"] == {"htx_new_per_year": 25.0}
    assert at.session_state["scenario"]["name"] == "Kế hoạch tăng tốc"
    assert at.session_state["saved_loaded"]["id"] == sid and at.session_state["saved_loaded"]["version"] == 1
    assert at.query_params["saved"] == sid and at.query_params["v"] == "1"
    assert at.query_params["name"] == "Kế hoạch tăng tốc"


def test_f5_keeps_the_open_saved_scenario_and_unsaved_changes(monkeypatch, tmp_path) -> None:
    """The full link after F5: the link's assumptions (not yet saved) and the record to save version n+1 to."""
    db, sid = _saved(monkeypatch, tmp_path)
    query = {"pack": "hai-duong-2023", "preset": "trend", "htx_new_per_year": "40", "name": "Kế hoạch tăng tốc",
             "saved": sid, "v": "2", "lang": "vi"}
    at = open_app(monkeypatch, db, query=query)
    assert at.session_state["scenario"]["levers"] == {"htx_new_per_year": 40.0}
    assert at.session_state["saved_loaded"]["id"] == sid and at.session_state["save_as_version"] is True
    assert not at.warning


def test_a_link_to_an_unknown_saved_scenario_says_so(monkeypatch, tmp_path) -> None:
    db, _ = _saved(monkeypatch, tmp_path)
    at = open_app(monkeypatch, db, query={"saved": "nope", "v": "x"})
    assert len(at.warning) == 1 and "kịch bản đã lưu" in at.warning[0].value


def test_present_title_does_not_call_a_changed_scenario_the_preset(monkeypatch, tmp_path) -> None:
    at = open_app(monkeypatch, tmp_path / "s.sqlite", page="pages/present.py", query={"htx_new_per_year": "30"})
    texts = [t.value for t in at.main.text]
    assert "Kịch bản mẫu “Xu hướng”" not in texts and any("dựa trên mẫu “Xu hướng”" in t for t in texts)


# --- Switching the plan pack asks before dropping changes ------------------------------------------

def test_switching_the_pack_asks_before_dropping_changed_assumptions(monkeypatch, tmp_path) -> None:
    at = open_app(monkeypatch, tmp_path / "s.sqlite", query={"htx_new_per_year": "30"})
    at.selectbox(key="pack_choice").set_value("vietnam-nq20").run()
    assert at.session_state["scenario"]["pack"] == "hai-duong-2023"  # nothing dropped yet
    assert at.session_state["scenario"]["levers"] == {"htx_new_per_year": 30.0}
    assert any("sẽ bỏ 1 giả định" in w.value for w in at.sidebar.warning)
    at.sidebar.button(key="pack_cancel").click().run()
    assert at.session_state["scenario"]["levers"] == {"htx_new_per_year": 30.0} and not at.sidebar.warning
    at.selectbox(key="pack_choice").set_value("vietnam-nq20").run()
    at.sidebar.button(key="pack_confirm").click().run()
    assert at.session_state["scenario"]["pack"] == "vietnam-nq20" and at.session_state["scenario"]["levers"] == {}


def test_switching_the_pack_of_an_unchanged_scenario_needs_no_question(monkeypatch, tmp_path) -> None:
    at = open_app(monkeypatch, tmp_path / "s.sqlite")
    at.selectbox(key="pack_choice").set_value("vietnam-nq20").run()
    assert at.session_state["scenario"]["pack"] == "vietnam-nq20" and not at.sidebar.warning


# --- CSV for a Vietnamese-locale Excel ------------------------------------------------------------------

FIGURES = None


def _figures():
    from planner.packs import Observation

    return (Observation("htx", 2024, 530, source="Sở Tài chính; báo cáo 12/2024", note="=HYPERLINK(\"x\")"),
            Observation("htx", 2025, 2.125, source="1.5"),
            Observation("good_fair_share", 2024, 0.613, note="tỷ lệ; “tốt, khá”"),
            Observation("linkage_share", 2025, 1e-05))


@pytest.mark.parametrize("excel_vi", [False, True])
def test_the_app_reads_both_csv_forms_back(excel_vi: bool) -> None:
    from planner.actuals import actuals_csv, read_actuals
    from planner.packs import load_pack

    data = actuals_csv(_figures(), excel_vi=excel_vi)
    header, first = data.decode("utf-8-sig").splitlines()[:2]
    assert header == ("indicator;year;source;note;basis;value" if excel_vi else "indicator,year,source,note,basis,value")
    back = read_actuals(data, "so-lieu.csv", load_pack("hai-duong-2023")).observations
    assert [(o.indicator, o.year, o.value, o.source, o.note, o.basis) for o in back] == \
        [(o.indicator, o.year, pytest.approx(o.value), o.source, o.note, o.basis) for o in _figures()]


def test_the_excel_form_of_a_report_csv_has_semicolons_and_decimal_commas() -> None:
    import csv
    import io

    from planner.csvforms import for_excel_vi

    machine = "\ufeffid,label,p50,probability\r\nnew_htx_2030,\"Thành lập mới 180, HTX\",135.9,0.1749843456\r\n"
    excel = for_excel_vi(machine.encode("utf-8")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(excel), delimiter=";"))
    assert rows == [["id", "label", "p50", "probability"],
                    ["new_htx_2030", "Thành lập mới 180, HTX", "135,9", "0,1749843456"]]


def test_the_csv_form_follows_the_language_at_first(monkeypatch, tmp_path) -> None:
    at = open_app(monkeypatch, tmp_path / "s.sqlite", page="pages/trajectories.py")
    assert at.button_group(key="csv_form").value == "excel-vi"
    at = open_app(monkeypatch, tmp_path / "s2.sqlite", page="pages/trajectories.py", query={"lang": "en"})
    assert at.button_group(key="csv_form").value == "machine"


# --- Charts of small counts ------------------------------------------------------------------------------

@pytest.mark.parametrize(("indicator", "steps"), [("new_tht", True), ("new_lhhtx", True), ("export", True),
                                                  ("htx", False), ("good_fair_share", False)])
def test_small_counts_are_drawn_in_steps_not_spikes(indicator: str, steps: bool) -> None:
    from planner import charts
    from planner.model import Settings, project
    from planner.packs import load_pack
    from planner.results import tidy_trajectories

    pack = load_pack("hai-duong-2023")
    assert indicator in pack.indicators  # the pack draws every one of them
    traj = tidy_trajectories(project(pack, pack.preset("trend"), Settings(draws=400)))
    spec = charts.fan_chart(traj, indicator, None, pack.targets, pack, "vi").to_dict()
    band = next(layer for layer in spec["layer"] if layer.get("name") == "band")
    assert (band["mark"].get("interpolate") == "step") is steps
    # and so on Compare, where the scenarios' bands are overlaid
    overlay = charts.overlay_chart({"A": traj, "B": traj}, indicator, pack, "vi", pack.targets).to_dict()
    bands = next(layer for layer in overlay["layer"] if layer.get("name") == "bands")
    assert (bands["mark"].get("interpolate") == "step") is steps

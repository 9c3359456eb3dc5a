"""The Assumptions page (AppTest): sliders, presets, reset, language, saved scenarios, JSON files.

Every test runs the real app (app.py, navigation, sidebar) against a scenario store in a temporary
file (PLANNER_DB), so the real database is never touched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.packs import load_pack
from tests.apptest import html_tables, live_panel, open_app
from ui.saved import read_scenario_upload, safe_file_name

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/assumptions.py"
HTX_NEW = "lever_htx_new_per_year"


def start(monkeypatch, tmp_path, lang: str | None = None, db: Path | None = None) -> AppTest:
    # The saved-scenarios and settings expanders are lazy (closed, they draw nothing): open them, as a
    # user would.
    return open_app(monkeypatch, db or tmp_path / "scenarios.sqlite", PAGE, lang=lang,
                    session={"saved_section_open": True, "settings_open": True})


@pytest.fixture
def at(monkeypatch, tmp_path) -> AppTest:
    return start(monkeypatch, tmp_path)


def headline(at: AppTest) -> str:
    return live_panel(at)["value"]


def scorecard(at: AppTest):
    """The live scorecard beside the sliders (an HTML table)."""
    for frame in html_tables(at):
        if "Xác suất" in frame.columns:
            return frame
    raise AssertionError("no scorecard on the page")


def levers(at: AppTest) -> dict:
    return dict(at.session_state["scenario"]["levers"])


def unescape(text: str) -> str:
    return text.replace("\\", "")


def slider(at: AppTest, key: str):
    """A lever's slider: its group is chosen first (only the chosen group's sliders are drawn), as a user would."""
    group = load_pack(at.session_state["scenario"]["pack"]).lever(key.removeprefix("lever_")).group
    if at.session_state["lever_group"] != group:
        at.button_group(key="lever_group_choice").set_value(group).run()
        at.run()
    return at.select_slider(key=key)


def move(at: AppTest, key: str, value: float) -> None:
    """Move a lever slider.  Its rerun is a fragment's; AppTest then lists only the fragment's elements,
    so a full rerun follows before the test looks at the rest of the page (the browser keeps it all)."""
    slider(at, key).set_value(value).run()
    at.run()


def save(at: AppTest, name: str, author: str = "", note: str = "", new: bool = False) -> None:
    """Fill in and submit the save form; ``new`` saves a new scenario rather than a version of the open one."""
    if new:
        at.checkbox(key="save_as_version").uncheck()
    at.text_input(key="save_name").set_value(name)
    at.text_input(key="save_author").set_value(author)
    at.text_area(key="save_note").set_value(note)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception


def saved_names(at: AppTest) -> list[str]:
    for frame in at.main.dataframe:
        if "Tên" in frame.value.columns or "Name" in frame.value.columns:
            column = "Tên" if "Tên" in frame.value.columns else "Name"
            return list(frame.value[column])
    return []


# --- Levers, presets, reset, language --------------------------------------------------------------

def test_moving_a_slider_changes_the_headline_and_scorecard(at):
    before = headline(at)
    row = list(scorecard(at)["Chỉ tiêu"]).index("Thành lập mới 180 hợp tác xã")
    prob_before = scorecard(at)["Xác suất"][row]

    move(at, HTX_NEW, 40.0)

    assert not at.exception
    assert levers(at) == {"htx_new_per_year": 40.0}
    assert headline(at) != before
    assert live_panel(at)["delta"].startswith("+")  # compared with the preset
    assert scorecard(at)["Xác suất"][row] != prob_before
    assert not at.sidebar.metric  # the page's own headline stands beside the sliders: none in the sidebar
    live = headline(at)
    at.switch_page("pages/overview.py").run()
    assert at.sidebar.metric[0].value == live  # elsewhere the sidebar reads the same scenario


def test_slider_numbers_follow_the_language(at):
    slider = at.select_slider(key="lever_htx_dissolution_rate")
    assert slider.value == pytest.approx(2.8)
    assert "2,80\u00a0%" in slider.options  # Vietnamese decimal comma
    at.button_group(key="language_choice").set_value("en").run()
    assert "2.80\u00a0%" in at.select_slider(key="lever_htx_dissolution_rate").options


def test_preset_button_sets_every_lever_and_stays_chosen(at):
    optimistic = load_pack("hai-duong-2023").preset("optimistic")
    at.button(key="preset_optimistic").click().run()
    assert at.session_state["scenario"]["preset"] == "optimistic"
    assert slider(at, HTX_NEW).value == pytest.approx(optimistic["htx_new_per_year"])
    assert slider(at, "lever_digital_ceiling").value == pytest.approx(100 * optimistic["digital_ceiling"])
    at.run()  # the sidebar's preset box must not pull the scenario back to the old preset
    assert at.session_state["scenario"]["preset"] == "optimistic"
    assert at.sidebar.selectbox(key="preset_choice").value == "optimistic"
    assert levers(at) == {}


def test_reset_restores_the_preset(at):
    move(at, HTX_NEW, 60.0)
    move(at, "lever_quality_upgrade_rate", 20.0)
    assert len(levers(at)) == 2
    at.button(key="preset_reset").click().run()
    assert levers(at) == {}
    assert slider(at, HTX_NEW).value == pytest.approx(15.0)
    assert slider(at, "lever_quality_upgrade_rate").value == pytest.approx(6.0)


def test_english_changes_the_labels(at):
    assert at.main.title[0].value == "Giả định"
    at.button_group(key="language_choice").set_value("en").run()
    assert not at.exception
    assert at.main.title[0].value == "Assumptions"
    assert at.button_group(key="lever_group_choice").options[0] == "Founding and dissolution"
    assert at.select_slider(key=HTX_NEW).label == "Cooperatives founded per year"
    assert live_panel(at)["label"] == "Targets likely met"


def test_settings_write_uncertainty_and_window_start(at):
    at.select_slider(key="setting_uncertainty").set_value(0.0).run()
    assert at.session_state["scenario"]["uncertainty"] == 0.0
    at.selectbox(key="setting_window_start").select(2024).run()
    assert at.session_state["scenario"]["window_start"] == 2024
    at.selectbox(key="setting_window_start").select(2023).run()  # the pack's own: stored as the default
    assert at.session_state["scenario"]["window_start"] is None


# --- Saved scenarios -------------------------------------------------------------------------------

def test_save_change_load_restores_the_levers(at):
    move(at, HTX_NEW, 40.0)
    move(at, "lever_linkage_q", 45.0)
    save(at, "Kịch bản Hải Dương A", "Phòng KTTT", "thử")
    assert any("phiên bản 1" in s.value for s in at.success)

    at.button(key="preset_reset").click().run()
    move(at, HTX_NEW, 10.0)
    assert levers(at) == {"htx_new_per_year": 10.0}

    at.button(key="saved_load").click().run()
    assert not at.exception
    assert levers(at) == {"htx_new_per_year": 40.0, "linkage_q": 0.45}
    assert at.select_slider(key=HTX_NEW).value == pytest.approx(40.0)
    assert slider(at, "lever_linkage_q").value == pytest.approx(45.0)


def test_search_finds_the_saved_scenario(at):
    save(at, "Kịch bản Hải Dương A", "Phòng KTTT")
    save(at, "Khác hẳn", "Sở Tài chính", new=True)
    assert sorted(saved_names(at)) == ["Khác hẳn", "Kịch bản Hải Dương A"]
    at.text_input(key="saved_query").input("hai duong").run()  # without diacritics
    assert saved_names(at) == ["Kịch bản Hải Dương A"]
    at.text_input(key="saved_query").input("tai chinh").run()  # the author is searched too
    assert saved_names(at) == ["Khác hẳn"]
    at.text_input(key="saved_query").input("không có gì").run()
    assert saved_names(at) == []


def test_a_name_with_html_and_markdown_is_shown_literally(at):
    name = "<img src=x onerror=alert(1)> **bold**"
    save(at, name, "**tác giả**", "<b>ghi chú</b>")
    assert saved_names(at) == [name]
    assert at.selectbox(key="saved_pick").value  # chosen, its label is the name as plain text
    assert name in at.selectbox(key="saved_pick").options[0]
    assert "<b>ghi chú</b>" in [t.value for t in at.main.text]
    markdown = [m.value for m in (*at.main.markdown, *at.main.caption, *at.success, *at.info, *at.warning,
                                  *at.error)]
    assert not any("<img" in m or "**bold**" in m or "<b>" in m for m in markdown)


def test_versions_load_an_older_version_delete_and_restore(at):
    move(at, HTX_NEW, 40.0)
    save(at, "Có phiên bản")
    move(at, HTX_NEW, 30.0)
    save(at, "Có phiên bản")  # the open scenario is saved as its version 2
    assert any("phiên bản 2" in s.value for s in at.success)
    assert saved_names(at) == ["Có phiên bản"]

    at.selectbox(key="saved_version_pick").select(1).run()
    at.button(key="saved_load_version").click().run()
    assert levers(at) == {"htx_new_per_year": 40.0}

    at.button(key="saved_delete").click().run()
    assert saved_names(at) == ["Có phiên bản"]  # one click only asks
    at.button(key="saved_delete_cancel").click().run()
    assert saved_names(at) == ["Có phiên bản"]
    assert not [b for b in at.button if b.key == "saved_delete_confirm"]
    at.button(key="saved_delete").click().run()
    at.button(key="saved_delete_confirm").click().run()
    assert saved_names(at) == []
    at.toggle(key="saved_show_deleted").set_value(True).run()
    assert saved_names(at) == ["Có phiên bản"]
    at.button(key="saved_restore").click().run()
    at.toggle(key="saved_show_deleted").set_value(False).run()
    assert saved_names(at) == ["Có phiên bản"]


def test_a_damaged_database_is_moved_aside_with_a_warning(monkeypatch, tmp_path):
    db = tmp_path / "scenarios.sqlite"
    db.write_bytes(b"this is not a database" * 100)
    at = start(monkeypatch, tmp_path, db=db)
    warning = " ".join(unescape(w.value) for w in at.warning)
    assert "bị hỏng" in warning and ".corrupt-" in warning
    assert list(tmp_path.glob("scenarios.sqlite.corrupt-*"))  # kept, not deleted


# --- JSON files ------------------------------------------------------------------------------------

def test_malformed_json_shows_an_error_and_keeps_the_scenario(at):
    move(at, HTX_NEW, 40.0)
    at.file_uploader(key="scenario_upload").upload("hỏng.json", b'{"pack": "hai-duong-2023", "levers": {', "application/json")
    at.run()
    assert not at.exception
    assert at.error and "JSON" in unescape(at.error[0].value) and "hỏng.json" in unescape(at.error[0].value)
    assert levers(at) == {"htx_new_per_year": 40.0}

    at.file_uploader(key="scenario_upload").upload("<img src=x>**x**.json", b"[1, 2", "application/json")
    at.run()
    shown = at.error[0].value
    assert "<img src=x>**x**.json" in unescape(shown)  # the file is named as it is called ...
    assert not re.search(r"(?<!\\)[<*]", shown)  # ... and every < and * is escaped: no HTML, no Markdown
    assert levers(at) == {"htx_new_per_year": 40.0}

    bad_value = json.dumps({"pack": "hai-duong-2023", "levers": {"htx_new_per_year": 9999}}).encode()
    at.file_uploader(key="scenario_upload").upload("out-of-range.json", bad_value, "application/json")
    at.run()
    assert "htx_new_per_year" in unescape(at.error[0].value)
    assert levers(at) == {"htx_new_per_year": 40.0}


def test_a_scenario_of_another_pack_is_opened_with_its_pack(at):
    data = json.dumps({"pack": "vietnam-nq20", "preset": "optimistic", "levers": {"htx_new_per_year": 3000}})
    at.file_uploader(key="scenario_upload").upload("nq20.json", data.encode(), "application/json")
    at.run()
    assert not at.exception
    assert at.session_state["scenario"]["pack"] == "vietnam-nq20"
    assert at.info and "gói kế hoạch khác" in unescape(at.info[0].value)
    at.run()  # the sidebar's pack box follows, so the next run keeps the pack and the lever
    assert at.session_state["scenario"]["pack"] == "vietnam-nq20"
    assert at.session_state["scenario"]["preset"] == "optimistic"
    assert at.select_slider(key=HTX_NEW).value == pytest.approx(3000.0)


def test_export_names_and_reads_back():
    assert safe_file_name("Hải Dương: lạc quan <b>*x*</b>") == "hai-duong-lac-quan-b-x-b"
    assert safe_file_name("") == "kich-ban"
    assert safe_file_name("../../etc/passwd") == "etc-passwd"
    data = read_scenario_upload(b'\xef\xbb\xbf{"pack": "hai-duong-2023", "levers": {"htx_new_per_year": 20}}', "x.json")
    assert data["levers"] == {"htx_new_per_year": 20.0}


def test_download_button_offers_the_current_scenario(at):
    buttons = [b for b in at.get("download_button") if b.proto.label.startswith("Tải kịch bản")]
    assert buttons


def test_only_the_chosen_group_draws_sliders_and_the_choice_is_kept(at):
    """One group at a time, so a slider's rerun stays light; the group stays chosen across pages."""
    keys = {s.key for s in at.select_slider}
    assert "lever_htx_new_per_year" in keys  # the first group is chosen at first
    assert "lever_digital_p" not in keys and "lever_quality_upgrade_rate" not in keys
    at.button_group(key="lever_group_choice").set_value("digital").run()
    at.run()
    keys = {s.key for s in at.select_slider}
    assert {"lever_digital_p", "lever_digital_q", "lever_digital_ceiling"} <= keys
    assert "lever_htx_new_per_year" not in keys
    at.switch_page("pages/overview.py").run()
    at.switch_page(PAGE).run()
    assert at.session_state["lever_group"] == "digital"
    assert "lever_digital_p" in {s.key for s in at.select_slider}
    at.button_group(key="lever_group_choice").set_value(None).run()  # clicking the chosen pill again
    at.run()
    assert at.session_state["lever_group"] == "digital"  # a group stays chosen


def lever_summary(at: AppTest):
    for frame in html_tables(at):
        if "Khoảng bất định quanh giá trị mẫu (×1,0)" in frame.columns:
            return frame.set_index("Giả định")
    raise AssertionError("no lever summary on the page")


def changed_item(at: AppTest, label: str) -> tuple[str, float, float]:
    """A changed assumption in the live panel: its value, and its range's ends as numbers."""
    item = next(c for c in live_panel(at)["changed"] if c.startswith(label + ":"))
    low, high = re.search(r"khoảng bất định (\S+) – (\S+)\)", item).groups()
    return item, float(low.replace(",", ".")), float(high.replace(",", "."))


def test_lever_summary_shows_the_preset_and_the_panel_the_change_and_its_range(at):
    summary = lever_summary(at)
    label = "Số HTX thành lập mới mỗi năm"
    assert summary.loc[label, "Giá trị mẫu"] == "15,0"  # the trend preset, in Vietnamese style
    low, high = summary.loc[label, "Khoảng bất định quanh giá trị mẫu (×1,0)"].split(" – ")
    assert float(low.replace(",", ".")) < 15 < float(high.replace(",", "."))
    assert live_panel(at)["changed"] == []
    move(at, HTX_NEW, 40.0)
    assert lever_summary(at).loc[label, "Giá trị mẫu"] == "15,0"  # the preset's, whatever the slider says
    item, low, high = changed_item(at, label)
    assert item.startswith(f"{label}: 40,0 (mẫu 15,0; khoảng bất định ")
    assert low < 40 < high  # the range the engine draws around the new value
    move(at, "lever_quality_upgrade_rate", 20.0)  # another group: listed too
    slider(at, HTX_NEW)
    assert len(live_panel(at)["changed"]) == 2


def test_a_slider_reruns_only_the_live_section_and_it_shows_the_new_result(at):
    """The slider's own rerun (a fragment) already redraws the headline and the probabilities."""
    before = headline(at)
    at.select_slider(key=HTX_NEW).set_value(40.0).run()  # no full rerun after it
    assert not at.exception
    assert headline(at) != before
    assert "Thành lập mới 180 hợp tác xã" in list(scorecard(at)["Chỉ tiêu"])
    assert at.session_state["scenario"]["levers"] == {"htx_new_per_year": 40.0}


def test_a_further_move_reruns_the_live_panel_but_sends_no_slider_again(monkeypatch, tmp_path):
    """After the first change (which reruns the page: "Reset" is enabled), a move reruns only the live
    panel: the new results and the group's values come back, the sliders are not sent again.  (With
    the saved scenarios' section shut, as it opens; open, a move reruns the page, see below.)"""
    at = open_app(monkeypatch, tmp_path / "scenarios.sqlite", PAGE, session={"settings_open": True})
    move(at, HTX_NEW, 40.0)
    before = list(scorecard(at)["Xác suất"])
    at.select_slider(key=HTX_NEW).set_value(60.0).run()
    assert not at.exception
    assert not at.main.select_slider  # only the live panel's fragment ran
    assert list(scorecard(at)["Xác suất"]) != before
    assert changed_item(at, "Số HTX thành lập mới mỗi năm")[0].startswith("Số HTX thành lập mới mỗi năm: 60,0 (")
    assert at.query_params["htx_new_per_year"] == "60"  # the link follows the fragment's run


def test_a_move_sends_the_live_panel_as_one_element(monkeypatch, tmp_path):
    """The browser redraws the page once per message a run sends: a move's run sends the headline, the
    probabilities and the group's values as one HTML element, nothing else to draw."""
    at = open_app(monkeypatch, tmp_path / "scenarios.sqlite", PAGE, session={"settings_open": True})
    move(at, HTX_NEW, 40.0)
    at.select_slider(key=HTX_NEW).set_value(60.0).run()
    assert not at.exception
    assert len(at.main.html) == 1 and 'class="live-panel"' in at.main.html[0].proto.body
    assert not (at.main.metric or at.main.caption or at.main.markdown or at.main.table or at.main.dataframe)
    assert live_panel(at)["value"] == headline_of(at.session_state["scenario"])


def headline_of(data: dict) -> str:
    """k/n from the engine itself, for the scenario the session holds."""
    from planner.assess import assess, count_likely
    from planner.scenario import resolve

    res = resolve(data)
    results = assess(res.pack, res.values, res.settings)
    return f"{count_likely(results)}/{sum(r.modelled for r in results)}"


def test_slider_help_says_where_the_preset_values_come_from_in_the_language(at):
    help_vi = unescape(at.select_slider(key=HTX_NEW).help)
    assert "Nguồn của giá trị mẫu: Xu hướng: khoảng 15 HTX được hỗ trợ thành lập mỗi năm" in help_vi
    assert "tiếng Anh" not in help_vi
    at.button_group(key="language_choice").set_value("en").run()
    assert "Where the preset values come from: Trend: about 15 supported foundings" in unescape(
        at.select_slider(key=HTX_NEW).help)


def test_one_changed_assumption_is_singular_in_english(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, lang="en")
    move(at, HTX_NEW, 40.0)
    captions = live_panel(at)["captions"]
    assert any("1 assumption changed" in c for c in captions), captions
    at.switch_page("pages/overview.py").run()
    assert "1 assumption differs from the preset." in [c.value for c in at.sidebar.caption]


def test_with_the_saved_section_open_a_move_reruns_the_page_so_the_file_download_stays(at):
    """The scenario file's download is registered by a full run; a keyed rerun would begin with a full run
    that Streamlit cuts short and that forgets it ("Deferred file not found" on the click)."""
    move(at, HTX_NEW, 40.0)
    at.select_slider(key=HTX_NEW).set_value(60.0).run()
    assert not at.exception
    assert at.main.select_slider  # the whole page ran: the download below is registered again
    assert any(b.label == "Tải kịch bản hiện tại (JSON)" for b in at.get("download_button"))

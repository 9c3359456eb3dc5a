"""The Overview page and the app shell (sidebar, link decoding) with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.packs import load_pack
from tests.apptest import open_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app(monkeypatch, tmp_path):
    def start(**query: str) -> AppTest:
        return open_app(monkeypatch, tmp_path / "scenarios.sqlite", query=query)

    return start


def scorecard(at: AppTest):
    return next(t.value for t in at.main.table if "Chỉ tiêu" in t.value.columns or "Target" in t.value.columns)


def test_scorecard_has_every_target_in_vietnamese(app):
    at = app()
    assert at.main.title[0].value == "Tổng quan"
    table = scorecard(at)
    assert len(table) == len(load_pack("hai-duong-2023").targets)
    assert "Thành lập mới 180 hợp tác xã" in list(table["Chỉ tiêu"])
    assert all(("%" in p) for p in table["Xác suất đạt"])
    assert at.main.metric[0].value.endswith("/11")


def test_link_reproduces_a_scenario_and_lists_what_changed(app):
    plain = app()
    linked = app(pack="hai-duong-2023", preset="trend", htx_new_per_year="40")
    assert linked.session_state["scenario"]["levers"] == {"htx_new_per_year": 40.0}
    assert linked.main.metric[0].value != plain.main.metric[0].value
    changed = linked.main.dataframe[0].value
    assert list(changed["Kịch bản này"]) == ["40,0"] and list(changed["Kịch bản mẫu"]) == ["15,0"]


def test_tampered_link_shows_a_notice_and_keeps_defaults(app):
    at = app(htx_new_per_year="<script>", quality_upgrade_rate="99", zzz="1", lang="xx")
    notices = " ".join(w.value for w in at.warning)
    assert "Liên kết có giá trị không dùng được" in notices
    assert "\\<script\\>" in notices  # shown escaped, never as markup
    assert at.session_state["scenario"]["levers"] == {}
    assert at.session_state["lang"] == "vi"


def test_language_switch_changes_labels_and_numbers(app):
    at = app()
    at.sidebar.button_group(key="language_choice").set_value("en").run()
    assert at.main.title[0].value == "Overview"
    table = scorecard(at)
    assert "180 new cooperatives founded" in list(table["Target"])
    assert at.session_state["lang"] == "en"


def test_national_pack_from_the_sidebar(app):
    at = app()
    at.sidebar.selectbox(key="pack_choice").set_value("vietnam-nq20").run()
    assert not at.exception
    assert len(scorecard(at)) == len(load_pack("vietnam-nq20").targets)
    assert at.session_state["scenario"]["pack"] == "vietnam-nq20"


def test_the_subtitle_names_the_plan_once(app):
    at = app()
    subtitle = at.main.caption[0].value
    assert subtitle.count("3413/KH-UBND") == 1, subtitle
    assert subtitle.endswith("năm gốc 2022")

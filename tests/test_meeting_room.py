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
    import ui.scorecard

    def broken(results) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ui.scorecard, "show_compact_scorecard", broken)
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

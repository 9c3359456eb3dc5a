"""Scenario files and links: anything a user can type or tamper with yields valid data or our own error."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import PlannerError
from planner.packs import load_pack
from planner.scenario import dumps, from_query, loads, minimal, resolve, to_query, validate

HD = load_pack("hai-duong-2023")
LEVER_IDS = [lv.id for lv in HD.levers]
keys = st.one_of(st.sampled_from([*LEVER_IDS, "pack", "preset", "lang", "uncertainty", "window_start"]),
                 st.text(max_size=30))
values = st.one_of(st.text(max_size=80), st.floats(allow_nan=True, allow_infinity=True).map(str),
                   st.integers(-10**12, 10**12).map(str), st.sampled_from(["nan", "inf", "-0", "1e308", "0,5", ""]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, values, max_size=8))
def test_any_query_gives_a_valid_scenario_and_notices(params):
    data, lang, notices = from_query(params)
    assert lang in ("vi", "en")
    assert all(isinstance(n, PlannerError) for n in notices)
    resolved = resolve(data)  # the decoded scenario is always usable by the engine
    for lever in resolved.pack.levers:
        assert lever.lo <= resolved.values[lever.id] <= lever.hi


def test_link_round_trip_carries_only_changed_levers():
    data = {"pack": "hai-duong-2023", "preset": "plan-pace", "levers": {"htx_new_per_year": 30, "hightech_q": 0.151}}
    query = to_query(data, "en")
    assert set(query) == {"pack", "preset", "lang", "htx_new_per_year"}  # hightech_q equals the preset
    back, lang, notices = from_query(query)
    assert lang == "en" and not notices
    assert minimal(back)["levers"] == minimal(data)["levers"]


def test_tampered_link_values_are_ignored_with_notices():
    data, _, notices = from_query({"pack": "hai-duong-2023", "htx_new_per_year": "x" * 500,
                                   "quality_upgrade_rate": "7", "preset": "<script>", "unknown": "1"})
    assert data["levers"] == {} and data["preset"] == "trend"
    assert len(notices) == 4
    assert all(n.message("vi") and n.message("en") for n in notices)


def test_scenario_of_the_other_pack_via_link_keeps_its_levers_valid():
    data, _, notices = from_query({"pack": "vietnam-nq20", "digital_p": "0.1", "members_p": "0.01"})
    assert data["pack"] == "vietnam-nq20"
    assert data["levers"] == {"members_p": 0.01}
    assert len(notices) == 1 and "digital_p" in notices[0].where


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["pack", "preset", "levers", "name", "note", "draws", "seed",
                                        "uncertainty", "window_start", "extra"]), json_values, max_size=6))
def test_any_json_object_is_valid_or_our_error(obj):
    try:
        clean = validate(obj)
    except PlannerError as exc:
        assert exc.message("vi") and exc.message("en")
        return
    resolve(clean)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_valid_or_our_error(text):
    with contextlib.suppress(PlannerError):  # our own error is fine; any other exception fails
        loads(text)


def test_file_round_trip_is_exact():
    data = {"pack": "hai-duong-2023", "preset": "cautious", "levers": {"digital_ceiling": 0.95},
            "name": "Kịch bản <b>thử</b>", "note": "ghi chú"}
    again = loads(dumps(data))
    assert minimal(again) == minimal(data)
    assert json.loads(dumps(data))["name"] == "Kịch bản <b>thử</b>"  # kept as text, never interpreted


@pytest.mark.parametrize("bad", [
    {"pack": "hai-duong-2023", "levers": {"htx_new_per_year": "many"}},
    {"pack": "hai-duong-2023", "levers": {"htx_new_per_year": True}},
    {"pack": "hai-duong-2023", "levers": ["htx_new_per_year", 3]},
    {"pack": "hai-duong-2023", "name": "x" * 5000},
    {"pack": "hai-duong-2023", "draws": 2.5},
    {"pack": "hai-duong-2023", "window_start": 2019},
    {"pack": "hai-duong-2023", "levers": {"members_p": 0.01}},  # a national lever in the provincial pack
])
def test_bad_scenarios_are_rejected_with_a_vietnamese_message(bad):
    with pytest.raises(PlannerError) as info:
        validate(bad)
    assert any(ord(c) > 127 for c in info.value.message("vi"))

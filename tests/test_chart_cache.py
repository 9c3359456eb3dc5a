"""The milestone layers every chart shares are built once per domain and language (``charts._milestone_rules``):
a chart drawn with the cached layers is the very spec drawn without them, and writing a spec never
changes the cached layers (a second scenario's chart is not drawn with the first one's leftovers)."""

from __future__ import annotations

import json

from planner import charts
from planner.model import Settings, project
from planner.results import observations_frame, tidy_trajectories

SETTINGS = Settings(draws=200)


def spec(pack, values, indicator: str, lang: str) -> str:
    traj = tidy_trajectories(project(pack, values, SETTINGS))
    chart = charts.fan_chart(traj, indicator, observations_frame(pack, ()), pack.targets, pack, lang)
    return json.dumps(chart.to_dict(validate=False), sort_keys=True, ensure_ascii=False)


def test_cached_milestone_layers_give_the_same_spec_as_fresh_ones(hd_pack):
    trend = hd_pack.preset("trend")
    charts._milestone_rules.cache_clear()
    fresh = {(i, lang): spec(hd_pack, trend, i, lang) for i in ("htx", "good_fair_share") for lang in ("vi", "en")}
    # Another scenario in between (its chart reuses the layers), then the first again: still the spec
    # built from nothing.
    spec(hd_pack, {**trend, "htx_new_per_year": 40.0}, "htx", "vi")
    assert charts._milestone_rules.cache_info().hits > 0
    for (indicator, lang), expected in fresh.items():
        assert spec(hd_pack, trend, indicator, lang) == expected
    charts._milestone_rules.cache_clear()
    assert spec(hd_pack, trend, "htx", "vi") == fresh[("htx", "vi")]


def test_milestone_labels_follow_the_language(hd_pack):
    trend = hd_pack.preset("trend")
    assert "Mốc 2030" in spec(hd_pack, trend, "htx", "vi")
    assert "2030 milestone" in spec(hd_pack, trend, "htx", "en")

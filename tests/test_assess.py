"""Reading projections against the plan: every target assessed, the likelihood and pace scales, the
target rules, exact founding probabilities, goal-seek and the tornado."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from planner.assess import (
    assess,
    base_value,
    goal_seek,
    meets,
    pace_ratio,
    probability,
    target_values,
    tornado,
)
from planner.model import Projection, Settings, project
from planner.packs import PRESETS
from planner.registry import LIKELIHOOD, LIKELY_THRESHOLD, PACE, likelihood, pace
from tests.conftest import ALL_PACKS


# These tests check the models from the base year, so the packs here carry no actual figures (a pack's
# figures move each indicator's start; tests/test_monitoring.py checks that).
@pytest.fixture(scope="module")
def hd_pack():
    from dataclasses import replace as _replace

    from planner.packs import load_pack
    return _replace(load_pack("hai-duong-2023"), actuals=())


@pytest.fixture(scope="module")
def nq_pack():
    from dataclasses import replace as _replace

    from planner.packs import load_pack
    return _replace(load_pack("vietnam-nq20"), actuals=())


@pytest.fixture(scope="module", params=ALL_PACKS)
def each_pack(request):
    """Every shipped pack in turn, without its actual figures (the models from the base year)."""
    from dataclasses import replace as _replace

    from planner.packs import load_pack
    return _replace(load_pack(request.param), actuals=())


def prob_at(pack, values, target_id, settings, **levers):
    target = pack.target(target_id)
    proj = project(pack, {**values, **levers}, settings, wanted={target.indicator})
    return probability(target, proj, pack, settings)


# --- Every target assessed --------------------------------------------------------------------------

@pytest.mark.parametrize("preset", PRESETS)
def test_every_target_is_assessed_with_finite_numbers(each_pack, preset, small_settings):
    pack = each_pack
    rows = assess(pack, pack.preset(preset), small_settings)
    assert tuple(r.id for r in rows) == pack.target_ids  # every target listed, projected or not
    likelihood_ids = {b.id for b in LIKELIHOOD}
    pace_ids = {b.id for b in PACE}
    for row, target in zip(rows, pack.targets, strict=True):
        assert row.modelled == target.modelled
        if not row.modelled:
            # No projection: no numbers, and the pace reading (if any) comes from actual figures.
            assert (row.deterministic, row.p10, row.p50, row.p90, row.probability) == (None,) * 5
            assert row.likelihood == "not_modelled"
            assert row.status == "no_data" if row.pace_ratio is None else row.status == pace(row.pace_ratio).id
            continue
        numbers = (row.threshold, row.tolerance, row.deterministic, row.p10, row.p50, row.p90,
                   row.probability)
        assert all(math.isfinite(x) for x in numbers), row
        assert 0 <= row.probability <= 1
        assert row.p10 <= row.p50 <= row.p90
        assert row.likelihood == likelihood(row.probability).id and row.likelihood in likelihood_ids
        assert row.status in pace_ids
        if row.pace_ratio is None:
            # No change required: the target was already met at the base year.
            assert meets(target, base_value(target, pack)), row
        else:
            assert math.isfinite(row.pace_ratio)
            assert row.status == pace(row.pace_ratio).id


# --- Reading scales ---------------------------------------------------------------------------------

@pytest.mark.parametrize("p, word", [
    (1.0, "very_likely"), (0.90, "very_likely"), (0.8999, "likely"), (0.66, "likely"),
    (0.6599, "about_as_likely"), (0.5, "about_as_likely"), (0.33, "about_as_likely"),
    (0.3299, "unlikely"), (0.2, "unlikely"), (0.10, "unlikely"), (0.0999, "very_unlikely"),
    (0.05, "very_unlikely"), (0.0, "very_unlikely"),
])
def test_likelihood_words_follow_the_ipcc_scale(p, word):
    assert likelihood(p).id == word


def test_likelihood_and_pace_labels_are_filled_and_distinct():
    for bands in (LIKELIHOOD, PACE):
        for lang in ("vi", "en"):
            labels = [b.label(lang) for b in bands]
            assert all(label.strip() for label in labels)
            assert len(set(labels)) == len(labels)
        assert all(b.vi != b.en for b in bands)
        assert len({b.symbol for b in bands}) == len(bands)  # colour is never the only signal
    assert LIKELY_THRESHOLD == 0.66


@pytest.mark.parametrize("ratio, band", [
    (1.5, "on_track"), (0.95, "on_track"), (0.9499, "acceleration_needed"),
    (0.60, "acceleration_needed"), (0.5999, "limited_progress"), (0.0, "limited_progress"),
    (-1e-9, "moving_away"), (-3.0, "moving_away"),
])
def test_pace_bands_at_their_boundaries(ratio, band):
    assert pace(ratio).id == band


# --- Target rules -----------------------------------------------------------------------------------

def test_strictly_greater_target_is_not_met_at_the_threshold(hd_pack):
    over_70 = hd_pack.target("good_fair_2030")
    assert over_70.rule == "gt" and over_70.threshold == 0.70
    assert not meets(over_70, 0.70)
    assert meets(over_70, 0.7001)
    at_least_70 = replace(over_70, rule="ge")
    assert meets(at_least_70, 0.70)
    assert not meets(at_least_70, 0.6999)


def test_probability_of_a_share_exactly_at_a_strict_threshold_is_zero(hd_pack, small_settings):
    # Every draw lands exactly on 70 %: "over 70 %" is met by none, "at least 70 %" by all.
    years = np.arange(2022, 2046)
    proj = Projection(years, {"good_fair_share": np.full(len(years), 0.70)},
                      {"good_fair_share": np.full((50, len(years)), 0.70)})
    target = hd_pack.target("good_fair_2030")
    assert probability(target, proj, hd_pack, small_settings) == 0.0
    assert probability(replace(target, rule="ge"), proj, hd_pack, small_settings) == 1.0


def test_full_coverage_is_met_within_its_tolerance(hd_pack):
    full = hd_pack.target("digital_2030")
    assert (full.rule, full.threshold, full.tolerance) == ("full", 1.0, 0.005)
    assert meets(full, 0.995)
    assert meets(full, 1.0)
    assert not meets(full, 0.994)
    assert not meets(full, 0.9949)


def test_increase_means_at_least_the_base_year_plus_one(hd_pack, fixed_settings):
    more = hd_pack.target("export_2030")
    b = hd_pack.baseline["export"].value  # 3 directly exporting HTX in 2022
    assert more.rule == "increase" and more.threshold == b
    assert not meets(more, b)
    assert not meets(more, b + 0.8)  # a central path of 3.8 is not an increase of a count
    assert meets(more, b + 1)
    # The pace reads the same way: the required change is one exporter.
    assert pace_ratio(more, b + 0.5, hd_pack) == pytest.approx(0.5)
    # With no growth, exporters stop at 10 % a year and as many start: after 8 years the 3 of 2022
    # survive as Binomial(3, 0.9^8) and the entrants alive are Poisson(3 (1 − 0.9^8)).
    values = {**hd_pack.preset("trend"), "export_growth": 0.0}
    p = prob_at(hd_pack, values, "export_2030", fixed_settings)
    s8 = 0.9 ** 8
    lam = 3 * (1 - s8)
    exact = sum(math.comb(3, k) * s8**k * (1 - s8) ** (3 - k)
                * (1 - sum(math.exp(-lam) * lam**j / math.factorial(j) for j in range(4 - k)))
                for k in range(4))
    assert p == pytest.approx(exact, abs=1e-9)
    # And the simulated paths agree with the closed form (within 4 standard errors of 20,000 draws).
    settings = Settings(draws=20_000, uncertainty=0.0)
    proj = project(hd_pack, values, settings, wanted={"export"})
    simulated = float(np.mean(proj.draws["export"][:, proj.column(2030)] >= b + 1))
    assert abs(simulated - exact) < 4 * math.sqrt(exact * (1 - exact) / 20_000)


# --- Founding probabilities and the plan pace ------------------------------------------------------

def test_union_founding_probability_is_the_exact_poisson_tail(hd_pack):
    # 0.25 unions a year for 8 years, levers fixed: N ~ Poisson(2), P(N ≥ 2) = 1 − e^−2 (1 + 2).
    settings = Settings(draws=20_000, uncertainty=0.0)
    values = {**hd_pack.preset("plan-pace"), "lhhtx_new_per_year": 0.25, "foundings_dispersion": 0.0}
    target = hd_pack.target("new_lhhtx_2030")
    proj = project(hd_pack, values, settings, wanted={"new_lhhtx"})
    exact = 1 - math.exp(-2) * 3
    assert probability(target, proj, hd_pack, settings) == pytest.approx(exact, abs=1e-9)
    # The simulated foundings agree with it (binomial standard error ≈ 0.0035 with 20,000 draws).
    simulated = np.mean(target_values(target, proj, hd_pack, settings) >= 2)
    assert simulated == pytest.approx(exact, abs=0.015)


@pytest.mark.parametrize("target_id, plan_total", [
    ("new_htx_2030", 180), ("new_tht_2030", 30), ("new_lhhtx_2030", 2)])
def test_plan_pace_puts_founding_targets_at_about_even_odds(hd_pack, target_id, plan_total):
    rows = {r.id: r for r in assess(hd_pack, hd_pack.preset("plan-pace"), Settings(draws=2000))}
    row = rows[target_id]
    assert row.deterministic == pytest.approx(plan_total, rel=1e-12)  # exactly at the target
    assert row.pace_ratio == pytest.approx(1.0)
    assert row.status == "on_track"
    # Integer outcomes of a Poisson count around its mean: a little above one half.
    assert 0.45 <= row.probability <= 0.65
    assert row.likelihood == "about_as_likely"


def test_plan_pace_new_htx_is_exactly_180(hd_pack):
    proj = project(hd_pack, hd_pack.preset("plan-pace"), Settings(draws=1), wanted={"new_htx"},
                   monte_carlo=False)
    target = hd_pack.target("new_htx_2030")
    assert target_values(target, proj, hd_pack, Settings(draws=1), deterministic=True) == 180.0
    assert pace_ratio(target, 180.0, hd_pack) == 1.0


# --- Goal-seek --------------------------------------------------------------------------------------

GS_SETTINGS = Settings(draws=2000)


@pytest.mark.parametrize("uncertainty", [0.0, 1.0])
def test_goal_seek_foundings_breakeven_is_the_plan_pace(hd_pack, uncertainty):
    settings = Settings(draws=2000, uncertainty=uncertainty)
    values = hd_pack.preset("plan-pace")
    assert values["htx_new_growth"] == 0.0
    gs = goal_seek(hd_pack, values, "new_htx_2030", "htx_new_per_year", settings)
    assert (gs.status, gs.direction) == ("reachable", "min")
    assert gs.breakeven == pytest.approx(180 / 8, abs=0.01)
    step = hd_pack.lever("htx_new_per_year").step
    assert gs.likely_value > gs.breakeven  # being likely needs more than the break-even pace
    assert gs.likely_value / step == pytest.approx(round(gs.likely_value / step))  # on the slider grid
    assert prob_at(hd_pack, values, "new_htx_2030", settings, htx_new_per_year=gs.likely_value) \
        >= LIKELY_THRESHOLD


# Regression: snapping the bisection's end to the slider grid once skipped a position that suffices.


@pytest.mark.parametrize("pack_name, target_id, lever_id, uncertainty", [
    ("hd_pack", "new_htx_2030", "htx_new_per_year", 0.0),
    ("hd_pack", "linkage_2030", "linkage_q", 0.0),
    ("nq_pack", "htx_2030", "htx_dissolution_rate", 0.0),
    ("hd_pack", "new_htx_2030", "htx_new_per_year", 1.0),
    ("hd_pack", "good_fair_2030", "quality_upgrade_rate", 0.0),
    ("nq_pack", "htx_2030", "htx_new_per_year", 1.0),
])
def test_goal_seek_likely_value_is_the_first_step_that_suffices(request, pack_name, target_id, lever_id,
                                                                uncertainty):
    # A planner reads "you need v": v must make the target likely, and one slider step less
    # ambitious (v − step for "min", v + step for "max") must not.
    pack = request.getfixturevalue(pack_name)
    settings = Settings(draws=2000, uncertainty=uncertainty)
    values = pack.preset("trend")
    gs = goal_seek(pack, values, target_id, lever_id, settings)
    assert gs.status == "reachable"
    lever = pack.lever(lever_id)
    easier = gs.likely_value - lever.step if gs.direction == "min" else gs.likely_value + lever.step
    assert prob_at(pack, values, target_id, settings, **{lever_id: gs.likely_value}) >= LIKELY_THRESHOLD
    if lever.lo <= easier <= lever.hi:
        assert prob_at(pack, values, target_id, settings, **{lever_id: easier}) < LIKELY_THRESHOLD


def test_goal_seek_dissolution_against_a_stock_target_seeks_a_maximum(nq_pack):
    settings = Settings(draws=2000, uncertainty=0.0)
    values = nq_pack.preset("trend")
    gs = goal_seek(nq_pack, values, "htx_2030", "htx_dissolution_rate", settings)
    assert gs.direction == "max"  # fewer dissolutions help: the answer is the most one can afford
    assert gs.status == "reachable"
    assert gs.bound == 0.0
    assert gs.likely_value <= gs.breakeven + 0.0025
    assert prob_at(nq_pack, values, "htx_2030", settings, htx_dissolution_rate=gs.likely_value) >= 0.66


def test_full_effectiveness_is_out_of_reach_by_upgrades_alone(hd_pack, small_settings):
    # With downgrades v > 0 the good/fair share is pulled toward about u / (u + v) (new HTX, which
    # mostly start below good/fair, pull it lower still): even the upgrade rate's upper bound
    # u = 0.5 against v = 0.02 gives at most 0.5 / 0.52 ≈ 96 %, short of the 99.5 % that counts as
    # "100 % operating effectively".  No upgrade rate makes the 2045 target likely.
    values = hd_pack.preset("plan-pace")
    assert values["quality_downgrade_rate"] > 0
    gs = goal_seek(hd_pack, values, "effective_2045", "quality_upgrade_rate", small_settings)
    assert gs.status == "out_of_reach"
    assert gs.likely_value is None and gs.breakeven is None
    assert gs.bound == hd_pack.lever("quality_upgrade_rate").hi
    assert gs.probability_at_bound < LIKELY_THRESHOLD
    # And the reason holds on the deterministic path: at the bound the share stays below 99.5 %.
    proj = project(hd_pack, {**values, "quality_upgrade_rate": 0.5}, small_settings,
                   wanted={"good_fair_share"}, monte_carlo=False)
    assert proj.deterministic["good_fair_share"][-1] < 0.5 / 0.52 + 1e-9


@pytest.mark.parametrize("target_id, lever_id", [
    ("new_htx_2030", "linkage_p"),  # another family altogether
    ("new_htx_2030", "htx_dissolution_rate"),  # dissolutions do not change how many are founded
    ("hightech_2030", "quality_upgrade_rate"),
])
def test_goal_seek_lever_without_effect(hd_pack, small_settings, target_id, lever_id):
    gs = goal_seek(hd_pack, hd_pack.preset("trend"), target_id, lever_id, small_settings)
    assert gs.status == "no_effect"
    assert gs.likely_value is None and gs.breakeven is None


def test_goal_seek_breakeven_agrees_with_the_rule_used_for_probability(nq_pack, fixed_settings):
    # With uncertainty 0 a Bass share has no noise: each draw equals the deterministic path.  So the
    # deterministic break-even (smallest q that meets the target) cannot exceed the likely value.
    values = {**nq_pack.preset("trend"), "members_ceiling": 0.3}
    gs = goal_seek(nq_pack, values, "members_2045", "members_q", fixed_settings)
    assert gs.status == "reachable"
    assert gs.breakeven <= gs.likely_value + 1e-9


def test_goal_seek_breakeven_when_the_ceiling_equals_the_target(nq_pack, fixed_settings):
    values = {**nq_pack.preset("trend"), "members_ceiling": nq_pack.target("members_2045").threshold}
    gs = goal_seek(nq_pack, values, "members_2045", "members_q", fixed_settings)
    assert gs.status == "reachable"
    assert gs.breakeven <= gs.likely_value + 1e-9


# --- Tornado ----------------------------------------------------------------------------------------

def test_tornado_for_foundings_is_sorted_and_led_by_the_founding_pace(hd_pack, small_settings):
    swings = tornado(hd_pack, hd_pack.preset("plan-pace"), "new_htx_2030", small_settings)
    widths = [s.width for s in swings]
    assert widths == sorted(widths, reverse=True)
    by_id = {s.lever: s for s in swings}
    assert {"htx_new_per_year", "htx_new_growth"} <= set(by_id)
    assert set(by_id) <= {"htx_new_per_year", "htx_new_growth", "htx_dissolution_rate"}
    assert swings[0].lever == "htx_new_per_year"
    pace_swing = by_id["htx_new_per_year"]
    # ±30 % of 22.5 a year over 8 years: 126 to 234 foundings.
    assert pace_swing.value_at_low == pytest.approx(0.7 * 180)
    assert pace_swing.value_at_high == pytest.approx(1.3 * 180)
    assert pace_swing.probability_at_high > pace_swing.base_probability > pace_swing.probability_at_low


def test_tornado_lists_only_levers_that_can_move_the_target(hd_pack, small_settings):
    swings = tornado(hd_pack, hd_pack.preset("plan-pace"), "new_htx_2030", small_settings)
    assert "htx_dissolution_rate" not in {s.lever for s in swings}
    assert all(s.width > 0 for s in swings)


def test_tornado_for_the_good_fair_share_covers_the_quality_levers(hd_pack, small_settings):
    swings = tornado(hd_pack, hd_pack.preset("trend"), "good_fair_2030", small_settings)
    widths = [s.width for s in swings]
    assert widths == sorted(widths, reverse=True)
    ids = {s.lever for s in swings}
    assert {"quality_upgrade_rate", "quality_downgrade_rate", "quality_new_good_share",
            "quality_dissolution_weak_share"} <= ids
    assert not ids & {"linkage_p", "hightech_q", "digital_p"}
    up = next(s for s in swings if s.lever == "quality_upgrade_rate")
    down = next(s for s in swings if s.lever == "quality_downgrade_rate")
    assert up.value_at_high > up.base_value > up.value_at_low
    assert down.value_at_high < down.base_value < down.value_at_low

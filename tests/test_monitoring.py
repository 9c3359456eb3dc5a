"""Monitoring: every projection starts from what has actually happened (closed forms, CLI contract)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from scipy import stats

from planner.assess import assess, probability, target_values
from planner.cli import main
from planner.model import Settings, project
from planner.monitoring import evidence_for, fingerprint, no_evidence, refit
from planner.packs import Observation, load_pack
from planner.scenario import resolve

GOLDEN = Path(__file__).resolve().parent / "golden"
NEW_TARGET_KEYS = ("recorded", "recorded_year", "progress", "elapsed")


@pytest.fixture(scope="module")
def bare():
    """The Hải Dương pack without its own figures: each test brings the figures it is about."""
    return replace(load_pack("hai-duong-2023"), actuals=())


def fixed_htx(pack, lam=20.0, delta=0.03):
    """HTX levers fixed, foundings Poisson (no year-to-year dispersion), for closed forms."""
    values = pack.preset("trend")
    values.update(htx_new_per_year=lam, htx_dissolution_rate=delta, htx_new_growth=0.0, foundings_dispersion=0.0)
    return values


def fig(indicator, year, value, **kw):
    return Observation(indicator, year, value, **kw)


# --- Stocks pass through the figure and grow from there ----------------------------------------------

def test_a_stock_figure_restarts_the_closed_form_from_its_year(bare):
    lam, delta, s_a, year_a = 20.0, 0.03, 571.0, 2025
    ev = evidence_for(bare, [fig("htx", year_a, s_a)])
    proj = project(bare, fixed_htx(bare, lam, delta), Settings(draws=400), wanted={"htx"}, evidence=ev)
    t = np.arange(year_a, bare.horizon + 1)
    steady = lam / delta
    expected = steady + (s_a - steady) * (1 - delta) ** (t - year_a)
    np.testing.assert_allclose(proj.deterministic["htx"][proj.column(year_a):], expected, rtol=1e-12)
    # Every draw passes through the figure; the years between base and figure lie on the line between.
    assert (proj.draws["htx"][:, proj.column(year_a)] == s_a).all()
    np.testing.assert_allclose(proj.deterministic["htx"][:4], np.interp([2022, 2023, 2024, 2025],
                                                                      [2022, 2025], [522, s_a]))
    # Without the figure the same levers give another path: the figure is what moved it.
    plain = project(bare, fixed_htx(bare, lam, delta), Settings(draws=10), wanted={"htx"},
                    evidence=no_evidence(bare))
    assert plain.deterministic["htx"][proj.column(year_a)] != pytest.approx(s_a)


def test_a_base_year_figure_replaces_the_packs_estimate(bare):
    ev = evidence_for(bare, [fig("hightech", 2022, 40)])
    proj = project(bare, bare.preset("trend"), Settings(draws=200), wanted={"hightech"}, evidence=ev)
    assert proj.deterministic["hightech"][0] == pytest.approx(40)
    assert (proj.draws["hightech"][:, 0] == pytest.approx(40))


def test_the_observed_share_splits_the_observed_stock_into_its_classes(bare):
    """good/fair 0.6 observed in 2024 with 530 HTX, 20 of them founded that year and not yet rated:
    every draw holds 0.6 then; the next year follows the step from G = 306, W = 204, U = 20."""
    ev = evidence_for(bare, [fig("htx", 2024, 530), fig("good_fair_share", 2024, 0.6)])
    values = fixed_htx(bare)
    values.update(quality_upgrade_rate=0.1, quality_downgrade_rate=0.02, quality_new_good_share=0.5,
                  quality_dissolution_weak_share=1.0)
    proj = project(bare, values, Settings(draws=300), wanted={"good_fair_share"}, evidence=ev)
    col = proj.column(2024)
    assert (proj.draws["good_fair_share"][:, col] == 0.6).all()
    good, weak, unrated = 306.0, 204.0, 20.0
    gone = 0.03 * 530
    weak -= gone  # all dissolutions from the weak class
    up, down = 0.1 * weak, 0.02 * good
    # last year's new HTX get their first rating (half good); this year's arrive unrated
    good, weak = good + up - down + 0.5 * unrated, weak - up + down + 0.5 * unrated
    assert proj.deterministic["good_fair_share"][col + 1] == pytest.approx(good / (good + weak), rel=1e-12)


def test_a_high_tech_count_figure_is_a_share_of_that_years_stock_in_every_draw(bare):
    ev = evidence_for(bare, [fig("hightech", 2024, 35)])
    proj = project(bare, bare.preset("plan-pace"), Settings(draws=500), wanted={"hightech"}, evidence=ev)
    col = proj.column(2024)
    assert (proj.draws["hightech"][:, col] == 35).all()
    share = 35 / proj.draws["htx"][:, col]
    # the next year is the Bass step from that share, times the next year's stock, draw by draw
    lv = proj.lever_draws
    from planner.model import bass_step
    nxt = bass_step(share, lv["hightech_p"], lv["hightech_q"], lv["hightech_ceiling"]) * proj.draws["htx"][:, col + 1]
    np.testing.assert_allclose(proj.draws["hightech"][:, col + 1], nxt, rtol=1e-12)


# --- Recorded foundings count as done -----------------------------------------------------------------

def test_recorded_foundings_shift_the_window_sum_and_give_the_closed_poisson_form(bare):
    target = bare.target("new_htx_2030")
    lam = 22.5
    values = fixed_htx(bare, lam)
    settings = Settings(draws=300, uncertainty=0.0)
    recorded = {2023: 30, 2024: 35, 2025: 32}
    ev = evidence_for(bare, [fig("new_htx", y, v) for y, v in recorded.items()])
    plain = project(bare, values, settings, wanted={"new_htx"}, evidence=no_evidence(bare))
    done = project(bare, values, settings, wanted={"new_htx"}, evidence=ev)
    before = target_values(target, plain, bare, settings, deterministic=True)
    after = target_values(target, done, bare, settings, deterministic=True)
    assert after - before == pytest.approx(sum(recorded.values()) - lam * len(recorded), abs=1e-9)
    # Every draw counts the recorded years exactly; only 2026–2030 are drawn.
    cols = [done.column(y) for y in recorded]
    assert (done.draws["new_htx"][:, cols] == list(recorded.values())).all()
    rest = 180 - sum(recorded.values())
    expected = stats.poisson.sf(rest - 1, lam * 5)
    assert probability(target, done, bare, settings) == pytest.approx(expected, rel=1e-12)
    # and the row of the scorecard says what was recorded, and how far along that is
    row = next(r for r in assess(bare, values, settings, evidence=ev) if r.id == "new_htx_2030")
    assert (row.recorded, row.recorded_year) == (97, 2025)
    assert row.progress == pytest.approx(97 / 180)
    assert row.elapsed == pytest.approx(3 / 8)


def test_a_target_already_reached_by_recorded_foundings_is_certain(bare):
    ev = evidence_for(bare, [fig("new_lhhtx", 2023, 1), fig("new_lhhtx", 2024, 1)])
    row = next(r for r in assess(bare, bare.preset("cautious"), Settings(draws=200), evidence=ev)
               if r.id == "new_lhhtx_2030")
    assert row.probability == 1.0 and row.progress == pytest.approx(1.0)


@hsettings(derandomize=True, max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=5), st.integers(0, 4), st.integers(1, 40))
def test_more_recorded_foundings_never_lower_the_probability(counts, which, more):
    pack = replace(load_pack("hai-duong-2023"), actuals=())
    target = pack.target("new_htx_2030")
    values = pack.preset("plan-pace")
    settings = Settings(draws=300)
    which = which % len(counts)
    bigger = [c + more if i == which else c for i, c in enumerate(counts)]

    def p(cs):
        ev = evidence_for(pack, [fig("new_htx", 2023 + i, c) for i, c in enumerate(cs)])
        return probability(target, project(pack, values, settings, wanted={"new_htx"}, evidence=ev), pack, settings)

    assert p(bigger) >= p(counts) - 1e-12


# --- Which figures are used, and why not --------------------------------------------------------------

def test_the_packs_figures_say_which_are_used_and_why_not():
    pack = load_pack("hai-duong-2023")
    ev = evidence_for(pack)
    effective = ev.figure("good_fair_share:2023")
    assert not effective.used and "good/fair" in effective.why_not("en")
    assert "tốt, khá" in effective.why_not("vi")
    assert ev.figure("htx:2023").used and ev.figure("htx:2024").used
    assert ev.latest_year == 2024
    switched = evidence_for(pack, switches={"good_fair_share:2023": True, "htx:2024": False})
    assert switched.figure("good_fair_share:2023").used
    assert switched.figure("htx:2024").reason == "switched_off"
    assert switched.fingerprint != ev.fingerprint
    past = evidence_for(pack, as_of=2023)
    assert not past.figure("htx:2024").used and "2023" in past.figure("htx:2024").why_not("en")


def test_a_later_figure_replaces_the_packs_for_the_same_year():
    pack = load_pack("hai-duong-2023")
    ev = evidence_for(pack, [fig("htx", 2024, 571)])
    assert ev.points("htx")[-1] == (2024, 571.0)
    assert [f.reason for f in ev.figures if f.key == "htx:2024" and f.origin == "pack"] == ["replaced"]


def test_stock_and_flows_that_disagree_are_reported(bare):
    ok = evidence_for(bare, [fig("htx", 2023, 524), fig("new_htx", 2023, 30)])
    assert len(ok.issues) == 1 and not ok.issues[0].contradiction
    assert ok.issues[0].implied == pytest.approx(522 + 30 - 524)
    bad = evidence_for(bare, [fig("htx", 2023, 560), fig("new_htx", 2023, 10)])
    (issue,) = bad.issues
    assert issue.contradiction and issue.implied == pytest.approx(-28)
    assert "contradict" in issue.message("en") and "mâu thuẫn" in issue.message("vi")
    # The stock figure wins: the path passes through it, the foundings still count for the target.
    proj = project(bare, bare.preset("trend"), Settings(draws=50), wanted={"new_htx"}, evidence=bad)
    assert proj.deterministic["htx"][1] == 560 and proj.deterministic["new_htx"][1] == 10


def test_the_fingerprint_names_the_set_of_figures():
    a = [fig("htx", 2024, 530), fig("new_htx", 2023, 30)]
    assert fingerprint(a) == fingerprint(list(reversed(a)))
    assert fingerprint(a) != fingerprint([fig("htx", 2024, 531), fig("new_htx", 2023, 30)])
    assert len(fingerprint(a)) == 10


def test_the_national_figures_move_the_answer():
    """78.1 % rated fair or good (end 2025) against the pack's 50 % estimate for 2024."""
    pack = load_pack("vietnam-nq20")
    settings = Settings(draws=1000)
    values = pack.preset("plan-pace")
    without = next(r for r in assess(pack, values, settings, evidence=no_evidence(pack)) if r.id == "good_fair_2030")
    with_figures = next(r for r in assess(pack, values, settings) if r.id == "good_fair_2030")
    assert without.probability < 0.9 < with_figures.probability
    assert with_figures.recorded == pytest.approx(0.781) and with_figures.recorded_year == 2025
    assert with_figures.progress == pytest.approx((0.781 - 0.5) / (0.6 - 0.5))


def test_the_trend_preset_is_refitted_on_the_figures():
    pack = load_pack("vietnam-nq20")
    ev = evidence_for(pack)
    fitted = refit(pack, ev)
    assert 2025 in fitted.fits["htx"].years and 2025 not in pack.fits["htx"].years
    assert fitted.presets["trend"]["htx_new_per_year"] != pack.presets["trend"]["htx_new_per_year"]
    for name, preset in pack.presets.items():  # only the fitted cells move
        for lever_id, value in preset.items():
            if (name, lever_id) not in pack.fit_cells:
                assert fitted.presets[name][lever_id] == value, (name, lever_id)
    assert refit(pack, evidence_for(pack, as_of=2024)) is pack
    assert resolve({"pack": "vietnam-nq20", "preset": "trend"}).values["htx_new_per_year"] == \
        fitted.presets["trend"]["htx_new_per_year"]


def test_the_slider_memo_still_reuses_the_counts_with_figures_present():
    pack = load_pack("hai-duong-2023")
    values = pack.preset("trend")
    settings = Settings(draws=300)
    a = project(pack, values, settings)
    b = project(pack, {**values, "quality_upgrade_rate": values["quality_upgrade_rate"] + 0.01}, settings)
    assert a.draws["htx"] is b.draws["htx"]
    assert a.draws["good_fair_share"] is not b.draws["good_fair_share"]


# --- The CLI contract -----------------------------------------------------------------------------------

def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("pack_id", "preset"), [("hai-duong-2023", "plan-pace"), ("vietnam-nq20", "trend")])
def test_as_of_before_the_first_figure_reproduces_the_answer_without_figures(capsys, pack_id, preset):
    """The golden files hold the planner's answer without actual figures (written again when the models
    themselves change: two-sided lever draws, unrated new HTX, drawn estimates, negative binomial
    foundings); with --as-of the base year every number and key of them comes back byte for byte."""
    code, out, _ = run(capsys, "assess", "--pack", pack_id, "--preset", preset, "--as-of",
                       str(load_pack(pack_id).base_year), "--format", "json")
    assert code == 0
    golden_text = (GOLDEN / f"assess-{pack_id}.json").read_text(encoding="utf-8").rstrip("\n")
    golden = json.loads(golden_text)
    now = json.loads(out)
    assert now["as_of"] == load_pack(pack_id).base_year and now["actuals_used"] == []
    assert all(t[k] is None for t in now["targets"] for k in NEW_TARGET_KEYS)
    trimmed = {k: now[k] for k in golden}
    trimmed["targets"] = [{k: t[k] for k in g} for t, g in zip(now["targets"], golden["targets"], strict=True)]
    assert json.dumps(trimmed, ensure_ascii=False, indent=2) == golden_text
    code, out, _ = run(capsys, "project", "--pack", pack_id, "--preset", preset, "--as-of",
                       str(load_pack(pack_id).base_year), "--draws", "500", "--format", "json")
    assert out.rstrip("\n") == (GOLDEN / f"project-{pack_id}.json").read_text(encoding="utf-8").rstrip("\n")


def test_assess_json_carries_the_figures_used(capsys, tmp_path):
    path = tmp_path / "so-lieu.csv"
    path.write_text("chỉ tiêu;năm;giá trị\nnew_htx;2023;30\nnew_htx;2024;35\nhtx;2024;571\n", encoding="utf-8")
    code, out, _ = run(capsys, "assess", "--actuals", str(path), "--draws", "300", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == 2024
    used = {(a["indicator"], a["year"]): a["value"] for a in data["actuals_used"]}
    assert used == {("htx", 2023): 524, ("htx", 2024): 571, ("lhhtx", 2023): 1, ("new_htx", 2023): 30,
                    ("new_htx", 2024): 35}
    row = next(t for t in data["targets"] if t["id"] == "new_htx_2030")
    assert (row["recorded"], row["recorded_year"]) == (65, 2024)
    assert next(t for t in data["targets"] if t["id"] == "hightech_2030")["recorded"] is None


def test_project_rows_up_to_the_as_of_year_carry_the_figures(capsys):
    code, out, _ = run(capsys, "project", "--pack", "vietnam-nq20", "--draws", "300", "--format", "json")
    assert code == 0
    rows = {(r["indicator"], r["year"]): r for r in json.loads(out)}
    for indicator, value in (("htx", 35041), ("good_fair_share", 0.781), ("hightech", 2600), ("lhhtx", 164)):
        row = rows[(indicator, 2025)]
        assert [row[k] for k in ("deterministic", "mean", "p10", "p50", "p90")] == [value] * 5, indicator
    assert rows[("htx", 2026)]["p10"] < rows[("htx", 2026)]["p90"]


def test_a_bad_actuals_file_is_one_line_and_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,year,value\nhtx,2024,abc\n", encoding="utf-8")
    for argv in (["assess", "--actuals", str(bad)], ["goal-seek", "--target", "new_htx_2030", "--lever",
                 "htx_new_per_year", "--actuals", str(tmp_path / "none.csv")], ["project", "--as-of", "1999"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, argv
        assert "Traceback" not in err


def test_the_actuals_reader_takes_the_use_columns():
    from planner.actuals import read_actuals

    pack = load_pack("hai-duong-2023")
    data = (b"indicator,year,value,use,why_not\ngood_fair_share,2024,0.6,no,another definition\n"
            b"htx,2024,530,yes,\n")
    obs = read_actuals(data, "a.csv", pack).observations
    assert [(o.indicator, o.use, o.why_not) for o in obs] == [("good_fair_share", False, "another definition"),
                                                             ("htx", True, "")]
    assert math.isclose(evidence_for(pack, obs).points("htx")[-1][1], 530)
    assert not evidence_for(pack, obs).figure("good_fair_share:2024").used


def test_exporters_grow_from_their_figure_and_the_probability_starts_there(bare):
    from planner.model import export_meets_probability

    settings = Settings(draws=200, uncertainty=0.0)
    values = {**bare.preset("trend"), "export_growth": 0.05}
    ev = evidence_for(bare, [fig("export", 2025, 5)])
    proj = project(bare, values, settings, wanted={"export"}, evidence=ev)
    years = np.arange(2025, bare.horizon + 1)
    np.testing.assert_allclose(proj.deterministic["export"][proj.column(2025):], 5 * 1.05 ** (years - 2025))
    target = bare.target("export_2030")  # more than the base year's 3: at least 4
    # the exact per-draw probability of the exporters' path, run from the 2025 figure for five years
    expected = export_meets_probability(np.full(1, 5.0), np.full(1, 0.05), 5, np.full(1, 4))[0]
    assert probability(target, proj, bare, settings) == pytest.approx(expected, rel=1e-12)
    from_base = export_meets_probability(np.full(1, 3.0), np.full(1, 0.05), 8, np.full(1, 4))[0]
    assert expected != pytest.approx(from_base)


def test_a_share_figure_restarts_the_bass_step_from_its_year(bare):
    from planner.model import bass_step

    values = bare.preset("plan-pace")
    ev = evidence_for(bare, [fig("digital_share", 2024, 0.4)])
    proj = project(bare, values, Settings(draws=300), wanted={"digital_share"}, evidence=ev)
    col = proj.column(2024)
    assert (proj.draws["digital_share"][:, col] == 0.4).all()
    lv = proj.lever_draws
    np.testing.assert_allclose(proj.draws["digital_share"][:, col + 1],
                               bass_step(np.full(300, 0.4), lv["digital_p"], lv["digital_q"], lv["digital_ceiling"]))
    assert proj.deterministic["digital_share"][1] == pytest.approx(0.3)  # halfway between 0.20 (2022) and 0.40

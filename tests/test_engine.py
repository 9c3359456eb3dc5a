"""The engine against its closed forms (design.md, "The engine"), the Monte Carlo, calibration and
scenario validation.  Every test states what a planner relies on; tolerances are justified inline."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from planner.assess import probability, target_values
from planner.calibrate import DISSOLUTION_BOUNDS, GROWTH_BOUNDS, fit_counts, stock_path
from planner.errors import PlannerError
from planner.model import Settings, bass_step, lever_range, project
from planner.packs import Observation, load_pack
from planner.scenario import resolve
from tests.conftest import ALL_PACKS, packs_with

COUNTS = ("htx", "tht", "lhhtx")
SHARES = ("good_fair_share", "digital_share", "linkage_share", "households_share", "members_share")


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


def det(pack, values, wanted, **kw):
    """The deterministic path only (no Monte Carlo)."""
    return project(pack, values, Settings(draws=1, uncertainty=0.0, **kw), wanted=set(wanted),
                   monte_carlo=False)


def with_levers(pack, preset="plan-pace", **levers):
    values = pack.preset(preset)
    values.update(levers)
    return values


# --- Birth–death counts: closed forms ---------------------------------------------------------------

@pytest.mark.parametrize("kind, lam0", [("htx", 17.3), ("tht", 3.75), ("lhhtx", 0.25)])
def test_foundings_over_window_equal_eight_years_of_lambda_when_growth_is_zero(hd_pack, kind, lam0):
    # Plan window 2023–2030 is 8 years: "newly founded" at a constant pace λ0 is 8·λ0.
    values = with_levers(hd_pack, **{f"{kind}_new_per_year": lam0})
    if kind != "lhhtx":
        values[f"{kind}_new_growth"] = 0.0
    proj = det(hd_pack, values, {f"new_{kind}"})
    target = hd_pack.target(f"new_{kind}_2030")
    total = target_values(target, proj, hd_pack, Settings(draws=1), deterministic=True)
    assert total == pytest.approx(8 * lam0, rel=1e-12)
    # Every year of the window founds exactly λ0 (the first projected year already has λ0).
    window = proj.deterministic[f"new_{kind}"][proj.column(2023):proj.column(2030) + 1]
    np.testing.assert_allclose(window, lam0, rtol=1e-12)


def test_national_window_is_six_years(nq_pack):
    # The national pack's base year is 2024: foundings 2025–2030 are six years of λ0.
    values = with_levers(nq_pack, htx_new_per_year=2000.0, htx_new_growth=0.0)
    proj = det(nq_pack, values, {"new_htx"})
    cols = slice(proj.column(2025), proj.column(2030) + 1)
    assert proj.deterministic["new_htx"][cols].sum() == pytest.approx(6 * 2000.0, rel=1e-12)


@pytest.mark.parametrize("g", [-0.05, 0.04, 0.12])
@pytest.mark.parametrize("window_start", [None, 2025])
def test_foundings_with_growth_are_the_geometric_sum(hd_pack, g, window_start):
    lam0 = 20.0
    values = with_levers(hd_pack, htx_new_per_year=lam0, htx_new_growth=g)
    settings = Settings(draws=1, uncertainty=0.0, window_start=window_start)
    proj = project(hd_pack, values, settings, wanted={"new_htx"}, monte_carlo=False)
    first = window_start or 2023
    expected = sum(lam0 * (1 + g) ** (t - 2022 - 1) for t in range(first, 2031))
    got = target_values(hd_pack.target("new_htx_2030"), proj, hd_pack, settings, deterministic=True)
    assert got == pytest.approx(expected, rel=1e-12)
    # Closed form of the same sum when the window starts in the first projected year.
    if window_start is None:
        assert got == pytest.approx(lam0 * ((1 + g) ** 8 - 1) / g, rel=1e-12)


@pytest.mark.parametrize("pack_name, kind, lam, delta", [
    ("hd_pack", "htx", 22.5, 0.028),
    ("hd_pack", "tht", 3.0, 0.05),
    ("hd_pack", "lhhtx", 0.25, 0.02),
    ("nq_pack", "htx", 2330.0, 0.01),
    ("nq_pack", "tht", 17600.0, 0.3),
])
def test_deterministic_stock_follows_the_closed_form_to_2045(request, pack_name, kind, lam, delta):
    pack = request.getfixturevalue(pack_name)
    values = with_levers(pack, **{f"{kind}_new_per_year": lam, f"{kind}_dissolution_rate": delta})
    if kind != "lhhtx":
        values[f"{kind}_new_growth"] = 0.0
    proj = det(pack, values, {kind})
    s0 = pack.baseline[kind].value
    t = proj.years - pack.base_year
    steady = lam / delta
    expected = steady + (s0 - steady) * (1 - delta) ** t
    assert proj.years[-1] == 2045
    np.testing.assert_allclose(proj.deterministic[kind], expected, rtol=1e-10)


def test_without_dissolution_the_stock_grows_by_lambda_a_year(hd_pack):
    values = with_levers(hd_pack, htx_new_per_year=10.0, htx_new_growth=0.0, htx_dissolution_rate=0.0)
    proj = det(hd_pack, values, {"htx"})
    s0 = hd_pack.baseline["htx"].value
    np.testing.assert_allclose(proj.deterministic["htx"], s0 + 10.0 * (proj.years - 2022), rtol=1e-12)


# --- Bass diffusion ---------------------------------------------------------------------------------

def _path(a0, p, q, k, steps):
    a = np.asarray(a0, dtype=float)
    p, q, k = (np.broadcast_to(np.asarray(x, dtype=float), a.shape) for x in (p, q, k))
    out = [a]
    for _ in range(steps):
        a = bass_step(a, p, q, k)
        out.append(a)
    return np.array(out)  # (steps + 1, n)


def test_bass_without_peer_effect_approaches_the_ceiling_geometrically():
    # q = 0: K − a_t = (K − a0)(1 − p)^t exactly (a steady approach, no S-curve).
    a0 = np.array([0.0, 0.05, 0.2, 0.5, 0.3])
    p = np.array([0.01, 0.1, 0.3, 0.05, 0.0])
    k = np.array([1.0, 0.6, 0.9, 0.55, 0.8])
    path = _path(a0, p, 0.0, k, 40)
    t = np.arange(41)[:, None]
    expected = k - (k - a0) * (1 - p) ** t
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-14)


def test_bass_pure_imitation_squares_the_gap_each_year():
    # p = 0, q = 1, K = 1: a' = a + a(1 − a), so 1 − a' = (1 − a)² and 1 − a_t = (1 − a0)^(2^t).
    # Exact in real numbers; in floating point each squaring doubles the relative error of 1 − a
    # (≈ 2^t·1e-16/(1 − a)), so we stop while 1 − a ≥ 1e-4 and compare to 1e-9.
    for a0 in (0.01, 0.05, 0.1, 0.3):
        path = _path(np.array([a0]), 0.0, 1.0, 1.0, 12)[:, 0]
        for t, a in enumerate(path):
            exact_gap = (1 - a0) ** (2**t)
            if exact_gap < 1e-4:
                break
            assert 1 - a == pytest.approx(exact_gap, rel=1e-9), (a0, t)
        assert t >= 3  # the check covered several doublings


def test_bass_pure_imitation_tracks_the_continuous_logistic():
    # p = 0, small q: the discrete step is Euler's method (step 1) on da/dt = q·a(1 − a/K), whose
    # solution is K / (1 + ((K − a0)/a0)·e^(−q t)).  Early on the discrete path grows by (1 + q) a
    # year instead of e^q: its log lags by q − ln(1 + q) ≈ q²/2 a year, so the relative gap after t
    # years is at most ≈ t·q²/2 (saturation near K only shrinks it).  Check that bound for a century.
    q, k, a0 = 0.02, 0.6, 0.03
    path = _path(np.array([a0]), 0.0, q, k, 100)[:, 0]
    t = np.arange(101)
    logistic = k / (1 + (k - a0) / a0 * np.exp(-q * t))
    rel = np.abs(path / logistic - 1)
    assert np.all(rel <= t * q**2 / 2 + 1e-12)
    assert rel[-1] < 0.02  # and it is small in absolute terms: under 2 % after 100 years


def test_bass_without_push_and_without_adopters_stays_at_zero():
    path = _path(np.zeros(4), 0.0, np.array([0.0, 0.3, 1.0, 0.5]), np.array([1.0, 0.5, 0.9, 0.0]), 30)
    assert np.all(path == 0.0)


def test_bass_never_exceeds_the_ceiling_and_never_falls():
    rng = np.random.default_rng(7)
    n = 20_000
    k = rng.uniform(0, 1, n)
    a0 = k * rng.uniform(0, 1, n)
    p, q = rng.uniform(0, 0.3, n), rng.uniform(0, 1, n)  # the levers' full ranges
    path = _path(a0, p, q, k, 60)
    assert np.all(path <= k[None, :])
    assert np.all(np.diff(path, axis=0) >= 0)


def test_bass_share_above_the_ceiling_does_not_fall():
    a = np.array([0.5, 0.9, 0.3, 0.2])
    k = np.array([0.3, 0.5, 0.0, 0.1999])
    for p, q in ((0.0, 0.0), (0.3, 1.0), (0.1, 0.4)):
        out = bass_step(a, np.full(4, p), np.full(4, q), k)
        np.testing.assert_array_equal(out, a)


def test_adoption_share_above_its_ceiling_stays_put_in_the_projection(hd_pack, small_settings):
    # Linkage is 12 % in 2022; a planner who sets the ceiling at 5 % must not see linkage fall.
    values = with_levers(hd_pack, linkage_ceiling=0.05)
    proj = project(hd_pack, values, small_settings, wanted={"linkage_share"})
    assert np.all(proj.deterministic["linkage_share"] == 0.12)
    # 12 % is an estimate drawn from its range: each draw stays at its own base-year figure.
    np.testing.assert_array_equal(proj.draws["linkage_share"], np.repeat(proj.start_draws["linkage_share"][:, None],
                                                                          len(proj.years), axis=1))


# --- Quality: two classes G (good/fair) and W ---------------------------------------------------------

def test_good_count_grows_only_by_new_htx_when_nothing_moves_between_classes(hd_pack):
    # u = v = 0 (no upgrades, no downgrades), e = 1 (new HTX rated good at their first rating), f = 1
    # (dissolutions all from W): while the dissolutions have not exhausted W, G_t = G_0 + the HTX
    # founded up to the year before (this year's are not rated yet).  The share times the rated
    # stock (the stock less this year's new HTX) must be exactly that: G + W + U = HTX stock.
    values = with_levers(hd_pack, quality_upgrade_rate=0.0, quality_downgrade_rate=0.0,
                         quality_new_good_share=1.0, quality_dissolution_weak_share=1.0)
    proj = project(hd_pack, values, Settings(draws=2000, uncertainty=0.0), wanted={"good_fair_share"})
    s0 = hd_pack.baseline["htx"].value
    g0 = s0 * hd_pack.baseline["good_fair_share"].value
    w0 = s0 - g0
    for stock, new, share in (
        (proj.deterministic["htx"][None], proj.deterministic["new_htx"][None],
         proj.deterministic["good_fair_share"][None]),
        (proj.draws["htx"], proj.draws["new_htx"], proj.draws["good_fair_share"]),
    ):
        gone = np.zeros_like(stock)
        gone[:, 1:] = stock[:, :-1] + new[:, 1:] - stock[:, 1:]  # S_t = S_{t−1} + N_t − D_t
        ok = np.cumsum(gone, axis=1) <= w0
        assert ok[:, : proj.column(2030) + 1].all()  # the check covers the whole plan window
        rated_before = np.cumsum(new, axis=1) - new
        np.testing.assert_allclose((share * (stock - new))[ok], (g0 + rated_before)[ok], rtol=1e-12)


def test_good_count_is_constant_when_new_htx_start_weak(hd_pack):
    values = with_levers(hd_pack, quality_upgrade_rate=0.0, quality_downgrade_rate=0.0,
                         quality_new_good_share=0.0, quality_dissolution_weak_share=1.0,
                         htx_dissolution_rate=0.01)
    proj = det(hd_pack, values, {"good_fair_share"})
    rated = proj.deterministic["htx"] - proj.deterministic["new_htx"]  # this year's new HTX are unrated
    good = proj.deterministic["good_fair_share"] * rated
    g0 = hd_pack.baseline["htx"].value * hd_pack.baseline["good_fair_share"].value
    np.testing.assert_allclose(good, g0, rtol=1e-12)


@pytest.mark.parametrize("lever, low, high, sign", [
    ("quality_upgrade_rate", 0.05, 0.15, +1),
    ("quality_downgrade_rate", 0.01, 0.08, -1),
    ("quality_dissolution_weak_share", 0.0, 1.0, +1),
    ("quality_new_good_share", 0.1, 0.9, +1),
])
def test_quality_levers_move_the_2030_share_the_right_way(hd_pack, lever, low, high, sign):
    # Common random numbers: the counts do not depend on quality levers, so every draw sees the
    # same HTX history and the comparison holds draw by draw, not only on average.
    settings = Settings(draws=2000, uncertainty=0.0)
    col = 2030 - 2022
    out = {}
    for x in (low, high):
        proj = project(hd_pack, with_levers(hd_pack, **{lever: x}), settings, wanted={"good_fair_share"})
        out[x] = (proj.deterministic["good_fair_share"][col], proj.draws["good_fair_share"][:, col])
    (d_lo, m_lo), (d_hi, m_hi) = out[low], out[high]
    assert sign * (d_hi - d_lo) > 0.01
    assert np.all(sign * (m_hi - m_lo) >= 0)
    assert sign * (m_hi.mean() - m_lo.mean()) > 0.01


# --- High technology: share × HTX stock of the same draw -------------------------------------------

@pytest.mark.parametrize("pack_id", packs_with("hightech"))
def test_hightech_count_is_share_times_htx_stock_of_the_same_draw(pack_id, small_settings):
    from dataclasses import replace as _replace

    pack = _replace(load_pack(pack_id), actuals=())
    values = pack.preset("trend")
    proj = project(pack, values, small_settings, wanted={"hightech"})
    # The base-year count is an estimate drawn from its range: each draw's own figure over its stock.
    start = proj.start_draws["hightech"] / proj.draws["htx"][:, 0]
    lv = proj.lever_draws
    share = _path(start, lv["hightech_p"], lv["hightech_q"],
                  lv["hightech_ceiling"], len(proj.years) - 1).T
    np.testing.assert_allclose(proj.draws["hightech"], share * proj.draws["htx"], rtol=1e-12)
    central = pack.baseline["hightech"].value / pack.baseline["htx"].value
    det_share = _path(np.array([central]), values["hightech_p"], values["hightech_q"],
                      values["hightech_ceiling"], len(proj.years) - 1)[:, 0]
    np.testing.assert_allclose(proj.deterministic["hightech"], det_share * proj.deterministic["htx"],
                               rtol=1e-12)
    # The base year reproduces the published/estimated count.
    assert proj.deterministic["hightech"][0] == pytest.approx(pack.baseline["hightech"].value)


def test_hightech_with_no_diffusion_keeps_the_base_share_of_a_changing_stock(hd_pack, small_settings):
    values = with_levers(hd_pack, hightech_p=0.0, hightech_q=0.0)
    proj = project(hd_pack, values, small_settings, wanted={"hightech"})
    base_share = (proj.start_draws["hightech"] / hd_pack.baseline["htx"].value)[:, None]
    np.testing.assert_allclose(proj.draws["hightech"], proj.draws["htx"] * base_share, rtol=1e-12)


# --- Monte Carlo ------------------------------------------------------------------------------------

def _all_arrays(proj):
    return {**{f"d:{k}": v for k, v in proj.draws.items()},
            **{f"l:{k}": v for k, v in proj.lever_draws.items()},
            **{f"det:{k}": v for k, v in proj.deterministic.items()}}


def test_same_seed_reproduces_every_array_and_another_seed_does_not(each_pack):
    pack = each_pack
    values = pack.preset("trend")
    a = _all_arrays(project(pack, values, Settings(draws=500, seed=11)))
    b = _all_arrays(project(pack, values, Settings(draws=500, seed=11)))
    c = _all_arrays(project(pack, values, Settings(draws=500, seed=12)))
    assert a.keys() == b.keys() == c.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    # A new seed changes the count noise and every uncertain lever's draws.
    noisy = [k for k in ("d:htx", "d:tht", "d:lhhtx", "d:new_htx", "l:htx_new_per_year", "l:quality_upgrade_rate")
             if k in a]
    assert len(noisy) >= 4
    for key in noisy:
        assert not np.array_equal(a[key], c[key]), key
    for key in a:
        if key.startswith("det:"):
            np.testing.assert_array_equal(a[key], c[key], err_msg=key)  # the seed never moves the path


def test_mc_mean_matches_the_deterministic_path_national(nq_pack):
    # E[S_t] = E[S_{t−1}](1 − δ) + λ_t is linear, so with fixed levers the Monte Carlo mean is an
    # unbiased estimate of the deterministic path.  National counts are large: 2 % is ≫ 3 SE.
    proj = project(nq_pack, nq_pack.preset("plan-pace"), Settings(draws=5000, uncertainty=0.0),
                   wanted={f"new_{k}" for k in COUNTS})
    for ind in (*COUNTS, *(f"new_{k}" for k in COUNTS)):
        for year in (2030, 2045):
            c = proj.column(year)
            assert proj.draws[ind][:, c].mean() == pytest.approx(proj.deterministic[ind][c], rel=0.02), \
                (ind, year)


def test_mc_mean_matches_the_deterministic_path_province(hd_pack):
    # Hải Dương founds 0.25 unions a year: a single year's flow has a 1.4 % standard error even with
    # 20,000 draws, so the flows are compared as the window sums the targets use (SE ≤ 0.5 %).
    proj = project(hd_pack, hd_pack.preset("plan-pace"), Settings(draws=20_000, uncertainty=0.0),
                   wanted={f"new_{k}" for k in COUNTS})
    first = proj.column(2023)
    for year in (2030, 2045):
        c = proj.column(year)
        for kind in COUNTS:
            assert proj.draws[kind][:, c].mean() == pytest.approx(proj.deterministic[kind][c], rel=0.02)
            mc_new = proj.draws[f"new_{kind}"][:, first:c + 1].sum(axis=1).mean()
            assert mc_new == pytest.approx(proj.deterministic[f"new_{kind}"][first:c + 1].sum(), rel=0.02)


def test_mc_counts_are_whole_numbers(hd_pack, small_settings):
    proj = project(hd_pack, hd_pack.preset("trend"), small_settings, wanted={f"new_{k}" for k in COUNTS})
    for ind in (*COUNTS, *(f"new_{k}" for k in COUNTS), "export"):
        if ind in proj.draws:
            np.testing.assert_array_equal(proj.draws[ind][:, 1:], np.round(proj.draws[ind][:, 1:]), ind)


def test_uncertainty_zero_fixes_every_lever(each_pack):
    pack = each_pack
    values = pack.preset("optimistic")
    proj = project(pack, values, Settings(draws=300, uncertainty=0.0))
    assert set(proj.lever_draws) == {lv.id for lv in pack.levers}
    for lever_id, value in values.items():
        assert np.all(proj.lever_draws[lever_id] == value), lever_id


def test_uncertainty_two_spreads_the_levers_wider_than_one(each_pack):
    pack = each_pack
    values = pack.preset("trend")
    one = project(pack, values, Settings(draws=2000, uncertainty=1.0), wanted=set()).lever_draws
    two = project(pack, values, Settings(draws=2000, uncertainty=2.0), wanted=set()).lever_draws
    widened = 0
    for lever in pack.levers:
        v = values[lever.id]
        lo1, hi1 = lever_range(lever, v, 1.0)
        if hi1 - lo1 <= 1e-12:
            assert np.all(one[lever.id] == v) and np.all(two[lever.id] == v)  # e.g. a rate of 0
            continue
        assert two[lever.id].std() > one[lever.id].std(), lever.id
        assert np.ptp(two[lever.id]) > np.ptp(one[lever.id]), lever.id
        widened += 1
        # Away from the bounds the scale multiplies the range: each draw moves twice as far.
        off_lo, off_hi = lever.spread
        raw = (v * (1 + 2 * off_lo), v * (1 + 2 * off_hi)) if lever.spread_mode == "mult" \
            else (v + 2 * off_lo, v + 2 * off_hi)
        if lever.spread_mode != "logit" and not lever.mix and lever.lo <= min(raw) and max(raw) <= lever.hi:
            np.testing.assert_allclose(two[lever.id] - v, 2 * (one[lever.id] - v), rtol=1e-9, atol=1e-12,
                                       err_msg=lever.id)
    assert widened >= min(10, len(pack.levers) - 2)


EXTREME = {"htx_new_per_year": 0.0, "htx_dissolution_rate": 0.3, "tht_new_per_year": 0.0,
           "tht_dissolution_rate": 0.3, "lhhtx_new_per_year": 0.0, "lhhtx_dissolution_rate": 0.3,
           "quality_upgrade_rate": 0.5, "quality_downgrade_rate": 0.3, "quality_new_good_share": 1.0,
           "quality_dissolution_weak_share": 1.0, "export_growth": -0.3}


@pytest.mark.parametrize("preset", ["trend", "plan-pace", "optimistic", "cautious", "extreme"])
def test_counts_never_negative_and_shares_within_zero_and_one(each_pack, preset):
    pack = each_pack
    if preset == "extreme":
        values = pack.preset("cautious")
        values.update({k: v for k, v in EXTREME.items() if k in values})
    else:
        values = pack.preset(preset)
    proj = project(pack, values, Settings(draws=1000, uncertainty=2.0))
    for source in (proj.deterministic, proj.draws):
        for ind, arr in source.items():
            assert np.all(np.isfinite(arr)), ind
            if ind in SHARES:
                assert np.all((arr >= 0) & (arr <= 1)), ind
            else:
                assert np.all(arr >= 0), ind
        if "hightech" in source:
            assert np.all(source["hightech"] <= source["htx"] + 1e-9)


# --- Monotonicity (hypothesis) ----------------------------------------------------------------------

MONO = hsettings(max_examples=12, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])
MC_SETTINGS = Settings(draws=600)


def _prob(pack, values, target_id):
    target = pack.target(target_id)
    proj = project(pack, values, MC_SETTINGS, wanted={target.indicator})
    return probability(target, proj, pack, MC_SETTINGS)


def _two_values(lo, hi):
    return st.tuples(st.floats(lo, hi), st.floats(lo, hi)).map(sorted)


@pytest.mark.parametrize("kind, hi", [("htx", 200.0), ("tht", 50.0), ("lhhtx", 5.0)])
def test_more_foundings_a_year_never_lower_the_founding_probability(hd_pack, kind, hi):
    @MONO
    @given(pair=_two_values(0.0, hi), preset=st.sampled_from(["trend", "cautious", "optimistic"]))
    def check(pair, preset):
        low, high = pair
        base = hd_pack.preset(preset)
        p_low = _prob(hd_pack, {**base, f"{kind}_new_per_year": low}, f"new_{kind}_2030")
        p_high = _prob(hd_pack, {**base, f"{kind}_new_per_year": high}, f"new_{kind}_2030")
        assert p_high >= p_low - 1e-12

    check()


@MONO
@given(pair=_two_values(0.0, 0.5), preset=st.sampled_from(["trend", "cautious", "optimistic"]))
def test_more_upgrades_never_lower_the_good_fair_probability(hd_pack, pair, preset):
    low, high = pair
    base = hd_pack.preset(preset)
    assert _prob(hd_pack, {**base, "quality_upgrade_rate": high}, "good_fair_2030") \
        >= _prob(hd_pack, {**base, "quality_upgrade_rate": low}, "good_fair_2030") - 1e-12


@MONO
@given(pair=_two_values(0.0, 0.3), preset=st.sampled_from(["trend", "cautious", "optimistic"]))
def test_more_linkage_push_never_lowers_the_linkage_probability(hd_pack, pair, preset):
    low, high = pair
    base = hd_pack.preset(preset)
    assert _prob(hd_pack, {**base, "linkage_p": high}, "linkage_2030") \
        >= _prob(hd_pack, {**base, "linkage_p": low}, "linkage_2030") - 1e-12


# --- Calibration ------------------------------------------------------------------------------------

def test_national_htx_fit_reproduces_the_series(nq_pack):
    fit = nq_pack.fits["htx"]
    assert fit.mape < 0.01
    for x in (fit.new_per_year, fit.growth, fit.dissolution_rate, fit.rmse):
        assert math.isfinite(x)
    assert 0 <= fit.new_per_year <= 8000  # within the national lever's bounds
    assert GROWTH_BOUNDS[0] <= fit.growth <= GROWTH_BOUNDS[1]
    assert DISSOLUTION_BOUNDS[0] <= fit.dissolution_rate <= DISSOLUTION_BOUNDS[1]
    stocks = [(o, f) for o, f, ind in zip(fit.observed, fit.fitted, fit.indicators, strict=True) if ind == "htx"]
    assert len(stocks) == 5
    for observed, fitted in stocks:
        assert fitted == pytest.approx(observed, rel=0.01)
    # The trend preset says "fit": it must carry the fitted values.
    trend = nq_pack.preset("trend")
    for lever_id, value in fit.lever_values().items():
        assert trend[lever_id] == value


def _series(kind, years, values):
    return tuple(Observation(kind, int(y), float(v)) for y, v in zip(years, values, strict=True))


def test_fit_needs_three_stock_points():
    assert fit_counts("htx", (), 2024) is None
    assert fit_counts("htx", _series("htx", [2022], [100]), 2024) is None
    two = _series("htx", [2022, 2024], [100, 120])
    assert fit_counts("htx", two, 2024) is None
    # Foundings do not make up for missing stock points.
    assert fit_counts("htx", two + _series("new_htx", [2021, 2022, 2023], [5, 6, 7]), 2024) is None
    assert fit_counts("htx", _series("htx", [2020, 2022, 2024], [90, 100, 120]), 2024) is not None


@pytest.mark.parametrize("lam, delta, years", [
    (1500.0, 0.04, list(range(2016, 2025))),  # nine yearly points, growth free
    (300.0, 0.10, [2019, 2022, 2024]),  # three points: growth held at zero
])
def test_fit_recovers_a_synthetic_birth_death_series(lam, delta, years):
    all_years = np.arange(years[0], 2025)
    stock, _ = stock_path(20_000.0, all_years, lam, 0.0, delta, 2024)
    series = _series("htx", years, [stock[y - years[0]] for y in years])
    fit = fit_counts("htx", series, 2024)
    assert fit.new_per_year == pytest.approx(lam, rel=0.02)
    assert fit.dissolution_rate == pytest.approx(delta, rel=0.02)
    assert abs(fit.growth) < 0.002
    assert fit.mape < 1e-4


def test_fit_does_not_attribute_an_early_founding_to_another_year():
    # True process: λ0 = 100, g = 0.15, δ = 0.05; stock seen 2020, 2022, 2024 and the foundings of
    # 2019 (before the first stock point), which must be dropped, refused or fitted as 2019's.
    years = np.arange(2020, 2025)
    stock, _ = stock_path(1000.0, years, 100.0, 0.15, 0.05, 2024)
    series = _series("htx", [2020, 2022, 2024], [stock[0], stock[2], stock[4]]) \
        + _series("new_htx", [2019], [100.0 * 1.15 ** (2019 - 2024 - 1)])
    try:
        fit = fit_counts("htx", series, 2024)
    except PlannerError:
        return
    if 2019 in fit.years:
        i = fit.years.index(2019)
        model_2019 = fit.new_per_year * (1 + fit.growth) ** (2019 - 2024 - 1)
        assert fit.fitted[i] == pytest.approx(model_2019, rel=1e-6)


# --- Scenarios --------------------------------------------------------------------------------------

def test_resolve_applies_overrides_on_top_of_the_preset():
    res = resolve({"pack": "hai-duong-2023", "preset": "optimistic",
                   "levers": {"htx_new_per_year": "30,5", "quality_upgrade_rate": 0.2},
                   "uncertainty": 0.5, "draws": 700, "seed": 3})
    preset = res.pack.preset("optimistic")
    assert res.values["htx_new_per_year"] == 30.5  # decimal comma accepted
    assert res.values["quality_upgrade_rate"] == 0.2
    for key, value in preset.items():
        if key not in ("htx_new_per_year", "quality_upgrade_rate"):
            assert res.values[key] == value, key
    assert set(res.values) == set(preset)
    assert res.changed == {"htx_new_per_year": (preset["htx_new_per_year"], 30.5),
                           "quality_upgrade_rate": (preset["quality_upgrade_rate"], 0.2)}
    assert (res.settings.uncertainty, res.settings.draws, res.settings.seed) == (0.5, 700, 3)


def test_national_bounds_accept_national_sized_values():
    res = resolve({"pack": "vietnam-nq20", "preset": "trend", "levers": {"htx_new_per_year": 5000}})
    assert res.values["htx_new_per_year"] == 5000.0


@pytest.mark.parametrize("data", [
    {"pack": "hai-duong-2023", "colour": "red"},  # unknown key
    {"pack": "hai-duong-2023", "levers": {"no_such_lever": 1}},  # unknown lever
    {"pack": "hai-duong-2023", "levers": {"members_p": 0.01}},  # a lever of the other pack
    {"pack": "hai-duong-2023", "levers": {"htx_new_per_year": 5000}},  # above the province's bound
    {"pack": "hai-duong-2023", "levers": {"htx_dissolution_rate": -0.01}},  # below the bound
    {"pack": "hai-duong-2023", "levers": {"htx_new_per_year": "nhiều"}},  # not a number
    {"pack": "no-such-pack"},  # wrong pack
    {"pack": "hai-duong-2023", "preset": "dream"},  # unknown preset
])
def test_bad_scenarios_raise_a_bilingual_planner_error(data):
    with pytest.raises(PlannerError) as info:
        resolve(data)
    err = info.value
    assert err.vi and err.en and err.vi != err.en
    assert any(ord(ch) > 127 for ch in err.vi), err.vi  # really Vietnamese, with diacritics
    assert err.message("vi") != err.message("en")

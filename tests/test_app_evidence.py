"""How far to trust the answers, in the app (AppTest): the estimate most worth measuring, the fits'
uncertainty and the track record on the Data page; the tolerance setting and borderline words on the
Overview."""

from __future__ import annotations

from tests.apptest import open_app


def frames(at):
    return [e.value for e in at.main.dataframe]


def test_data_page_ranks_the_estimates_and_shows_the_track_record(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", "pages/data.py", query={"pack": "vietnam-nq20"}, lang="en")
    text = " ".join(m.value for m in at.main.markdown) + " ".join(c.value for c in at.main.caption)
    assert "Which estimate is most worth measuring" in " ".join(s.value for s in at.main.subheader)
    # The fits' own spread: the THT fit has no spare point and is shown as weak.
    fit_table = next(f for f in frames(at) if "Residual dof" in f.columns)
    assert set(fit_table.loc[fit_table["Residual dof"] == "0", "Fit"]) <= {"weak", "weak (on its bound)"}
    assert "weak (on its bound)" in set(fit_table["Fit"])
    # The track record: refits as of 2022, 2023 and 2024 placed against the later figures.
    track = next(f for f in frames(at) if "p10–p90" in f.columns)
    assert len(track) >= 3 and {"2022", "2023", "2024"} <= set(track["Fitted up to"])
    assert set(track["Inside"]) <= {"yes", "no"}
    assert "later figures fell inside the p10–p90 band" in text
    # Each preset against the trend, lever by lever: the plan pace's THT dissolution rate with its reason.
    assert "Where each preset differs from the trend" in " ".join(s.value for s in at.main.subheader)
    plan = next(f for f in frames(at) if "Plan pace" in f.columns)
    why = dict(zip(plan["Assumption"], plan["Why"], strict=True))
    assert "30 %" in why["Cooperative groups dissolved per year"]
    at.button(key="evidence_worth_button").click().run()
    assert not at.exception
    ranked = next(f for f in frames(at) if "Swing" in f.columns)
    # With the pack's 2025 figures the good/fair share and the high-tech count are measured, so their
    # base-year ranges no longer move anything: the members' share is the estimate still worth measuring.
    assert len(ranked) == 3 and ranked["Figure"].iloc[0] == "Share of the population who are members"


def test_overview_tolerance_setting_changes_the_target_and_is_kept(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", query={"preset": "plan-pace"})
    key = "tolerance_hai-duong-2023_digital_2030"
    assert at.number_input(key=key).value == 0.5
    at.number_input(key=key).set_value(3.0).run()
    assert not at.exception
    assert at.session_state["scenario"]["tolerance"] == {"digital_2030": 0.03}
    assert at.query_params["tolerance"] == "digital_2030:0.03"  # a link carries it


def test_a_ceiling_below_the_target_is_said_in_words(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", query={"preset": "plan-pace", "digital_ceiling": "0.9"})
    warnings = " ".join(w.value for w in at.main.warning)
    assert "không thể đạt" in warnings and "Chuyển đổi số: mức trần" in warnings

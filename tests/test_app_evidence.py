"""How far to trust the answers, in the app (AppTest): the estimate most worth measuring, the fits'
uncertainty and the track record on the Data page; the tolerance setting and borderline words on the
Overview."""

from __future__ import annotations

from tests.apptest import open_app


def frames(at):
    return [e.value for e in at.main.dataframe]


def test_data_page_ranks_the_estimates_and_shows_the_track_record(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", "pages/data.py", query={"pack": "vietnam-nq20"})
    text = " ".join(m.value for m in at.main.markdown) + " ".join(c.value for c in at.main.caption)
    subheaders = " ".join(s.value for s in at.main.subheader)
    assert "Số liệu ước tính nào đáng đo nhất" in subheaders
    # The fits' own spread: the THT fit has no spare point and is shown as weak.
    fit_table = next(f for f in frames(at) if "Bậc tự do dư" in f.columns)
    assert set(fit_table.loc[fit_table["Bậc tự do dư"] == "0", "Đánh giá"]) <= {"yếu", "yếu (chạm giới hạn)"}
    assert "yếu (chạm giới hạn)" in set(fit_table["Đánh giá"])
    # The track record: refits as of 2022, 2023 and 2024 placed against the later figures.
    track = next(f for f in frames(at) if "Khoảng p10–p90" in f.columns)
    assert len(track) >= 3 and {"2022", "2023", "2024"} <= set(track["Khớp đến năm"])
    assert set(track["Trong khoảng"]) <= {"có", "không"}
    assert "số liệu sau đó nằm trong khoảng p10–p90" in text
    # Each preset against the trend, lever by lever: the plan pace's THT dissolution rate with its reason.
    assert "Các kịch bản mẫu khác kịch bản Xu hướng ở đâu" in subheaders
    plan = next(f for f in frames(at) if "Nhịp kế hoạch" in f.columns)
    why = dict(zip(plan["Giả định"], plan["Lý do"], strict=True))
    assert "30 %" in why["Tỷ lệ THT giải thể mỗi năm"]
    at.button(key="evidence_worth_button").click().run()
    assert not at.exception
    ranked = next(f for f in frames(at) if "Chênh lệch" in f.columns)
    # With the pack's 2025 figures the good/fair share and the high-tech count are measured, so their
    # base-year ranges no longer move anything: the members' share is the estimate still worth measuring.
    assert len(ranked) == 3 and ranked["Số liệu"].iloc[0] == "Tỷ lệ dân số là thành viên KTTT"


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

"""Data page sections on how far to trust the answers: which estimate is most worth measuring, the
fits' own uncertainty, and a track record of the bands against later actual figures."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from planner.calibrate import fit_dispersion
from planner.fmt import NBSP, indicator_value, lever_value, number, percent
from planner.fmt import probability as fmt_probability
from planner.packs import Pack, load_pack
from planner.registry import INDICATOR_BY_ID
from planner.scenario import resolve
from planner.text import assumptions
from planner.track import coverage, track_record
from planner.worth import worth_measuring
from ui import state
from ui.state import tr

WORTH_REQUEST = "evidence_worth_request"


@st.cache_data(max_entries=32, show_spinner=False)
def _worth(key: str) -> list[dict]:
    res = resolve(json.loads(key))
    return [w.as_dict() for w in worth_measuring(res.pack, res.values, res.settings, res.evidence)]


@st.cache_data(max_entries=8, show_spinner=False)
def _track(pack_id: str) -> list[dict]:
    return [c.as_dict() for c in track_record(load_pack(pack_id))]


def show(pack: Pack) -> None:
    """The three sections, in the Data page's first tab."""
    show_worth(pack)
    show_fit_uncertainty(pack)
    show_track_record(pack)
    show_preset_changes(pack)


def show_preset_changes(pack: Pack) -> None:
    """Each preset against the trend, lever by lever, with the pack's reason for every change."""
    from planner.registry import preset_label

    lang = state.lang()
    st.subheader(tr("Các kịch bản mẫu khác kịch bản Xu hướng ở đâu", "Where each preset differs from the trend"))
    st.caption(tr("Nhịp kế hoạch chỉ thay đổi các giả định mà chỉ tiêu nêu con số (giá trị mà tại đó đường trung tâm "
                  "vừa đạt chỉ tiêu); các giả định khác giữ như kịch bản Xu hướng.",
                  "The plan pace changes only the assumptions the targets put a figure on (the value at which the "
                  "central path just meets the target); the others stay as in the trend."))
    trend = pack.preset("trend")
    for name in (n for n in pack.presets if n != "trend"):
        values = pack.preset(name)
        rows = [{
            tr("Giả định", "Assumption"): lever.label(lang),
            preset_label("trend", lang): lever_value(lever, trend[lever.id], lang),
            preset_label(name, lang): lever_value(lever, values[lever.id], lang),
            tr("Lý do", "Why"): pack.preset_note(lever.id, lang),
        } for lever in pack.levers if abs(values[lever.id] - trend[lever.id]) > 1e-12]
        count = assumptions(len(rows), lang)
        with st.expander(f"{preset_label(name, lang)} · " + tr(f"{count} khác kịch bản Xu hướng",
                                                              f"{count} {'differs' if len(rows) == 1 else 'differ'} "
                                                              "from the trend")):
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def show_worth(pack: Pack) -> None:
    lang = state.lang()
    ranged = [o for o in pack.baseline.values() if o.estimate and o.has_range]
    if not ranged:
        return
    st.subheader(tr("Số liệu ước tính nào đáng đo nhất", "Which estimate is most worth measuring"))
    st.caption(tr("Mỗi số liệu ước tính được rút ngẫu nhiên trong khoảng thấp – cao đã nêu. Nếu đo được, nó sẽ nằm đâu "
                  "đó trong khoảng ấy; cột “chênh lệch” là mức xác suất đạt chỉ tiêu thay đổi giữa hai đầu khoảng "
                  "(các giả định khác như kịch bản hiện tại, cùng các lượt mô phỏng). Số liệu đứng đầu là số liệu "
                  "đáng đo trước tiên.",
                  "Each estimate is drawn from its stated low–high range. Measured, it would fall somewhere in that "
                  "range; the “swing” is how far the probability of a target moves between the two ends (the other "
                  "assumptions as in the current scenario, the same draws). The estimate on top is the one to "
                  "measure first."))
    key = state.key_of(state.scenario())
    # Once asked for, the ranking follows the scenario for the rest of the session (cached per scenario).
    if st.button(tr("Xếp hạng các số liệu ước tính", "Rank the estimates"), icon=":material/straighten:",
                 key="evidence_worth_button"):
        st.session_state[WORTH_REQUEST] = True
    rows_range = [{
        tr("Số liệu", "Figure"): INDICATOR_BY_ID[o.indicator].label(lang),
        tr("Ước tính", "Estimate"): indicator_value(o.indicator, o.value, lang),
        tr("Khoảng", "Range"): f"{indicator_value(o.indicator, o.low, lang)} – {indicator_value(o.indicator, o.high, lang)}",
        tr("Lý do của khoảng", "Why this range"): o.reason_in(lang),
    } for o in ranged]
    if not st.session_state.get(WORTH_REQUEST):
        st.dataframe(pd.DataFrame(rows_range), hide_index=True, width="stretch")
        return
    with st.spinner(tr("Đang tính…", "Computing…")):
        ranked = _worth(key)
    rows = []
    for w in ranked:
        target = pack.target(w["target"])
        obs = pack.baseline[w["indicator"]]
        rows.append({
            tr("Số liệu", "Figure"): INDICATOR_BY_ID[w["indicator"]].label(lang),
            tr("Khoảng", "Range"): f"{indicator_value(w['indicator'], w['low'], lang)} – "
                                   f"{indicator_value(w['indicator'], w['high'], lang)}",
            tr("Chỉ tiêu bị ảnh hưởng nhất", "Target moved most"): target.label(lang),
            tr("Xác suất nếu ở mức thấp", "Probability if at the low end"): fmt_probability(w["probability_at_low"], lang),
            tr("Xác suất nếu ở mức cao", "Probability if at the high end"): fmt_probability(w["probability_at_high"], lang),
            tr("Chênh lệch", "Swing"): percent(w["swing"], 0, lang).replace(f"{NBSP}%", f"{NBSP}điểm{NBSP}%" if lang == "vi" else f"{NBSP}points"),
            tr("Lý do của khoảng", "Why this range"): obs.reason_in(lang),
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def show_fit_uncertainty(pack: Pack) -> None:
    lang = state.lang()
    if not pack.fits:
        return
    st.subheader(tr("Mức bất định của các phép khớp", "Uncertainty of the fits"))
    st.caption(tr("Độ lệch chuẩn từ ma trận hiệp phương sai của phép khớp (sai số đo của mỗi số liệu: 1\u00a0% với tổng số, "
                  "12\u00a0% với số thành lập mới trong năm; nhân thêm khi phần dư lớn hơn). Các giả định được khớp lấy mức "
                  "bất định và tương quan này trong mô phỏng. Phép khớp **yếu** (không còn bậc tự do dư, hoặc tham số "
                  "chạm giới hạn) được gán khoảng ít nhất gấp đôi khoảng mặc định.",
                  "Standard deviations from the fit's covariance (each figure's measurement error: 1\u00a0% for a stock, "
                  "12\u00a0% for a year's foundings; inflated where the residuals are larger). The fitted assumptions take "
                  "this spread and these correlations into the simulation. A **weak** fit (no residual degree of "
                  "freedom left, or a parameter on its bound) gets at least twice the default range."))
    rows = []
    for kind, fit in pack.fits.items():
        sd = fit.sd()
        values = fit.lever_values()
        for lever_id in fit.params:
            lever = pack.lever(lever_id)
            weak = tr("yếu", "weak") if fit.weak else tr("đủ", "adequate")
            if lever_id in fit.at_bound:
                weak += tr(" (chạm giới hạn)", " (on its bound)")
            rows.append({
                tr("Chuỗi", "Series"): INDICATOR_BY_ID[kind].label(lang),
                tr("Giả định", "Assumption"): lever.label(lang),
                tr("Giá trị khớp", "Fitted value"): lever_value(lever, values[lever_id], lang),
                tr("Độ lệch chuẩn", "Std. deviation"): lever_value(lever, sd[lever_id], lang),
                tr("Bậc tự do dư", "Residual dof"): str(fit.dof),
                tr("Đánh giá", "Fit"): weak,
            })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    phi, years = fit_dispersion(tuple(pack.series) + tuple(pack.actuals))
    default = pack.presets.get("trend", {}).get("foundings_dispersion", 0.0)
    st.caption(tr(f"Biến động số thành lập mới giữa các năm: {percent(phi if phi is not None else default, 0, lang)}"
                  + (" (ước tính từ số liệu)." if phi is not None else
                     f" (giá trị mặc định; cần số thành lập mới của ít nhất 3 năm, gói có {years})."),
                  f"Year-to-year variation of foundings: {percent(phi if phi is not None else default, 0, lang)}"
                  + (" (fitted)." if phi is not None else
                     f" (the documented default; fitting needs foundings of 3 years or more, the pack has {years}).")))


def show_track_record(pack: Pack) -> None:
    lang = state.lang()
    st.subheader(tr("Kiểm chứng: dự báo của những năm trước so với số liệu sau đó",
                    "Track record: past projections against the later figures"))
    checks = _track(pack.id)
    if not checks:
        st.caption(tr("Gói này chưa có chuỗi đủ dài (ít nhất 3 năm có số tổng số trước một năm có số liệu sau đó) để "
                      "kiểm chứng.",
                      "This pack has no series long enough (3 years of stock figures before a later figure) to check."))
        return
    inside, total = coverage([_Check(c) for c in checks])
    st.caption(tr(f"Mô hình được khớp lại chỉ với số liệu đến năm xét, dự báo tiếp với cùng mức bất định, rồi đặt số liệu "
                  f"thực tế sau đó vào các lượt mô phỏng. {inside}/{total} số liệu sau đó nằm trong khoảng p10–p90 "
                  "(nếu khoảng trung thực: khoảng 80\u00a0%). Thứ hạng: tỷ lệ lượt mô phỏng thấp hơn số liệu thực tế.",
                  f"The model is refitted on the figures up to the year of the check only, projected with the same "
                  f"uncertainty, and the later actual figures placed among the draws. {inside} of {total} later figures "
                  "fell inside the p10–p90 band (about 80\u00a0% if the bands are honest). Rank: the share of draws below "
                  "the actual figure."))
    rows = [{
        tr("Chuỗi", "Series"): INDICATOR_BY_ID[c["indicator"]].label(lang),
        tr("Khớp đến năm", "Fitted up to"): str(c["as_of"]),
        tr("Điểm số liệu", "Points"): str(c["points"]) + (tr(" (yếu)", " (weak)") if c["weak"] else ""),
        tr("Năm", "Year"): str(c["year"]),
        tr("Thực tế", "Actual"): number(c["actual"], 0, lang),
        tr("Khoảng p10–p90", "p10–p90"): f"{number(c['p10'], 0, lang)} – {number(c['p90'], 0, lang)}",
        tr("Trong khoảng", "Inside"): tr("có", "yes") if c["inside"] else tr("không", "no"),
        tr("Thứ hạng", "Rank"): percent(c["rank"], 0, lang),
    } for c in checks]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


class _Check:
    """A cached check (a dict) read like ``track.Check`` for ``coverage``."""

    def __init__(self, row: dict) -> None:
        self.inside = bool(row["inside"])

"""Độ nhạy / Sensitivity and what it takes: the tornado of a target, and goal-seeking on request."""

import json

import pandas as pd
import streamlit as st

from planner import charts
from planner.assess import GoalSeek
from planner.errors import PlannerError
from planner.fmt import lever_value, probability
from planner.model import levers_affecting
from planner.packs import load_pack
from planner.text import goal_seek_sentence
from ui import reach, state
from ui.state import tr

# Requests kept across reruns, so a result stays on screen until its inputs change.
TORNADO = "sens_tornado_request"
SEEK = "sens_seek_request"
SEEK_ALL = "sens_seek_all_request"
MARKDOWN_SPECIAL = "\\`*_{}[]<>#|$~"

pack = state.pack()
lang = state.lang()
key = state.key_of(state.scenario())


@st.cache_data(max_entries=64, show_spinner=False)
def tornado_spec(scenario_key: str, target_id: str, lang: str, swings: pd.DataFrame) -> dict:
    """The tornado chart's spec (cached: building an Altair chart takes a few tenths of a second)."""
    pack = load_pack(json.loads(scenario_key)["pack"])
    return charts.tornado_chart(swings, pack.target(target_id), pack, lang).to_dict(validate=False)


def plain(text: str) -> str:
    """Text shown in a markdown element with every markdown character escaped."""
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIAL else ch for ch in text)


def status_words(status: str) -> str:
    return {"reachable": tr("đạt được trong khoảng cho phép", "reachable within the allowed range"),
            "out_of_reach": tr("ngoài tầm với", "out of reach"),
            "always_met": tr("luôn có khả năng đạt", "likely whatever the value"),
            "no_effect": tr("không ảnh hưởng", "no effect")}.get(status, status)


st.title(tr("Độ nhạy và điều kiện để đạt", "Sensitivity and what it takes"))
st.caption(tr("Giả định nào quan trọng nhất cho một chỉ tiêu, và một giả định phải ở mức nào để chỉ tiêu có khả "
              "năng đạt. Các phép tính này chạy khi bấm nút.",
              "Which assumptions matter most for a target, and what value one assumption needs for the target "
              "to become likely. These computations run when you press a button."))

if len(pack.modelled_targets) < len(pack.targets):
    st.caption(tr("Chỉ các chỉ tiêu được dự báo có độ nhạy; các chỉ tiêu khác chỉ được theo dõi bằng số liệu thực tế.",
                  "Only projected targets have a sensitivity; the others are tracked on actual figures only."))
target_id = st.selectbox(tr("Chỉ tiêu", "Target"), [t.id for t in pack.modelled_targets],
                         format_func=lambda i: f"{pack.target(i).label(lang)} ({pack.target(i).year})",
                         key=f"sens_target_{pack.id}")
target = pack.target(target_id)

# --- Tornado --------------------------------------------------------------------------------------------
st.subheader(tr("Độ nhạy (biểu đồ lốc xoáy)", "Sensitivity (tornado)"))
if st.button(tr("Tính độ nhạy", "Compute the sensitivity"), icon=":material/insights:", key="sens_tornado_button"):
    st.session_state[TORNADO] = (key, target_id)

if st.session_state.get(TORNADO) == (key, target_id):
    try:
        with st.spinner(tr("Đang tính độ nhạy…", "Computing the sensitivity…")):
            swings = state.tornado_rows(target_id)
    except PlannerError as exc:
        state.show_error(exc)
        swings = pd.DataFrame()
    if swings.empty:
        st.info(tr("Không có giả định nào làm thay đổi chỉ tiêu này.", "No assumption moves this target."),
                icon=":material/info:")
    else:
        st.vega_lite_chart(tornado_spec(key, target_id, lang, swings), width="stretch",
                        alt=tr(f"Độ nhạy của chỉ tiêu {target.label(lang)} theo từng giả định",
                               f"Sensitivity of {target.label(lang)} to each assumption"))
        base_p = probability(float(swings["base_probability"].iloc[0]), lang)
        st.caption(tr("Mỗi thanh: giá trị dự báo (đường trung tâm) khi một giả định ở mức thấp (◀) và mức cao (▶) "
                      "của khoảng bất định, các giả định khác giữ nguyên; thanh dài nhất ở trên cùng. Rê chuột để "
                      "xem xác suất đạt ở mỗi đầu. Xác suất được tính bằng đúng các lượt mô phỏng của bảng kết quả "
                      f"(cùng mức bất định, cùng số ngẫu nhiên): xác suất hiện tại là {base_p}, như trên bảng kết quả.",
                      "Each bar: the projected value (central path) with one assumption at the low (◀) and the "
                      "high (▶) end of its uncertainty range, the others unchanged; the widest bar on top. Hover "
                      "to see the probability of meeting the target at each end. The probabilities come from the "
                      "scorecard's own Monte Carlo (same uncertainty, same random numbers): the current "
                      f"probability is {base_p}, as on the scorecard."))
        frame = charts.tornado_frame(swings, target, pack, lang)
        with st.expander(tr("Bảng số liệu độ nhạy", "Sensitivity table")):
            st.dataframe(pd.DataFrame({
                tr("Giả định", "Assumption"): frame["label"],
                tr("Mức thấp", "Low end"): frame["low_text"],
                tr("Dự báo khi thấp", "Projected at low"): frame["at_low_text"],
                tr("Xác suất khi thấp", "Probability at low"): frame["p_low_text"],
                tr("Mức cao", "High end"): frame["high_text"],
                tr("Dự báo khi cao", "Projected at high"): frame["at_high_text"],
                tr("Xác suất khi cao", "Probability at high"): frame["p_high_text"],
            }), hide_index=True, width="stretch")
else:
    st.caption(tr("Bấm “Tính độ nhạy” để xem giả định nào làm chỉ tiêu dao động nhiều nhất.",
                  "Press “Compute the sensitivity” to see which assumptions move the target most."))

# --- What it takes --------------------------------------------------------------------------------------
st.subheader(tr("Cần gì để đạt chỉ tiêu", "What it would take"))
levers = levers_affecting(target.indicator, pack)
if not levers:
    st.info(tr("Không có giả định nào ảnh hưởng đến chỉ tiêu này.", "No assumption affects this target."),
            icon=":material/info:")
    st.stop()
lever_by_id = {lv.id: lv for lv in levers}
col_lever, col_like = st.columns([3, 2])
lever_id = col_lever.selectbox(tr("Giả định được thay đổi", "Assumption to change"), list(lever_by_id),
                               format_func=lambda i: lever_by_id[i].label(lang), key=f"sens_lever_{pack.id}_{target_id}",
                               help=tr("Chỉ giả định này thay đổi; các giả định khác giữ như kịch bản hiện tại.",
                                       "Only this assumption changes; the others stay as in the current scenario."))
wanted_pct = col_like.slider(tr("Mức khả năng mong muốn", "Likelihood wanted"), 50, 95, 66, step=1, format="%d\u00a0%%",
                             key="sens_likelihood",
                             help=tr("Xác suất đạt cần có. 66\u00a0% là ngưỡng “có khả năng” của thang IPCC; 90\u00a0% là "
                                     "“rất có khả năng”.",
                                     "The probability wanted. 66\u00a0% is the IPCC scale's “likely”; 90\u00a0% is “very likely”."))
wanted = wanted_pct / 100
lever = lever_by_id[lever_id]


def seek_table(result: GoalSeek) -> pd.DataFrame:
    """The numbers behind the goal-seek sentence."""
    lv = pack.lever(result.lever)
    if result.status == "out_of_reach":
        needed = tr("ngoài tầm với", "out of reach")
    elif result.status == "no_effect":
        needed = tr("không ảnh hưởng", "no effect")
    elif result.status == "always_met":
        needed = tr("mọi giá trị trong khoảng cho phép", "any value in the allowed range")
    else:
        needed = ("≥ " if result.direction == "min" else "≤ ") + lever_value(lv, result.likely_value, lang)
    breakeven = (lever_value(lv, result.breakeven, lang) if result.breakeven is not None
                 else tr("không có trong khoảng cho phép", "none within the allowed range"))
    rows = [
        (tr("Giá trị hiện tại", "Current value"), lever_value(lv, result.current, lang)),
        (tr(f"Giá trị cần để xác suất ≥ {probability(result.likelihood, lang)}",
            f"Value needed for a probability ≥ {probability(result.likelihood, lang)}"), needed),
        (tr("Giá trị để đường trung tâm vừa đạt chỉ tiêu", "Deterministic break-even (central path meets the target)"),
         breakeven),
        (tr("Xác suất đạt hiện nay", "Probability now"), probability(result.current_probability, lang)),
        (tr(f"Xác suất khi giả định ở mức biên ({lever_value(lv, result.bound, lang)})",
            f"Probability with the assumption at its bound ({lever_value(lv, result.bound, lang)})"),
         probability(result.probability_at_bound, lang)),
    ]
    return pd.DataFrame(rows, columns=[tr("Nội dung", "Item"), tr("Giá trị", "Value")])


col_one, col_all = st.columns(2)
if col_one.button(tr("Tìm giá trị cần thiết", "Find the value needed"), type="primary", icon=":material/search:",
                  key="sens_seek_button", width="stretch"):
    st.session_state[SEEK] = (key, target_id, lever_id, wanted)
if col_all.button(tr("Tất cả giả định", "All assumptions"), icon=":material/table_rows:", key="sens_seek_all_button",
                  width="stretch", help=tr("Tìm giá trị cần thiết cho từng giả định ảnh hưởng đến chỉ tiêu này "
                                            "(mỗi lần chỉ thay đổi một giả định).",
                                            "Find the value needed for every assumption that moves this target "
                                            "(one assumption at a time).")):
    st.session_state[SEEK_ALL] = (key, target_id, wanted)

if st.session_state.get(SEEK) == (key, target_id, lever_id, wanted):
    try:
        with st.spinner(tr("Đang tìm giá trị cần thiết…", "Searching for the value needed…")):
            result = GoalSeek(**state.goal_seek_result(target_id, lever_id, wanted))
    except PlannerError as exc:
        state.show_error(exc)
    else:
        sentence = plain(goal_seek_sentence(pack, result, lang))
        if result.status == "out_of_reach":
            st.warning(sentence, icon=":material/block:")
            reach.show_requirement(target_id, wanted)
        elif result.status == "no_effect":
            st.info(sentence, icon=":material/info:")
        else:
            st.success(sentence, icon=":material/check_circle:")
        st.dataframe(seek_table(result), hide_index=True, width="stretch")

if st.session_state.get(SEEK_ALL) == (key, target_id, wanted):
    rows = []
    try:
        with st.spinner(tr("Đang tìm cho từng giả định…", "Searching for every assumption…")):
            for lv in levers:
                res = GoalSeek(**state.goal_seek_result(target_id, lv.id, wanted))
                if res.status == "reachable":
                    needed = ("≥ " if res.direction == "min" else "≤ ") + lever_value(lv, res.likely_value, lang)
                else:
                    needed = "–"
                rows.append({
                    tr("Giả định", "Assumption"): lv.label(lang),
                    tr("Hiện tại", "Now"): lever_value(lv, res.current, lang),
                    tr(f"Cần (xác suất ≥ {probability(wanted, lang)})",
                       f"Needed (probability ≥ {probability(wanted, lang)})"): needed,
                    tr("Đường trung tâm đạt tại", "Central path meets it at"):
                        lever_value(lv, res.breakeven, lang) if res.breakeven is not None else "–",
                    tr("Xác suất hiện nay", "Probability now"): probability(res.current_probability, lang),
                    tr("Xác suất ở mức biên", "Probability at the bound"):
                        f"{probability(res.probability_at_bound, lang)} ({lever_value(lv, res.bound, lang)})",
                    tr("Kết quả", "Result"): status_words(res.status),
                })
    except PlannerError as exc:
        state.show_error(exc)
    if rows:
        st.markdown("**" + tr("Từng giả định, mỗi lần thay đổi một giả định",
                              "Every assumption, changing one at a time") + "**")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption(tr("“Ngoài tầm với”: ngay cả ở mức biên, giả định này một mình không đủ; cần thay đổi thêm các giả "
                      "định khác.",
                      "“Out of reach”: even at its bound this assumption alone does not suffice; others must change too."))

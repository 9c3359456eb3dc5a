"""Quỹ đạo / Trajectories: a fan chart to 2045 per indicator, with history, actuals and targets."""

import json

import pandas as pd
import streamlit as st

from planner import charts
from planner.errors import PlannerError
from planner.fmt import indicator_value, number, probability
from planner.packs import load_pack
from planner.registry import INDICATOR_BY_ID, INDICATORS
from planner.results import observations_frame
from ui import csvform, figures, state
from ui.downloads import trajectories_file
from ui.state import tr


# Chart specs are cached per scenario, indicator, language and observations: building an Altair chart
# costs a few tenths of a second, and the page draws a dozen of them on every rerun.
@st.cache_data(max_entries=256, show_spinner=False)
def fan_spec(scenario_key: str, indicator: str, lang: str, plan_path: bool, observations: pd.DataFrame) -> dict:
    data = json.loads(scenario_key)
    pack = load_pack(data["pack"])
    return charts.fan_chart(state.trajectories(data), indicator, observations, pack.targets, pack, lang,
                            plan_path=plan_path, window_start=data.get("window_start")).to_dict(validate=False)


@st.cache_data(max_entries=128, show_spinner=False)
def cumulative_spec(scenario_key: str, target_id: str, lang: str) -> dict:
    data = json.loads(scenario_key)
    pack = load_pack(data["pack"])
    row = state.assessment(data).set_index("id").loc[target_id]
    return charts.cumulative_chart(state.trajectories(data), pack.target(target_id), row, pack, lang,
                                   window_start=data.get("window_start")).to_dict(validate=False)


pack = state.pack()
lang = state.lang()
data = state.scenario()
window_start = data.get("window_start") or pack.window_start
scenario_key = state.key_of(data)

st.title(tr("Quỹ đạo", "Trajectories"))
st.caption(tr("Mỗi chỉ số từ năm gốc đến 2045: vùng tô là khoảng 80\u00a0% của các lượt mô phỏng, đường đậm là trung vị "
              "(với số thành lập mỗi năm: trung bình), đường mảnh là đường trung tâm (tất định); điểm tròn, vuông "
              "là số liệu công bố, điểm xám là ước tính, số liệu một phần năm hoặc theo định nghĩa khác (như chú "
              "giải ghi); hình thoi đỏ là chỉ tiêu.",
              "Each indicator from the base year to 2045: the shaded area is the 80\u00a0% range of the "
              "draws, the bold line the median (for foundings per year: the mean), the thin line the central "
              "(deterministic) path; round and square points are published figures, grey points estimates, "
              "part-year counts or figures of another definition (as the legend says); red diamonds are targets."))

try:
    traj = state.trajectories()
    results = state.assessment()
except PlannerError as exc:
    state.show_error(exc)
    st.stop()

# Indicators with a target first, in the order of the plan's targets; then the others in registry order.
with_target = list(dict.fromkeys(t.indicator for t in pack.modelled_targets))
options = with_target + [i.id for i in INDICATORS if i.id in pack.indicators and i.id not in with_target]

col_pick, col_plan = st.columns([4, 1], vertical_alignment="bottom")
with col_pick:
    chosen = state.multiselect_kept(
        tr("Chỉ số", "Indicators"), options, with_target, f"traj_indicators_{pack.id}",
        lambda i: INDICATOR_BY_ID[i].label(lang), placeholder=tr("Chọn chỉ số để vẽ", "Choose indicators to draw"))
plan_path = col_plan.toggle(tr("Lộ trình kế hoạch", "Plan path"), value=True, key="traj_plan_path",
                            help=tr("Đường thẳng nét đứt từ giá trị năm gốc đến từng chỉ tiêu: nhịp đều cần có để đạt chỉ tiêu.",
                                    "Dashed straight line from the base-year value to each target: the even pace "
                                    "needed to meet it."))
if not chosen:
    st.info(tr("Chưa chọn chỉ số nào.", "No indicator chosen."), icon=":material/info:")

observations = observations_frame(pack, figures.chart_figures(), lang)  # notes in the page's language
by_id = {row["id"]: row for row in results.to_dict("records")}
ordered = [i for i in options if i in chosen]


def estimate_note(indicator: str) -> str:
    """Say so when the starting value is an estimate of the project, not a published figure."""
    base = pack.baseline.get(indicator.removeprefix("new_"))
    if base is None or not base.estimate:
        return ""
    return tr(f" Giá trị năm gốc ({indicator_value(base.indicator, base.value, lang)}, {base.year}) là ước tính, "
              "không phải số liệu công bố; xem trang Dữ liệu.",
              f" The base-year value ({indicator_value(base.indicator, base.value, lang)}, {base.year}) is an "
              "estimate, not a published figure; see the Data page.")


for indicator in ordered:
    ind = INDICATOR_BY_ID[indicator]
    targets = [t for t in pack.modelled_targets if t.indicator == indicator and t.kind not in ("ratio", "growth")]
    with st.container(border=True):
        fan = fan_spec(scenario_key, indicator, lang, plan_path, observations)
        if ind.kind == "flow" and targets:
            left, right = st.columns([3, 2])
            left.vega_lite_chart(fan, width="stretch",
                              alt=tr(f"{ind.label(lang)}: số thành lập mới mỗi năm đến 2045",
                                     f"{ind.label(lang)}: foundings per year to 2045"))
            for t in targets:
                right.vega_lite_chart(
                    cumulative_spec(scenario_key, t.id, lang), width="stretch", alt=tr(f"{t.label(lang)}: tổng cộng dồn", f"{t.label(lang)}: running total"))
            t = targets[0]
            row = by_id.get(t.id)
            first, last = charts.window_years(t, pack, window_start)
            per_year = charts.pace_text(charts.target_goal(t) / (last - first + 1), lang)
            total = (tr(f" Tổng {first}–{last} dự báo: trung vị {number(row['p50'], 0, lang)} "
                        f"(khoảng 80\u00a0%: {number(row['p10'], 0, lang)} – {number(row['p90'], 0, lang)}), "
                        f"xác suất đạt {probability(row['probability'], lang)}.",
                        f" Projected total {first}–{last}: median {number(row['p50'], 0, lang)} "
                        f"(80\u00a0% range {number(row['p10'], 0, lang)} – {number(row['p90'], 0, lang)}), "
                        f"probability {probability(row['probability'], lang)}.") if row else "")
            st.caption(tr(
                f"Chỉ tiêu là tổng số thành lập mới trong {first}–{last}, không phải số đang hoạt động. Bên trái: "
                f"số thành lập mỗi năm và nhịp bình quân cần đạt ({per_year}/năm{', nét đứt' if plan_path else ''}). "
                "Bên phải: tổng cộng dồn "
                "theo đường trung tâm; khoảng bất định của tổng chỉ vẽ ở năm chỉ tiêu, lấy từ mô phỏng, vì phân vị "
                "của một tổng không bằng tổng các phân vị từng năm.",
                f"The target is the number founded over {first}–{last}, not the number operating. Left: foundings "
                f"per year and the average pace required ({per_year}/year{', dashed' if plan_path else ''}). Right: "
                "the running total on the "
                "central path; the uncertainty of the total is drawn only in the target year, from the simulation, "
                "because percentiles of a total are not the sums of yearly percentiles.") + total
                + estimate_note(indicator))
        else:
            st.vega_lite_chart(fan, width="stretch",
                            alt=tr(f"{ind.label(lang)}: dự báo đến 2045 so với chỉ tiêu",
                                   f"{ind.label(lang)}: projection to 2045 against the targets"))
            parts = []
            for t in targets:
                row = by_id.get(t.id)
                if row:
                    parts.append(tr(
                        f"{t.label(lang)} ({t.year}): trung vị {indicator_value(indicator, row['p50'], lang)}, "
                        f"xác suất đạt {probability(row['probability'], lang)}.",
                        f"{t.label(lang)} ({t.year}): median {indicator_value(indicator, row['p50'], lang)}, "
                        f"probability {probability(row['probability'], lang)}."))
            if not targets:
                parts.append(tr("Chỉ số này không có chỉ tiêu trong gói kế hoạch.",
                                "This indicator has no target in the plan pack."))
            st.caption(" ".join(parts) + estimate_note(indicator))

st.divider()
form = csvform.picker()
# The same file as the Present page's (numbers without binary noise), made when the button is pressed.
key = state.key_of(data)
st.download_button(
    tr("Tải quỹ đạo (CSV)", "Download trajectories (CSV)"), lambda: csvform.in_form(trajectories_file(key), form),
    on_click="ignore",
    file_name=f"quy-dao_{pack.id}_{data['preset']}.csv", mime="text/csv", icon=":material/download:",
    key="traj_download",
    help=tr("Mỗi dòng: năm, chỉ số, đường trung tâm, trung bình, p10, p50, p90. Tỷ lệ ghi dạng số thập phân "
            "(0,7 là 70\u00a0%). Mã UTF-8 có BOM để Excel đọc đúng tiếng Việt.",
            "One row per year and indicator: central path, mean, p10, p50, p90. Shares as fractions (0.7 is "
            "70\u00a0%). UTF-8 with BOM so Excel reads Vietnamese correctly."))

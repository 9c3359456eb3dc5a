"""Tổng quan / Overview: the scorecard, one row per target."""

import streamlit as st

from planner.errors import PlannerError
from ui import figures, reach, state, tolerance
from ui.scorecard import borderline_count, changed_levers, headline, likelihood_legend, show_scorecard
from ui.state import tr

pack = state.pack()
st.title(tr("Tổng quan", "Overview"))
name, document = pack.name(state.lang()), pack.meta.get("document", "")
st.caption(" · ".join(part for part in (name, "" if document in name else document,
                                        tr(f"năm gốc {pack.base_year}", f"base year {pack.base_year}")) if part))

figures.changed_notice()
try:
    results = state.assessment()
except PlannerError as exc:
    state.show_error(exc)
    st.stop()

# A phone: the three headline numbers side by side with their whole labels, not a screen of boxes; the
# scorecard in smaller type, so more of its eight columns are in view (the rest scroll sideways, as
# Streamlit's table does).  (Static CSS, no user text.)
st.html("""<style>
@media (max-width: 640px) {
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {
    flex-wrap: nowrap; gap: .5rem; }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) > [data-testid="stColumn"] {
    min-width: 0; width: auto; flex: 1 1 0; }
  [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
    overflow: visible !important; text-overflow: clip !important; }
  [data-testid="stMetricValue"] { font-size: 1.6rem; }
  [data-testid="stTable"] th, [data-testid="stTable"] td { font-size: .8rem; padding: .3rem .3rem; }
}
</style>""")
k, n = headline(results)
not_projected = int((~results["modelled"]).sum()) if "modelled" in results else 0
col1, col2, col3 = st.columns(3)
col1.metric(tr("Chỉ tiêu có khả năng đạt", "Targets likely met"), f"{k}/{n}", border=True)
col2.metric(tr("Rất ít khả năng", "Very unlikely"), int((results["probability"] < 0.10).sum()), border=True)
col3.metric(tr("Đúng tiến độ", "On track"), int((results["status"] == "on_track").sum()), border=True)
if borderline := borderline_count(results):
    st.caption(tr(f"{borderline} chỉ tiêu sát ngưỡng: xác suất cách một ngưỡng của thang khả năng chưa đến hai sai số "
                  "chuẩn Monte Carlo, nên có thể rơi sang bên kia với hạt giống khác; chúng không được tính là "
                  "“có khả năng đạt”. Tăng số lượt mô phỏng để phân định.",
                  f"{borderline} borderline: the probability lies within two Monte Carlo standard errors of a "
                  "boundary of the likelihood scale, so another seed could put it on the other side; they are "
                  "not counted as likely met. More draws would settle them."))

st.subheader(tr("Bảng điểm các chỉ tiêu", "Target scorecard"))
show_scorecard(results)
reach.show_blockers(results)
tolerance.tolerance_inputs()
st.caption(tr("Xác suất: tỷ lệ trong ", "Probability: share of ")
           + f"{state.scenario()['draws']:,}".replace(",", "." if state.lang() == "vi" else ",")
           + tr(" lượt mô phỏng đạt chỉ tiêu. Khả năng theo thang IPCC: ",
                " draws that meet the target. Likelihood on the IPCC scale: ")
           + likelihood_legend() + ". "
           + tr("Tiến độ: tỷ lệ giữa mức tăng dự báo và mức tăng cần thiết từ năm gốc (≥ 0,95 đúng tiến độ).",
                "Pace: projected change over the change required from the base year (≥ 0.95 on track).")
           + " " + figures.in_force_caption())
reach.show_requirements(results)
if not_projected:
    st.info(tr(f"{not_projected} chỉ tiêu không được dự báo (mô hình không có chỉ số, hoặc gói thiếu số liệu năm gốc): "
               "chúng vẫn ở trong bảng, với tiến độ đọc từ số liệu thực tế khi có (tỷ lệ giữa phần chặng đường đã đi "
               "và phần thời gian đã qua).",
               f"{not_projected} target{'s are' if not_projected > 1 else ' is'} not projected (the engine has no "
               "model of the indicator, or the pack has no base-year figure): they stay in the table, with the pace "
               "read on actual figures where there are any (the share of the way covered over the share of the time "
               "passed)."), icon=":material/info:")

st.subheader(tr("Khác với kịch bản mẫu", "Changed from the preset"))
changes = changed_levers()
if changes.empty:
    st.write(tr("Chưa thay đổi giả định nào: đây là kịch bản mẫu.", "No assumption changed: this is the preset."))
else:
    st.dataframe(changes, hide_index=True, width="stretch")

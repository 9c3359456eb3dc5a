"""Giả định / Assumptions: the levers by group, presets, reset, the run settings, saved scenarios."""

import streamlit as st

from planner.errors import PlannerError
from ui import levers, state
from ui.saved import saved_section
from ui.scorecard import headline, show_compact_scorecard
from ui.state import tr

pack = state.pack()
data = state.scenario()
st.title(tr("Giả định", "Assumptions"))
st.caption(f"{pack.name(state.lang())} · " + tr("kịch bản mẫu: ", "preset: ") + levers.preset_label(data["preset"]))

try:
    preset_results = state.assessment({**data, "levers": {}})
except PlannerError as exc:
    levers.show_error(exc)
    st.stop()

st.subheader(tr("Kịch bản mẫu", "Presets"))
with st.container(horizontal=True):
    for name in pack.presets:
        st.button(levers.preset_label(name), key=f"preset_{name}", on_click=levers.choose_preset, args=(name,),
                  type="primary" if name == data["preset"] else "secondary",
                  help=tr("Đặt mọi giả định về giá trị của kịch bản mẫu này.",
                          "Set every assumption to this preset's values."))
    st.button(tr("Về kịch bản mẫu", "Reset to the preset"), key="preset_reset", icon=":material/undo:",
              on_click=levers.reset_to_preset, disabled=not data["levers"],
              help=tr("Bỏ mọi thay đổi, trở về giá trị của kịch bản mẫu đang chọn.",
                      "Drop every change and go back to the chosen preset's values."))
st.caption(tr("Xu hướng: tiếp nối diễn biến đã qua. Nhịp kế hoạch: vừa đủ đạt chỉ tiêu trên đường trung tâm. "
              "Lạc quan, Thận trọng: hai phía của khoảng hợp lý. Di chuột vào dấu ? cạnh mỗi giả định để xem "
              "nguồn của giá trị mẫu.",
              "Trend: the past continued. Plan pace: just enough to meet the targets on the central path. "
              "Optimistic, Cautious: the two sides of the plausible range. Hover the ? beside each assumption "
              "for where the preset values come from."))
levers.show_error_slot()
st.subheader(tr("Thiết lập mô phỏng", "Simulation settings"))
levers.settings()


@st.fragment(key=levers.LIVE_FRAGMENT)
def live_section() -> None:
    """The levers and their effect, rerun alone when a slider moves (the sidebar's headline too)."""
    data = state.scenario()
    try:
        results = state.assessment()
    except PlannerError as exc:
        levers.show_error(exc)
        return
    k, n = headline(results)
    k0, _ = headline(preset_results)
    col1, col2, col3 = st.columns(3)
    col1.metric(tr("Chỉ tiêu có khả năng đạt", "Targets likely met"), f"{k}/{n}",
                delta=f"{k - k0:+d}" if k != k0 else None,
                delta_description=tr("so với kịch bản mẫu", "vs the preset") if k != k0 else None,
                help=tr("Xác suất đạt ít nhất 66 % (thang IPCC: “có khả năng”).",
                        "Probability of at least 66 % (IPCC scale: “likely”)."), border=True, height="stretch")
    col2.metric(tr("Kịch bản mẫu", "Preset"), f"{k0}/{n}",
                help=tr("Số chỉ tiêu có khả năng đạt nếu giữ nguyên kịch bản mẫu.",
                        "Targets likely met with the preset as it is."), border=True, height="stretch")
    col3.metric(tr("Giả định đã thay đổi", "Assumptions changed"), len(data["levers"]), border=True,
                height="stretch")
    # The levers on the left; on the right, every target's probability, redrawn as a slider moves.
    left, right = st.columns([3, 2], gap="large")
    with right:
        st.subheader(tr("Xác suất đạt từng chỉ tiêu", "Probability of each target"))
        show_compact_scorecard(results)
    with left:
        st.subheader(tr("Các giả định theo nhóm", "Assumptions by group"))
        levers.lever_groups()
    state.sync_url()  # a fragment's rerun does not reach app.py, which syncs the link otherwise


live_section()
saved_section()

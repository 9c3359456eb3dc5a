"""Giả định / Assumptions: the levers by group, presets, reset, the run settings, saved scenarios."""

import streamlit as st

from planner.errors import PlannerError
from planner.text import assumptions
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


@st.fragment(key=levers.LIVE_FRAGMENT)
@state.guarded(levers.LIVE_FRAGMENT)  # a fragment's rerun does not pass app.py's boundary
def live_section() -> None:
    """The chosen group's sliders and, beside them, what they do: a slider reruns only this."""
    data = state.scenario()
    levers.show_error_slot()
    try:
        results = state.assessment()
    except PlannerError as exc:
        levers.show_error(exc)
        return
    k, n = headline(results)
    k0, _ = headline(preset_results)
    changed = len(data["levers"])
    group = levers.group_picker()
    left, right = st.columns([3, 2], gap="large")
    # Drawn first: the results reach the screen before the sliders are sent again.  Sticky, so the
    # headline and the probabilities stay in view while the lower sliders of a long group are moved.
    with right, st.container(key="live_results"):
        st.metric(tr("Chỉ tiêu có khả năng đạt", "Targets likely met"), f"{k}/{n}",
                  delta=f"{k - k0:+d}" if k != k0 else None,
                  delta_description=tr("so với kịch bản mẫu", "vs the preset") if k != k0 else None,
                  help=tr("Xác suất đạt ít nhất 66 % (thang IPCC: “có khả năng”).",
                          "Probability of at least 66 % (IPCC scale: “likely”)."), border=True)
        st.caption(tr(f"Kịch bản mẫu: {k0}/{n} · {assumptions(changed, 'vi')} đã thay đổi.",
                      f"Preset: {k0}/{n} · {assumptions(changed, 'en')} changed."))
        with st.container(key="live_scorecard"):  # a stable hook for the browser tests and bench/ui.py
            show_compact_scorecard(results)
    with left:
        levers.group_levers(group)
    state.sync_url()  # a fragment's rerun does not reach app.py, which syncs the link otherwise


# Static CSS (no user text): keeps the results column in view beside a long group of sliders; on a
# short screen (a 720p projector) the column scrolls on its own rather than hang below the window.
st.html("""<style>
[data-testid="stLayoutWrapper"]:has(> .st-key-live_results) { position: sticky; top: 4rem; z-index: 1;
  max-height: calc(100vh - 5rem); overflow-y: auto; }
</style>""")
live_section()
st.subheader(tr("Thiết lập mô phỏng", "Simulation settings"))
levers.settings()
saved_section()

"""Giả định / Assumptions: the levers by group, presets, reset, the run settings, saved scenarios."""

import streamlit as st

from planner.errors import PlannerError
from ui import levers, live, state
from ui.saved import saved_section
from ui.scorecard import TABLE_CSS
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
        # No tooltips on these buttons: the caption below says what they do once, and every tooltip is
        # more for the browser to redraw on each slider move.
        st.button(levers.preset_label(name), key=f"preset_{name}", on_click=levers.choose_preset, args=(name,),
                  type="primary" if name == data["preset"] else "secondary")
    st.button(tr("Về kịch bản mẫu", "Reset to the preset"), key="preset_reset", icon=":material/undo:",
              on_click=levers.reset_to_preset, disabled=not data["levers"])
PRESET_HELP = tr("Một kịch bản mẫu đặt mọi giả định về giá trị của nó; “Về kịch bản mẫu” bỏ mọi thay đổi. "
                 "Xu hướng: tiếp nối diễn biến đã qua. Nhịp kế hoạch: vừa đủ đạt chỉ tiêu trên đường trung tâm. "
                 "Lạc quan, Thận trọng: hai phía của khoảng hợp lý. Di chuột vào dấu ? cạnh mỗi giả định để xem "
                 "nguồn của giá trị mẫu.",
                 "A preset sets every assumption to its values; “Reset to the preset” drops every change. "
                 "Trend: the past continued. Plan pace: just enough to meet the targets on the central path. "
                 "Optimistic, Cautious: the two sides of the plausible range. Hover the ? beside each assumption "
                 "for where the preset values come from.")
# On a phone the explanation folds away (see the CSS below), so the first slider reaches the first screen.
with st.container(key="preset_help"):
    st.caption(PRESET_HELP)
with st.container(key="preset_help_phone"), st.expander(tr("Kịch bản mẫu là gì?", "What is a preset?")):
    st.caption(PRESET_HELP)


@st.fragment(key=levers.RESULTS_FRAGMENT)
@state.guarded(levers.RESULTS_FRAGMENT)  # a fragment's rerun does not pass app.py's boundary
def results_section() -> None:
    """The live panel: headline, probabilities and the changed assumptions, one HTML element (``ui.live``).
    A slider's callback reruns only this (``levers._on_lever``): the sliders themselves are not sent
    again, the browser already shows them."""
    data = state.scenario()
    try:
        results = state.assessment()
        preset = state.assessment({**data, "levers": {}})
    except PlannerError as exc:
        levers.show_error(exc)
        return
    # Sticky (CSS below), so the headline and the probabilities stay in view while the lower sliders of a
    # long group are moved.
    with st.container(key="live_results"):
        st.html(live.panel_html(results, preset))
    state.sync_url()  # a fragment's rerun does not reach app.py, which syncs the link otherwise
    levers.compute_ahead()  # the likely next positions, in the background once this is drawn


# Static CSS (no user text): keeps the results column in view beside a long group of sliders; on a
# short screen (a 720p projector) the column scrolls on its own rather than hang below the window.
# The sticky box is the results fragment's own wrapper, the column's direct child.
st.html(TABLE_CSS + live.PANEL_CSS)
st.html("""<style>
[data-testid="stColumn"] > [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"]:has(.st-key-live_results) {
  position: sticky; top: 4rem; z-index: 1;
  max-height: calc(100vh - 5rem); overflow-y: auto; }
/* A phone stacks the columns: the results come first, in a box of under half the screen that scrolls on
   its own, so the sliders follow at once instead of two screens below them. */
[data-testid="stLayoutWrapper"]:has(> .st-key-preset_help_phone) { display: none; }
@media (max-width: 640px) {
  [data-testid="stColumn"]:has(.st-key-live_results) { order: -1; }
  [data-testid="stColumn"] > [data-testid="stVerticalBlock"] > [data-testid="stLayoutWrapper"]:has(.st-key-live_results) {
    position: static; max-height: 24vh; }
  /* Less above the first slider: a shorter top margin, title and headline, the presets' explanation
     folded into an expander. */
  [data-testid="stMainBlockContainer"] { padding-top: 3rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding-bottom: .25rem; }
  [data-testid="stHorizontalBlock"]:has(.st-key-live_results) { row-gap: 1rem; }
  .st-key-live_results .live-headline .live-value { font-size: 1.75rem; line-height: 1.2; }
  [data-testid="stLayoutWrapper"]:has(> .st-key-preset_help) { display: none; }
  [data-testid="stLayoutWrapper"]:has(> .st-key-preset_help_phone) { display: block; }
}
</style>""")
levers.show_error_slot()
group = levers.group_picker()
left, right = st.columns([3, 2], gap="large")
with right:  # drawn first: on a full rerun the results reach the screen before the sliders
    results_section()
with left:
    levers.group_sliders(group)
    levers.group_table(group)  # the preset's values: nothing in it moves with a slider


# Lazy: closed, the settings draw nothing, so the page a slider rerenders in the browser stays small.
settings = st.expander(tr("Thiết lập mô phỏng", "Simulation settings"), key=levers.SETTINGS_OPEN_KEY,
                       on_change="rerun", icon=":material/settings:")
with settings:
    if settings.open:
        levers.settings()
saved_section()

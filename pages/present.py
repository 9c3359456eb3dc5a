"""Trình chiếu / Present: the leadership meeting on a projector, one screen per target group.

Large type, no controls in sight but a small previous/next (PageUp/PageDown on a presenter's clicker)
and the screen number; the report downloads sit in an expander at the bottom.  The scenario's name
is shown with ``st.text`` only; the page's own CSS (font sizes) holds no user text.
"""

import json
from datetime import date

import pandas as pd
import streamlit as st

from planner import charts
from planner.assess import GoalSeek, TargetResult
from planner.charts import FONT_STACK
from planner.errors import PlannerError
from planner.fmt import day_text, indicator_value, number, probability
from planner.packs import load_pack
from planner.registry import LIKELY_THRESHOLD, likelihood, preset_label
from planner.report import projector_spec
from planner.report.content import LIKELY_WORDS, band_counts, changes_text
from planner.results import driving_levers, main_indicator, observations_frame, target_groups
from planner.text import document_text, goal_seek_sentence, result_summary, scenario_title
from ui import figures, state
from ui.downloads import downloads_section
from ui.scorecard import clean_row, headline
from ui.state import escape_markdown, tr

SCREEN = "present_screen"

# Font sizes for a projector, scoped to this page's keyed containers. Static text: no user input here.
# The sidebar never shows during a presentation (app.py also opens the page with it collapsed): a
# presenter's PageDown/PageUp reruns the page, and the sidebar must not slide in over a slide.  The
# settings stay on the other pages.
st.html("""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"]
  { display: none !important; }
.st-key-present_deck [data-testid="stMarkdownContainer"] p { font-size: 1.55rem; line-height: 1.35; }
.st-key-present_deck h1 { font-size: 3.1rem; line-height: 1.15; }
.st-key-present_deck h2 { font-size: 2.5rem; line-height: 1.2; }
.st-key-present_kicker [data-testid="stMarkdownContainer"] p { font-size: 1.2rem; letter-spacing: .08em;
  text-transform: uppercase; color: #495057; }
.st-key-present_name, .st-key-present_name * { font-size: 2.3rem; font-weight: 600; line-height: 1.25; }
.st-key-present_big [data-testid="stMarkdownContainer"] p { font-size: 6.5rem; font-weight: 800; line-height: 1.05;
  color: #12344d; }
.st-key-present_big_words [data-testid="stMarkdownContainer"] p { font-size: 2.5rem; font-weight: 700;
  color: #12344d; }
.st-key-present_bands [data-testid="stMarkdownContainer"] p { font-size: 1.7rem; }
[class*="st-key-present_target_"] [data-testid="stMarkdownContainer"] p { font-size: 1.45rem; margin-bottom: .2rem; }
.st-key-present_seek [data-testid="stMarkdownContainer"] p { font-size: 1.5rem; }
.st-key-present_nav [data-testid="stMarkdownContainer"] p { font-size: 1.05rem; color: #495057; }
/* A slide fits the screen without scrolling, down to 1280x720: little padding above and below, and on a
   short screen smaller type, a shorter chart and tighter target boxes. */
[data-testid="stMainBlockContainer"] { padding-top: 4.25rem; padding-bottom: .5rem; }
@media (max-height: 800px) {
  .st-key-present_deck [data-testid="stMarkdownContainer"] p { font-size: 1.25rem; line-height: 1.3; }
  .st-key-present_deck h2 { font-size: 2rem; padding: 0; }
  .st-key-present_seek [data-testid="stMarkdownContainer"] p { font-size: 1.05rem; }
  [class*="st-key-present_target_"] [data-testid="stMarkdownContainer"] p { font-size: 1.1rem; margin-bottom: 0; }
  .st-key-present_deck h1 { font-size: 2.4rem; padding: .25rem 0; }
  .st-key-present_name, .st-key-present_name * { font-size: 1.8rem; }
  .st-key-present_big [data-testid="stMarkdownContainer"] p { font-size: 4.2rem; }
  .st-key-present_big_words [data-testid="stMarkdownContainer"] p { font-size: 1.9rem; }
  .st-key-present_bands [data-testid="stMarkdownContainer"] p { font-size: 1.35rem; }
  .st-key-present_chart canvas, .st-key-present_chart svg { max-height: calc(100vh - 17.5rem) !important;
    width: auto !important; height: auto !important; }
}
</style>""")

pack = state.pack()
lang = state.lang()
data = state.scenario()
scenario_key = state.key_of(data)


@st.cache_data(max_entries=64, show_spinner=False)
def fan_spec(scenario_key: str, indicator: str, lang: str, observations: pd.DataFrame) -> dict:
    """The group's fan chart with projector-sized type (cached: building a chart takes a few tenths of a second)."""
    data = json.loads(scenario_key)
    pack = load_pack(data["pack"])
    chart = charts.fan_chart(state.trajectories(data), indicator, observations, pack.targets, pack, lang,
                             window_start=data.get("window_start"))
    return projector_spec(chart, font=f"'Source Sans', {FONT_STACK}")  # the app's own font first


try:
    results = state.assessment()
except PlannerError as exc:
    state.show_error(exc)
    st.stop()
by_id = {row["id"]: row for row in results.to_dict("records")}
groups = target_groups(pack)
last = len(groups)  # screen 0 is the title, then one per group
screen = min(max(int(st.session_state.get(SCREEN, 0)), 0), last)
st.session_state[SCREEN] = screen


def go(step: int) -> None:
    st.session_state[SCREEN] = min(max(int(st.session_state.get(SCREEN, 0)) + step, 0), last)


def colour_words(p: float) -> str:
    band = likelihood(p)
    return (f':color[**{band.symbol} {band.label(lang)} · {probability(p, lang)}**]{{foreground="{band.colour}"}}')


# --- Navigation: small, top right ------------------------------------------------------------------------
titles = [tr("Mở đầu", "Opening")] + [g.label(lang) for g, _ in groups]
with st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center", key="present_nav"):
    st.button(tr("Trước", "Previous"), icon=":material/chevron_left:", key="present_prev", type="tertiary",
              on_click=go, args=(-1,), disabled=screen == 0, shortcut="PageUp",
              help=tr("Màn hình trước (phím Page Up)", "Previous screen (Page Up key)"))
    st.markdown(f"{screen + 1} / {last + 1} · {escape_markdown(titles[screen])}", width="content")
    st.button(tr("Sau", "Next"), icon=":material/chevron_right:", icon_position="right", key="present_next",
              type="tertiary", on_click=go, args=(1,), disabled=screen == last, shortcut="PageDown",
              help=tr("Màn hình sau (phím Page Down)", "Next screen (Page Down key)"))

deck = st.container(key="present_deck")

# --- Screen 1: the title --------------------------------------------------------------------------------
if screen == 0:
    with deck:
        # The opening screen says what the report's cover says (planner.report.content), in large type;
        # a target with no projection has no probability, so it is not counted.
        probs = [p for p, m in zip(results["probability"], results["modelled"], strict=True) if m]
        k, _ = headline(results)  # likely and not borderline, as on the scorecard
        with st.container(key="present_kicker"):
            st.markdown(tr("Kinh tế tập thể · Kịch bản đến 2030 và 2045",
                           "Collective economy · Scenario to 2030 and 2045"))
        st.title(escape_markdown(pack.name(lang)), anchor=False)
        st.markdown(escape_markdown(document_text(pack, lang)))
        st.markdown(tr("Kịch bản:", "Scenario:"))
        res_name = data.get("name", "").strip()
        with st.container(key="present_name"):
            st.text(scenario_title(res_name, data["preset"], lang, len(data["levers"])))
        changes = changes_text(len(data["levers"]), lang)
        preset = preset_label(data["preset"], lang)
        st.markdown(tr(f"Kịch bản mẫu: {preset} · ", f"Preset: {preset} · ") + changes if res_name
                    else changes[:1].upper() + changes[1:])
        with st.container(key="present_big"):
            st.markdown(f"{k}/{len(probs)}")
        with st.container(key="present_big_words"):
            st.markdown(tr(*LIKELY_WORDS))
        with st.container(key="present_bands"):
            st.markdown(" · ".join(f':color[{b.symbol} {b.count} {b.label}]{{foreground="{b.colour}"}}'
                                   for b in band_counts(probs, lang)))
        st.markdown(tr(f"Ngày {day_text(date.today(), lang)} · {number(data['draws'], 0, 'vi')} lượt mô phỏng",
                       f"{day_text(date.today(), lang)} · {number(data['draws'], 0, 'en')} draws"))

# --- One screen per target group -------------------------------------------------------------------------
else:
    group, targets = groups[screen - 1]
    projected_here = [t for t in targets if t.modelled]
    indicator = main_indicator(group, projected_here) if projected_here else None
    with deck:
        st.header(escape_markdown(group.label(lang)), anchor=False)
        left, right = st.columns([5, 6], gap="large")
        with left:
            for t in targets:
                row = by_id[t.id]
                ind = t.indicator
                with st.container(border=True, key=f"present_target_{t.id}"):
                    st.markdown(f"**{escape_markdown(t.label(lang))}** ({t.year})")
                    if not t.modelled:
                        st.markdown(escape_markdown(result_summary(pack, TargetResult(**clean_row(row)), lang)["note"]))
                        continue
                    st.markdown(tr("Dự báo: ", "Projected: ") + f"**{escape_markdown(indicator_value(ind, row['p50'], lang))}** "
                                + escape_markdown(tr("(khoảng 80\u00a0%: ", "(80\u00a0% range: ")
                                                  + f"{indicator_value(ind, row['p10'], lang)} – "
                                                  + f"{indicator_value(ind, row['p90'], lang)})"))
                    st.markdown(colour_words(row["probability"]))
            # What it would take, under the targets so the slide fits a 1280x720 screen: the least likely
            # target that one lever can still make likely (else the least likely one), goal-seeked on the
            # lever that drives it most directly (the next one if that cannot).
            seeks: list[GoalSeek] = []
            try:
                with st.spinner(tr("Đang tính điều kiện để đạt…", "Working out what it would take…")):
                    for t in sorted((t for t in targets if t.modelled), key=lambda t: by_id[t.id]["probability"]):
                        tried = [GoalSeek(**state.goal_seek_result(t.id, lever_id))
                                 for lever_id in driving_levers(pack, t)]
                        if tried:
                            seeks.append(next((s for s in tried if s.status in ("reachable", "always_met")), tried[0]))
            except PlannerError as exc:
                state.show_error(exc)
            if seeks:
                open_ = [s for s in seeks if s.current_probability < LIKELY_THRESHOLD]
                chosen = next((s for s in open_ if s.status == "reachable"), open_[0] if open_ else seeks[0])
                with st.container(border=True, key="present_seek"):
                    st.markdown(f"**{tr('Cần gì để đạt?', 'What would it take?')}** "
                                + escape_markdown(goal_seek_sentence(pack, chosen, lang)))

        with right:
            try:
                spec = None if indicator is None else fan_spec(
                    scenario_key, indicator, lang, observations_frame(pack, figures.chart_figures(), lang))
            except PlannerError as exc:
                state.show_error(exc)
            else:
                if spec is None:
                    st.markdown(tr("Các chỉ tiêu này không được dự báo, nên không có biểu đồ.",
                                   "These targets are not projected, so there is no chart."))
                else:
                    with st.container(key="present_chart"):
                        st.vega_lite_chart(spec, width="stretch", theme=None,
                                           alt=tr(f"{group.label(lang)}: dự báo đến 2045 so với chỉ tiêu",
                                                  f"{group.label(lang)}: projection to 2045 against the targets"))

downloads_section()

"""Lever widgets, generated from the registry (``planner.registry``): no second list of lever names.

Every lever of the pack gets a slider in its group (in ``GROUPS`` order); one group is shown at a
time, chosen with pills, with a table of the group's preset values and ranges under the sliders; the
live panel beside them (``ui.live``) shows the probabilities and every changed assumption.  The sliders are
``st.select_slider`` over the lever's own grid (``lo``..``hi`` by ``step``, in display units:
percentages for rates and shares) so the numbers on screen follow the language (``2,80 %`` in
Vietnamese, ``2.80 %`` in English); the ``printf`` format of ``st.slider`` cannot write a decimal comma.

The scenario dict stays the single source of truth: before a widget is drawn its session-state
value is set from the scenario (so a preset change or a loaded scenario shows at once), and its
``on_change`` callback writes the new value back through ``state.set_lever``.  A rejected value
leaves the scenario as it was and the message is shown next to the widgets.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from planner import registry
from planner.errors import PlannerError
from planner.fmt import lever_value, number
from planner.model import lever_range
from planner.packs import Pack
from planner.registry import GROUP_BY_ID, GROUPS, Lever
from planner.scenario import check_window_start, lever_display
from ui import precompute, state
from ui.scorecard import html_table
from ui.state import tr

KEY_PREFIX = "lever_"
UNCERTAINTY_KEY = "setting_uncertainty"
WINDOW_KEY = "setting_window_start"
ERROR_KEY = "levers_error"
SETTINGS_ERROR_KEY = "settings_error"  # shown beside the run settings, which sit below the levers
SETTINGS_OPEN_KEY = "settings_open"  # the run settings' (lazy) expander
# The saved scenarios' expander (ui/saved.py) holds the scenario file's download, made when pressed.  A
# keyed rerun starts with a full run that Streamlit cuts short, and that run forgets every download
# registered before it; so while the expander is open a move reruns the whole page, which registers the
# download again (closed, the expander draws nothing and the keyed rerun stays).
SAVED_OPEN_KEY = "saved_section_open"
# The assumptions page's live panel (``ui.live``), rerun alone by a slider's callback: the results and
# the chosen group's values beside the sliders.  The sliders sit outside it, so a move does not send
# them again (the browser already shows the new position).
RESULTS_FRAGMENT = "assumptions_results"
GROUP_KEY = "lever_group"  # the chosen group, kept across pages (the widget's own key is dropped off-page)
GROUP_WIDGET_KEY = "lever_group_choice"
MOVED_KEY = "lever_last_moved"  # the lever a slider moved last: its neighbouring positions are computed ahead
PREVIOUS_KEY = "lever_previous_position"  # {lever id: its position at the last live run}: the direction of travel

UNCERTAINTY_STEPS = tuple(round(i / 10, 1) for i in range(21))  # 0 .. 2 by 0.1


def preset_label(name: str) -> str:
    return registry.preset_label(name, state.lang())


def widget_key(lever_id: str) -> str:
    return f"{KEY_PREFIX}{lever_id}"


def to_display(lever: Lever, value: float) -> float:
    """The number the slider holds: percentages for rates and shares, rounded so floats compare."""
    return round(lever_display(lever, value), 6)


def from_display(lever: Lever, shown: float) -> float:
    return round(shown / 100, 10) if lever.is_fraction else float(shown)


escape_markdown = state.escape_markdown
show_error = state.show_error


def apply_scenario(data: dict[str, Any]) -> None:
    """Replace the scenario (validated by ``state.set_scenario``); app.py sets the sidebar from it.  One
    made with other actual figures than the current ones is opened with the current ones, and says so."""
    from ui import figures

    state.set_scenario(figures.opened(data))


def choose_preset(name: str) -> None:
    """Callback of a preset button: every lever back to that preset's values."""
    try:
        state.set_preset(name)
        st.session_state.pop(ERROR_KEY, None)
    except PlannerError as exc:
        st.session_state[ERROR_KEY] = exc


def reset_to_preset() -> None:
    """Callback of the reset button: drop every changed lever (settings and name stay)."""
    data = state.scenario()
    try:
        state.set_scenario({**data, "levers": {}})
        st.session_state.pop(ERROR_KEY, None)
    except PlannerError as exc:
        st.session_state[ERROR_KEY] = exc


def _on_lever(lever_id: str) -> None:
    """A slider moved: write it to the scenario, then rerun only the live panel.

    The whole page reruns instead (the callback returns without a keyed rerun) when the value was
    refused, so the slider is set back and the message shown, or when this move is the first change
    from the preset or undoes the last one, which enables or disables "Reset" above."""
    pack = state.pack()
    precompute.live_run_starts(_session())
    try:
        lever = pack.lever(lever_id)
        had_changes = bool(state.scenario()["levers"])
        had_error = st.session_state.pop(ERROR_KEY, None) is not None
        state.set_lever(lever_id, from_display(lever, st.session_state[widget_key(lever_id)]))
    except PlannerError as exc:
        st.session_state[ERROR_KEY] = exc  # the widget is set back from the scenario on the next run
        return
    st.session_state[MOVED_KEY] = lever_id
    if (bool(state.scenario()["levers"]) == had_changes and not had_error
            and not st.session_state.get(SAVED_OPEN_KEY)):
        st.rerun(RESULTS_FRAGMENT)


def _session() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def compute_ahead() -> None:
    """Once the results of a move are drawn: queue the moved lever's neighbouring positions (the
    direction it last moved first) to be assessed in the background (``ui.precompute``)."""
    keys: list[str] = []
    lever_id = st.session_state.get(MOVED_KEY)
    pack = state.pack()
    data = state.scenario()
    if lever_id in {lv.id for lv in pack.levers}:
        lever = pack.lever(lever_id)
        grid = slider_grid(pack, lever)
        current = to_display(lever, data["levers"].get(lever_id, pack.preset(data["preset"])[lever_id]))
        at = bisect_left(grid, current)
        after = at + 1 if at < len(grid) and grid[at] == current else at
        up = [grid[after]] if after < len(grid) else []
        down = [grid[at - 1]] if at > 0 else []
        previous = st.session_state.get(PREVIOUS_KEY, {}).get(lever_id)
        ahead = down + up if previous is not None and previous > current else up + down
        st.session_state[PREVIOUS_KEY] = {lever_id: current}
        for shown in ahead:
            try:
                keys.append(state.key_of({**data, "levers": {**data["levers"], lever_id: from_display(lever, shown)}}))
            except PlannerError:
                continue
    precompute.live_run_done(_session(), keys, state.assessment_rows)


def _on_uncertainty() -> None:
    try:
        state.set_scenario({**state.scenario(), "uncertainty": float(st.session_state[UNCERTAINTY_KEY])})
        st.session_state.pop(SETTINGS_ERROR_KEY, None)
    except PlannerError as exc:
        st.session_state[SETTINGS_ERROR_KEY] = exc


def _on_window() -> None:
    pack = state.pack()
    try:
        year = check_window_start(pack, st.session_state[WINDOW_KEY], "window_start")
        state.set_scenario({**state.scenario(), "window_start": None if year == pack.window_start else year})
        st.session_state.pop(SETTINGS_ERROR_KEY, None)
    except PlannerError as exc:
        st.session_state[SETTINGS_ERROR_KEY] = exc


def slider_grid(pack: Pack, lever: Lever) -> tuple[float, ...]:
    """The positions of a lever's slider in display units: its grid plus every preset value."""
    return _grid(lever, tuple(p[lever.id] for p in pack.presets.values() if lever.id in p))


def _options(pack: Pack, lever: Lever, current: float) -> list[float]:
    """The lever's grid in display units, plus every preset value and the current one (they may lie
    between grid points, e.g. a fitted value or one from a link)."""
    grid = slider_grid(pack, lever)
    return list(grid) if current in _labels(lever, grid, state.lang()) else sorted({*grid, current})


@lru_cache(maxsize=256)
def _grid(lever: Lever, preset_values: tuple[float, ...]) -> tuple[float, ...]:
    # Built once per lever: a slider rerun must not rebuild hundreds of options.
    count = int(round((lever.hi - lever.lo) / lever.step))
    values = {to_display(lever, lever.lo + i * lever.step) for i in range(count + 1)}
    values.add(to_display(lever, lever.hi))
    values.update(to_display(lever, v) for v in preset_values)
    return tuple(sorted(values))


@lru_cache(maxsize=512)
def _labels(lever: Lever, grid: tuple[float, ...], lang: str) -> dict[float, str]:
    return {x: lever_value(lever, from_display(lever, x), lang) for x in grid}


def _unit(lever: Lever) -> str:
    if lever.kind == "rate":
        return tr(" (% / năm)", " (% a year)")
    if lever.kind == "share":
        return " (%)"
    return ""


_HELP: dict[tuple[str, str, str], str] = {}


def _help(pack: Pack, lever: Lever) -> str:
    """The tooltip of a lever's slider (kept per pack, lever and language: a slider's rerun reuses it)."""
    lang = state.lang()
    cached = _HELP.get((pack.id, lever.id, lang))
    if cached is None:
        cached = _HELP[(pack.id, lever.id, lang)] = _help_text(pack, lever, lang)
    return cached


def _help_text(pack: Pack, lever: Lever, lang: str) -> str:
    presets = " · ".join(f"{preset_label(name)} {lever_value(lever, values[lever.id], lang)}"
                         for name, values in pack.presets.items() if lever.id in values)
    lines = [
        escape_markdown(lever.help(lang)),
        escape_markdown(tr(f"Giới hạn: {lever_value(lever, lever.lo, lang)} – {lever_value(lever, lever.hi, lang)}, "
                           f"bước {lever_value(lever, lever.step, lang)}.",
                           f"Bounds: {lever_value(lever, lever.lo, lang)} – {lever_value(lever, lever.hi, lang)}, "
                           f"step {lever_value(lever, lever.step, lang)}.")),
        escape_markdown(tr("Các kịch bản mẫu: ", "Presets: ") + presets + "."),
    ]
    note = pack.preset_note(lever.id, lang)
    if note:
        lines.append(escape_markdown(tr("Nguồn của giá trị mẫu: ", "Where the preset values come from: ") + note))
    lines.append(escape_markdown(tr(f"Mã: {lever.id}", f"Id: {lever.id}")))
    return "\n\n".join(lines)


def _lever_widget(pack: Pack, lever: Lever, data: dict[str, Any]) -> None:
    lang = state.lang()
    shown = to_display(lever, data["levers"].get(lever.id, pack.preset(data["preset"])[lever.id]))
    key = widget_key(lever.id)
    if st.session_state.get(key) != shown:
        st.session_state[key] = shown
    options = _options(pack, lever, shown)
    labels = _labels(lever, slider_grid(pack, lever), lang)
    st.select_slider(
        lever.label(lang) + _unit(lever), options=options,
        format_func=lambda x, lv=lever: labels.get(x) or lever_value(lv, from_display(lv, x), lang),
        key=key, help=_help(pack, lever), on_change=_on_lever, args=(lever.id,))


def lever_summary(pack: Pack, mine: list[Lever], data: dict[str, Any]) -> pd.DataFrame:
    """One row per lever of a group: the preset's value and the uncertainty range drawn around it.

    Nothing here moves with a slider (the preset and the uncertainty scale change only through a full
    rerun), so the table is drawn once, not with each move; the live panel (``ui.live``) shows each
    changed assumption with the range drawn around its new value."""
    lang = state.lang()
    base = pack.preset(data["preset"])
    scale = float(data["uncertainty"])
    rows = []
    for lever in mine:
        low, high = lever_range(lever, base[lever.id], scale)
        rows.append((lever.label(lang), lever_value(lever, base[lever.id], lang),
                     f"{lever_value(lever, low, lang)} – {lever_value(lever, high, lang)}"))
    scale_text = number(scale, 1, lang)
    return pd.DataFrame(rows, columns=[
        tr("Giả định", "Assumption"), tr("Giá trị mẫu", "Preset value"),
        tr(f"Khoảng bất định quanh giá trị mẫu (×{scale_text})", f"Uncertainty range around it (×{scale_text})")])


def group_table(group_id: str) -> None:
    """The chosen group's preset values and ranges, under its sliders: one HTML element."""
    pack = state.pack()
    frame = lever_summary(pack, lever_groups(pack)[group_id], state.scenario())
    st.html(html_table(list(frame.columns), frame.values.tolist(),
                       caption=tr("Giá trị mẫu của các giả định trong nhóm", "The preset values of this group's assumptions")))


def show_error_slot(key: str = ERROR_KEY) -> None:
    """The last rejected input (if any), in the current language."""
    exc = st.session_state.get(key)
    if isinstance(exc, PlannerError):
        show_error(exc)


def _on_group() -> None:
    if st.session_state.get(GROUP_WIDGET_KEY):  # clicking the chosen group again deselects it: keep it
        st.session_state[GROUP_KEY] = st.session_state[GROUP_WIDGET_KEY]


def lever_groups(pack: Pack) -> dict[str, list[Lever]]:
    """The pack's levers by group, in ``GROUPS`` order, groups without levers left out."""
    groups = {g.id: [lv for lv in pack.levers if lv.group == g.id] for g in GROUPS}
    return {gid: mine for gid, mine in groups.items() if mine}


def group_picker() -> str:
    """Pills naming each group (full width: in a narrow column they would scroll); returns the chosen one."""
    groups = lever_groups(state.pack())
    chosen = st.session_state.get(GROUP_KEY)
    if chosen not in groups:
        chosen = st.session_state[GROUP_KEY] = next(iter(groups))
    st.session_state[GROUP_WIDGET_KEY] = chosen
    lang = state.lang()
    st.pills(tr("Nhóm giả định", "Group of assumptions"), list(groups), key=GROUP_WIDGET_KEY,
             format_func=lambda gid: GROUP_BY_ID[gid].label(lang), on_change=_on_group)
    return chosen


def group_sliders(group_id: str) -> None:
    """The chosen group's sliders (one group at a time keeps the page light)."""
    pack = state.pack()
    data = state.scenario()
    for lever in lever_groups(pack)[group_id]:
        _lever_widget(pack, lever, data)


def settings() -> None:
    """The run settings written to the scenario: uncertainty scale and the first year counted."""
    pack = state.pack()
    data = state.scenario()
    lang = state.lang()
    show_error_slot(SETTINGS_ERROR_KEY)
    col1, col2 = st.columns(2)
    with col1:
        current = round(float(data["uncertainty"]), 6)
        if st.session_state.get(UNCERTAINTY_KEY) != current:
            st.session_state[UNCERTAINTY_KEY] = current
        st.select_slider(
            tr("Mức bất định chung", "Overall uncertainty"), options=sorted({*UNCERTAINTY_STEPS, current}),
            format_func=lambda x: "×" + number(x, 1, lang), key=UNCERTAINTY_KEY, on_change=_on_uncertainty,
            help=tr("Nhân độ rộng khoảng bất định của mọi giả định: 0 = giả định cố định (chỉ còn biến động "
                    "ngẫu nhiên của số thành lập, giải thể), 1 = mặc định, 2 = rộng gấp đôi.",
                    "Multiplies the width of every assumption's uncertainty range: 0 = assumptions fixed (only "
                    "the random noise of foundings and dissolutions remains), 1 = default, 2 = twice as wide."))
    with col2:
        if any(t.kind == "new" for t in pack.targets):
            first, last = pack.base_year + 1, min(t.year for t in pack.targets)
            years = list(range(first, last + 1))
            year = data["window_start"] or pack.window_start
            if st.session_state.get(WINDOW_KEY) != year:
                st.session_state[WINDOW_KEY] = year
            st.selectbox(
                tr("Năm đầu tiên tính số thành lập mới", "First year counted for foundings"), years,
                format_func=str, key=WINDOW_KEY, on_change=_on_window,
                help=tr("Chỉ tiêu “thành lập mới” cộng số thành lập từ ngày 1/1 của năm này đến hết năm chỉ tiêu. ",
                        "“Newly founded” targets add the foundings from 1 January of this year to the end of the "
                        "target year. ")
                + (pack.text("window_note", lang) or tr(f"Mặc định {pack.window_start} (theo gói kế hoạch).",
                                                        f"Default {pack.window_start} (from the plan pack).")))
        else:
            st.caption(tr("Gói này không có chỉ tiêu “thành lập mới”, nên không cần chọn năm bắt đầu tính.",
                          "This pack has no “newly founded” targets, so no first year needs choosing."))

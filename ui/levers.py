"""Lever widgets, generated from the registry (``planner.registry``): no second list of lever names.

Every lever of the pack gets a slider in its group (in ``GROUPS`` order).  The sliders are
``st.select_slider`` over the lever's own grid (``lo``..``hi`` by ``step``, in display units:
percentages for rates and shares) so the numbers on screen follow the language (``2,80 %`` in
Vietnamese, ``2.80 %`` in English); the ``printf`` format of ``st.slider`` cannot write a decimal comma.

The scenario dict stays the single source of truth: before a widget is drawn its session-state
value is set from the scenario (so a preset change or a loaded scenario shows at once), and its
``on_change`` callback writes the new value back through ``state.set_lever``.  A rejected value
leaves the scenario as it was and the message is shown next to the widgets.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import streamlit as st

from planner import registry
from planner.errors import PlannerError
from planner.fmt import lever_value, number
from planner.model import lever_range
from planner.packs import Pack
from planner.registry import GROUPS, Lever
from planner.scenario import check_window_start, lever_display
from ui import state
from ui.state import tr

KEY_PREFIX = "lever_"
UNCERTAINTY_KEY = "setting_uncertainty"
WINDOW_KEY = "setting_window_start"
ERROR_KEY = "levers_error"
# Fragments a moved slider reruns: the assumptions page's live section and the sidebar's headline.
LIVE_FRAGMENT = "assumptions_live"
SIDEBAR_FRAGMENT = "sidebar_headline"

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
    """Replace the scenario (validated by ``state.set_scenario``); app.py sets the sidebar from it."""
    state.set_scenario(data)


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
    pack = state.pack()
    try:
        lever = pack.lever(lever_id)
        state.set_lever(lever_id, from_display(lever, st.session_state[widget_key(lever_id)]))
        st.session_state.pop(ERROR_KEY, None)
        # Only what a lever changes is redrawn: not the navigation, the presets or the saved list.
        st.rerun([LIVE_FRAGMENT, SIDEBAR_FRAGMENT])
    except PlannerError as exc:
        st.session_state[ERROR_KEY] = exc  # the widget is set back from the scenario on the full rerun


def _on_uncertainty() -> None:
    try:
        state.set_scenario({**state.scenario(), "uncertainty": float(st.session_state[UNCERTAINTY_KEY])})
        st.session_state.pop(ERROR_KEY, None)
    except PlannerError as exc:
        st.session_state[ERROR_KEY] = exc


def _on_window() -> None:
    pack = state.pack()
    try:
        year = check_window_start(pack, st.session_state[WINDOW_KEY], "window_start")
        state.set_scenario({**state.scenario(), "window_start": None if year == pack.window_start else year})
        st.session_state.pop(ERROR_KEY, None)
    except PlannerError as exc:
        st.session_state[ERROR_KEY] = exc


def _options(pack: Pack, lever: Lever, current: float) -> list[float]:
    """The lever's grid in display units, plus every preset value and the current one (they may lie
    between grid points, e.g. a fitted value or one from a link)."""
    grid = _grid(lever, tuple(p[lever.id] for p in pack.presets.values() if lever.id in p))
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


def _help(pack: Pack, lever: Lever) -> str:
    lang = state.lang()
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
    note = pack.preset_notes.get(lever.id, "")
    if note:
        lines.append(escape_markdown(tr("Ghi chú về giá trị mẫu (tiếng Anh): ", "Note on the preset values: ") + note))
    lines.append(escape_markdown(tr(f"Mã: {lever.id}", f"Id: {lever.id}")))
    return "\n\n".join(lines)


def _lever_widget(pack: Pack, lever: Lever, data: dict[str, Any], base: dict[str, float]) -> None:
    lang = state.lang()
    value = data["levers"].get(lever.id, base[lever.id])
    shown = to_display(lever, value)
    key = widget_key(lever.id)
    if st.session_state.get(key) != shown:
        st.session_state[key] = shown
    options = _options(pack, lever, shown)
    labels = _labels(lever, _grid(lever, tuple(p[lever.id] for p in pack.presets.values() if lever.id in p)), lang)
    st.select_slider(
        lever.label(lang) + _unit(lever), options=options,
        format_func=lambda x, lv=lever: labels.get(x) or lever_value(lv, from_display(lv, x), lang),
        key=key, help=_help(pack, lever), on_change=_on_lever, args=(lever.id,))
    low, high = lever_range(lever, value, float(data["uncertainty"]))
    scale = number(float(data["uncertainty"]), 1, lang)
    caption = tr(f"Mẫu ({preset_label(data['preset'])}): {lever_value(lever, base[lever.id], lang)}"
                 f" · khoảng bất định (×{scale}): {lever_value(lever, low, lang)} – {lever_value(lever, high, lang)}",
                 f"Preset ({preset_label(data['preset'])}): {lever_value(lever, base[lever.id], lang)}"
                 f" · uncertainty range (×{scale}): {lever_value(lever, low, lang)} – {lever_value(lever, high, lang)}")
    if lever.id in data["levers"]:
        caption += tr(" · **đã thay đổi**", " · **changed**")
    st.caption(caption)


def show_error_slot() -> None:
    """The last rejected input (if any), in the current language."""
    exc = st.session_state.get(ERROR_KEY)
    if isinstance(exc, PlannerError):
        show_error(exc)


def lever_groups() -> None:
    """One expander per group that has levers for this pack, one slider per lever."""
    pack = state.pack()
    data = state.scenario()
    base = pack.preset(data["preset"])
    levers = pack.levers
    first = True
    for group in GROUPS:
        mine = [lv for lv in levers if lv.group == group.id]
        if not mine:
            continue
        changed = sum(lv.id in data["levers"] for lv in mine)
        # The label stays the same whatever changes (a new label would be a new expander, closed).
        label = group.label(state.lang())
        # Lazy expanders: a closed group draws no sliders, so a slider's rerun stays light.
        expander = st.expander(label, expanded=first, key=f"lever_group_{group.id}", on_change="rerun")
        with expander:
            if expander.open:
                if changed:
                    st.caption(tr(f"{changed} giả định trong nhóm này đã thay đổi.",
                                  f"{changed} assumptions in this group changed."))
                for lever in mine:
                    _lever_widget(pack, lever, data, base)
        first = False


def settings() -> None:
    """The run settings written to the scenario: uncertainty scale and the first year counted."""
    pack = state.pack()
    data = state.scenario()
    lang = state.lang()
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
                help=tr(f"Chỉ tiêu “thành lập mới” cộng số thành lập từ ngày 1/1 của năm này đến hết năm chỉ "
                        f"tiêu. Mặc định {pack.window_start}: kế hoạch ban hành 13/9/2023 và nói “đến năm 2030”.",
                        f"“Newly founded” targets add the foundings from 1 January of this year to the end of "
                        f"the target year. Default {pack.window_start}: the plan was issued on 13/9/2023 and "
                        f"speaks of “by 2030”."))
        else:
            st.caption(tr("Gói này không có chỉ tiêu “thành lập mới”, nên không cần chọn năm bắt đầu tính.",
                          "This pack has no “newly founded” targets, so no first year needs choosing."))

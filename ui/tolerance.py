"""The tolerance of each full-coverage target, a setting of the scenario (saved, shared in links)."""

from __future__ import annotations

import streamlit as st

from planner.errors import PlannerError
from planner.scenario import MAX_TOLERANCE, check_tolerance
from ui import state
from ui.state import tr


def _key(target_id: str) -> str:
    return f"tolerance_{state.scenario()['pack']}_{target_id}"


def _on_change(target_id: str) -> None:
    data = state.scenario()
    raw = st.session_state[_key(target_id)]
    try:
        value = check_tolerance(state.pack(), target_id, raw / 100, target_id)
    except PlannerError as exc:  # the widget's bounds make this rare; the last good value stays
        st.session_state["tolerance_error"] = exc
        return
    st.session_state.pop("tolerance_error", None)
    state.set_scenario({**data, "tolerance": {**(data.get("tolerance") or {}), target_id: value}})


def tolerance_inputs() -> None:
    """One number per full-coverage target: met from 100 % − tolerance (in percentage points)."""
    pack = state.pack()
    full = [t for t in pack.targets if t.rule == "full"]
    if not full:
        return
    data = state.scenario()
    chosen = data.get("tolerance") or {}
    with st.expander(tr("Dung sai của chỉ tiêu bao phủ toàn bộ (100\u00a0%)", "Tolerance of full-coverage (100\u00a0%) targets")):
        st.caption(tr("Chỉ tiêu “100\u00a0%” được coi là đạt từ 100\u00a0% trừ dung sai (mặc định 0,5 điểm\u00a0%, tức 99,5\u00a0% làm "
                      "tròn thành 100\u00a0%). Dung sai là một thiết lập của kịch bản: được lưu và chia sẻ theo đường dẫn.",
                      "A “100\u00a0%” target counts as met from 100\u00a0% less its tolerance (by default 0.5 points: 99.5\u00a0% "
                      "rounds to 100\u00a0%). The tolerance is a setting of the scenario: saved and shared in links."))
        for target in full:
            key = _key(target.id)
            st.session_state[key] = round(100 * chosen.get(target.id, target.tolerance), 2)
            st.number_input(f"{target.label(state.lang())} ({target.year})", min_value=0.0,
                            max_value=MAX_TOLERANCE * 100, step=0.1, format="%.1f", key=key,
                            on_change=_on_change, args=(target.id,),
                            help=tr("Điểm phần trăm dưới 100\u00a0% vẫn được tính là đạt.",
                                    "Percentage points below 100\u00a0% still counted as met."))
        exc = st.session_state.get("tolerance_error")
        if isinstance(exc, PlannerError):
            state.show_error(exc)

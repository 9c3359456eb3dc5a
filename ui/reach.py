"""Targets ruled out by a setting, and what it would take when no single assumption is enough."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from planner.assess import Blocker
from planner.reach import Requirement, blocker_sentence, joint_requirement, requirement_sentence
from planner.scenario import resolve
from ui import state
from ui.state import tr

REQUEST = "reach_request"


def show_blockers(results: pd.DataFrame) -> None:
    """One sentence per target that the chosen levers rule out (e.g. a ceiling below the target)."""
    if "blocked_by" not in results:
        return
    res = resolve(state.scenario())
    for row in results.to_dict("records"):
        if isinstance(row.get("blocked_by"), str):
            lever = row["blocked_by"]
            value = res.values[lever]
            b = Blocker(row["id"], lever, value, value, res.pack.target(row["id"]).met_at)
            st.warning(blocker_sentence(res.pack, b, state.lang()), icon=":material/block:")


@st.cache_data(max_entries=128, show_spinner=False)
def _requirement(key: str, target_id: str, wanted: float) -> dict:
    res = resolve(json.loads(key))
    return joint_requirement(res.pack, res.values, target_id, res.settings, wanted, res.evidence).as_dict()


def requirement(target_id: str, wanted: float = 0.66) -> Requirement:
    out = _requirement(state.key_of(state.scenario()), target_id, wanted)
    return Requirement(out["target"], tuple(tuple(m) for m in out["moves"]), out["probability"],
                       out["reachable"], out["start_probability"])


def show_requirement(target_id: str, wanted: float = 0.66) -> None:
    """What it would take, all levers together (computed when asked: it runs many projections)."""
    with st.spinner(tr("Đang tìm tổ hợp giả định…", "Searching for a combination of assumptions…")):
        r = requirement(target_id, wanted)
    text = requirement_sentence(state.pack(), r, state.lang(), wanted)
    (st.success if r.reachable else st.warning)(text, icon=":material/route:")


def show_requirements(results: pd.DataFrame) -> None:
    """On request: for every target not yet likely, what it would take with the levers together."""
    pending = [r for r in results.to_dict("records") if r["probability"] < 0.66]
    if not pending:
        return
    key = state.key_of(state.scenario())
    if st.button(tr("Cần gì để đạt các chỉ tiêu chưa có khả năng đạt", "What it would take for the targets not yet likely"),
                 icon=":material/route:", key="reach_button",
                 help=tr("Với mỗi chỉ tiêu, các giả định của nó lần lượt được đưa về mức thuận lợi nhất (giả định tạo "
                         "khác biệt lớn nhất trước) cho đến khi chỉ tiêu có khả năng đạt.",
                         "For each target, its assumptions are moved one at a time to their most favourable bound "
                         "(the one that helps most first) until the target is likely.")):
        st.session_state[REQUEST] = key
    if st.session_state.get(REQUEST) == key:
        for row in pending:
            show_requirement(row["id"])

"""Actual figures in the app: which are in force, and the evidence every engine call starts from.

Three sources, later ones replacing earlier ones of the same indicator and year:
- the pack's own figures (its ``actuals.csv``);
- the stored figures, shared by everyone in the database (the store keeps every version);
- figures tried for this session only (uploaded or typed on the Data page), never stored unless an
  editor saves them.
The user's switches (use a figure or not) and the scenario's as-of year apply to all of them.

A scenario may also pin the figures it was made with (``actuals`` and ``fingerprint`` in the scenario
dict): a share link or a saved scenario opened after the figures changed offers the choice between
them and the current ones.  Engine calls are cached on a key that holds the figures themselves, so a
changed figure can never be answered from a stale cache.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from planner.errors import PlannerError
from planner.monitoring import Evidence, evidence_for
from planner.packs import Observation, load_pack
from planner.scenario import figures_list, pinned_figures
from ui import state

STORED = "stored_figures"  # {pack: (monotonic time read, observations)}
SWITCHES = "figure_switches"  # {pack: {figure key: use or not}}
OPENED = "opened_figures"  # {"pack", "fingerprint", "actuals", "current"}: a link or file made with other figures
STORE_REFRESH_S = 5.0  # how stale another session's stored figures may be here; own writes refresh at once


def stored(pack_id: str) -> tuple[Observation, ...]:
    """The stored figures in force for a pack (read again after a few seconds, or after a write here)."""
    cache = st.session_state.setdefault(STORED, {})
    hit = cache.get(pack_id)
    if hit is not None and time.monotonic() - hit[0] < STORE_REFRESH_S:
        return hit[1]
    try:
        figures = state.store().figure_observations(pack_id)
    except PlannerError:
        figures = hit[1] if hit else ()  # the database is unreachable: keep what was read before
    cache[pack_id] = (time.monotonic(), figures)
    return figures


def forget_stored(pack_id: str) -> None:
    st.session_state.setdefault(STORED, {}).pop(pack_id, None)


def switches(pack_id: str | None = None) -> dict[str, bool]:
    return dict(st.session_state.get(SWITCHES, {}).get(pack_id or state.scenario()["pack"], {}))


def set_switch(key: str, value: bool) -> None:
    pack_id = state.scenario()["pack"]
    st.session_state.setdefault(SWITCHES, {}).setdefault(pack_id, {})[key] = bool(value)


def clear_switches() -> None:
    st.session_state.setdefault(SWITCHES, {}).pop(state.scenario()["pack"], None)


def live_evidence(data: dict[str, Any] | None = None) -> Evidence:
    """The current figures: the pack's, the stored ones and the session's, with the switches and the
    scenario's as-of year."""
    data = data or state.scenario()
    pack = load_pack(data["pack"])
    session = st.session_state.get(state.ACTUALS, {}).get(pack.id, ())
    return evidence_for(pack, session, data.get("as_of"), switches(pack.id), stored=stored(pack.id))


def in_force(data: dict[str, Any] | None = None) -> Evidence:
    """The evidence the scenario is computed with: its pinned figures, or the current ones."""
    data = data or state.scenario()
    if data.get("actuals") is not None:
        pack = load_pack(data["pack"])
        return evidence_for(pack, pinned_figures(pack, data["actuals"]), data.get("as_of"), pack_figures=False)
    return live_evidence(data)


def pinned(data: dict[str, Any] | None = None) -> bool:
    return (data or state.scenario()).get("actuals") is not None


def engine_data(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario with the figures in force written into it: what engine caches, reports and
    downloads take, so each computes from exactly these figures."""
    if data.get("actuals") is not None:
        return data
    evidence = live_evidence(data)
    return {**data, "actuals": figures_list(evidence), "fingerprint": evidence.fingerprint}


def opened(data: dict[str, Any]) -> dict[str, Any]:
    """A scenario arriving from a link, a file or the store: when it names figures other than the current
    ones, remember them (the page offers them) and compute with the current ones; else drop them."""
    st.session_state.pop(OPENED, None)
    if data.get("fingerprint") is None and data.get("actuals") is None:
        return data
    current = live_evidence(data)
    own = data.get("fingerprint")
    if own is None:  # figures without their fingerprint: name them now
        pack = load_pack(data["pack"])
        own = evidence_for(pack, pinned_figures(pack, data["actuals"]), pack_figures=False).fingerprint
    clean = {k: v for k, v in data.items() if k not in ("actuals", "fingerprint")}
    if own != current.fingerprint:
        st.session_state[OPENED] = {"pack": data["pack"], "fingerprint": own, "actuals": data.get("actuals"),
                                    "current": current.fingerprint}
    return clean


def use_opened_figures() -> None:
    """Callback: compute with the figures the link or file was made with."""
    info = st.session_state.get(OPENED)
    if not info or info["actuals"] is None or info["pack"] != state.scenario()["pack"]:
        return
    state.set_scenario({**state.scenario(), "actuals": info["actuals"], "fingerprint": info["fingerprint"]})


def use_current_figures() -> None:
    """Callback: compute with the current figures (the scenario's own pinned ones dropped)."""
    data = {k: v for k, v in state.scenario().items() if k not in ("actuals", "fingerprint")}
    state.set_scenario(data)


def changed_notice() -> None:
    """Say that the scenario was made with other figures, and let the user choose; also say which
    figures are in force.  Drawn on the Overview and the Data page."""
    info = st.session_state.get(OPENED)
    data = state.scenario()
    if not info or info["pack"] != data["pack"]:
        return
    if pinned(data):
        st.warning(state.tr(
            f"Đang tính với **số liệu thực tế lúc kịch bản được tạo** (dấu vân tay {info['fingerprint']}); số liệu "
            f"hiện nay đã khác (dấu vân tay {info['current']}).",
            f"Computed with the **actual figures the scenario was made with** (fingerprint {info['fingerprint']}); "
            f"the figures have changed since (now {info['current']})."), icon=":material/history:")
        st.button(state.tr("Dùng số liệu hiện nay", "Use the current figures"), key="figures_use_current",
                  on_click=use_current_figures, icon=":material/update:")
        return
    st.warning(state.tr(
        f"Số liệu thực tế đã thay đổi kể từ khi liên kết hoặc kịch bản này được tạo (dấu vân tay "
        f"{info['fingerprint']}, nay {info['current']}). Các con số đang tính với số liệu hiện nay.",
        f"The actual figures have changed since this link or scenario was made (fingerprint "
        f"{info['fingerprint']}, now {info['current']}). The numbers are computed with the current figures."),
        icon=":material/update:")
    if info["actuals"] is not None:
        st.button(state.tr("Xem với số liệu lúc tạo", "Show with the figures it was made with"),
                  key="figures_use_opened", on_click=use_opened_figures, icon=":material/history:")


def in_force_caption() -> str:
    """One sentence under a scorecard: the figures it starts from, and where to see them."""
    evidence = in_force()
    if not evidence.used:
        return state.tr("Không dùng số liệu thực tế nào: dự báo từ năm gốc.",
                        "No actual figure is used: projected from the base year.")
    return state.tr(
        f"Dự báo bắt đầu từ {len(evidence.used)} số liệu thực tế đến năm {evidence.latest_year} (dấu vân tay "
        f"{evidence.fingerprint}; xem trang Dữ liệu). “Đến nay”: số đã ghi nhận, phần chặng đường đã đi từ năm gốc "
        "tới chỉ tiêu (cách đọc hiện trạng của ESCAP) và phần thời gian đã qua.",
        f"Projected from {len(evidence.used)} actual figures up to {evidence.latest_year} (fingerprint "
        f"{evidence.fingerprint}; see the Data page). “So far”: what is recorded, the share of the way from the "
        "base year to the target covered (the ESCAP current-status reading) and the share of the time gone.")


def chart_figures() -> tuple[Observation, ...]:
    """Figures beside the pack's on charts and in reports: the stored ones, then this session's."""
    pack_id = state.scenario()["pack"]
    session = state.uploaded_actuals()
    mine = {(o.indicator, o.year) for o in session}
    return tuple(o for o in stored(pack_id) if (o.indicator, o.year) not in mine) + tuple(session)


def with_current_figures(data: dict[str, Any]) -> dict[str, Any]:
    """A saved scenario set beside the current one (Compare, reports): computed with the figures the
    current scenario uses, so the comparison shows the assumptions' difference, not the figures'."""
    own = {k: v for k, v in data.items() if k not in ("actuals", "fingerprint", "as_of")}
    current = state.scenario()
    return {**own, **{k: current[k] for k in ("actuals", "fingerprint", "as_of") if k in current}}

"""The scorecard table, shared by the Overview, Assumptions and Present pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from planner.fmt import lever_value
from planner.registry import LIKELIHOOD
from planner.text import LIKELIHOOD_BY_ID, result_summary
from ui import state
from ui.state import tr


def scorecard_frame(results: pd.DataFrame) -> pd.DataFrame:
    """Formatted scorecard: one row per target, in the current language."""
    from planner.assess import TargetResult

    pack = state.pack()
    rows = []
    for row in results.to_dict("records"):
        cells = result_summary(pack, TargetResult(**row), state.lang())
        rows.append({
            tr("Chỉ tiêu", "Target"): cells["target"],
            tr("Năm", "Year"): cells["year"],
            tr("Dự báo (trung vị)", "Projected (median)"): cells["projected"],
            tr("Khoảng 80 %", "80 % range"): cells["range"],
            tr("Xác suất đạt", "Probability"): cells["probability"],
            tr("Khả năng", "Likelihood"): cells["likelihood"],
            tr("Tiến độ", "Pace"): cells["pace"],
            **_so_far(pack, row),
        })
    return pd.DataFrame(rows)


def _so_far(pack, row: dict) -> dict[str, str]:
    """The progress-so-far cell (monitoring): what the actual figures record, beside the probability."""
    from planner.progress import progress_text

    def cell(key: str):  # a table column of numbers holds NaN where a row has none
        value = row.get(key)
        return None if value is None or value != value else value

    year = cell("recorded_year")
    text = progress_text(pack.target(row["id"]), cell("recorded"), None if year is None else int(year),
                         cell("progress"), cell("elapsed"), state.lang())
    return {tr("Đến nay (số liệu thực tế)", "So far (actual figures)"): text or "–"}


def _colour_for(text: str) -> str:
    for band in LIKELIHOOD:
        if text.endswith(band.label(state.lang())):
            return f"background-color: {band.colour}22; color: {band.colour}; font-weight: 600"
    return ""


def show_scorecard(results: pd.DataFrame) -> None:
    frame = scorecard_frame(results)
    column = tr("Khả năng", "Likelihood")
    styled = frame.style.map(_colour_for, subset=[column]).hide(axis="index")
    # A static table: readable on a projector, selectable text, no scrolling inside the grid.
    st.table(styled)


def headline(results: pd.DataFrame) -> tuple[int, int]:
    """Targets likely met (not counting borderline ones, which could flip with the seed), and all."""
    likely = results["probability"] >= 0.66
    if "borderline" in results:
        likely &= ~results["borderline"].astype(bool)
    return int(likely.sum()), len(results)


def borderline_count(results: pd.DataFrame) -> int:
    return int(results["borderline"].astype(bool).sum()) if "borderline" in results else 0


def likelihood_legend() -> str:
    return " · ".join(f"{b.symbol} {b.label(state.lang())}" for b in LIKELIHOOD_BY_ID.values())


def changed_levers() -> pd.DataFrame:
    """The levers that differ from the preset: preset value and scenario value."""
    data = state.scenario()
    pack = state.pack()
    base = pack.preset(data["preset"])
    rows = []
    for lever in pack.levers:
        if lever.id in data["levers"]:
            rows.append({tr("Giả định", "Assumption"): lever.label(state.lang()),
                         tr("Kịch bản mẫu", "Preset"): lever_value(lever, base[lever.id], state.lang()),
                         tr("Kịch bản này", "This scenario"): lever_value(lever, data["levers"][lever.id], state.lang())})
    return pd.DataFrame(rows)


def show_compact_scorecard(results: pd.DataFrame) -> None:
    """Target and probability only, with the likelihood symbol: fits beside the sliders."""
    from planner.registry import likelihood
    from planner.text import probability

    pack = state.pack()
    rows = []
    for row in results.to_dict("records"):
        band = likelihood(row["probability"])
        rows.append({tr("Chỉ tiêu", "Target"): pack.target(row["id"]).label(state.lang()),
                     tr("Xác suất", "Probability"): f"{band.symbol} {probability(row['probability'], state.lang())}"})
    frame = pd.DataFrame(rows)
    column = tr("Xác suất", "Probability")

    def colour(text: str) -> str:
        for band in LIKELIHOOD:
            if text.startswith(band.symbol + " "):
                return f"color: {band.colour}; font-weight: 600; white-space: nowrap"
        return ""

    st.table(frame.style.map(colour, subset=[column]).hide(axis="index"))

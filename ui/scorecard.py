"""The scorecard table, shared by the Overview, Assumptions and Present pages."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from planner.fmt import lever_value, probability
from planner.registry import likelihood
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
        })
    return pd.DataFrame(rows)


def band_ids(results: pd.DataFrame) -> list[str]:
    """The likelihood band of each row, from its probability (the one place a band is decided)."""
    return [likelihood(p).id for p in results["probability"]]


def full_css(band_id: str) -> str:
    band = LIKELIHOOD_BY_ID[band_id]
    return f"background-color: {band.colour}22; color: {band.colour}; font-weight: 600"


# The nearest of Markdown's named colours to each band's own (the live scorecard's plain table takes
# only these); the symbols keep "likely" and "very likely" apart.
MARKDOWN_COLOUR = {"very_likely": "green", "likely": "green", "about_as_likely": "yellow",
                   "unlikely": "orange", "very_unlikely": "red"}


def styled_by_band(frame: pd.DataFrame, column: str, bands: list[str], css: Callable[[str], str]) -> Styler:
    """``frame`` with the cells of ``column`` coloured by each row's band id.

    The colour follows the band, never the words shown: labels share endings across bands ("likely" /
    "unlikely", "ít khả năng" / "rất ít khả năng"), so matching text would colour a band as another."""
    styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
    styles[column] = [css(b) for b in bands]
    return frame.style.apply(lambda _: styles, axis=None).hide(axis="index")


def show_scorecard(results: pd.DataFrame) -> None:
    frame = scorecard_frame(results)
    # A static table: readable on a projector, selectable text, no scrolling inside the grid.
    st.table(styled_by_band(frame, tr("Khả năng", "Likelihood"), band_ids(results), full_css))


def headline(results: pd.DataFrame) -> tuple[int, int]:
    return int((results["probability"] >= 0.66).sum()), len(results)


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
    pack = state.pack()
    lang = state.lang()
    bands = band_ids(results)
    column = tr("Xác suất", "Probability")
    # A plain table, no Styler: it is redrawn on every slider move, and a Styler's CSS costs the
    # browser a style pass each time.  The colour is Markdown's, chosen from the band id.
    frame = pd.DataFrame({
        tr("Chỉ tiêu", "Target"): [state.escape_markdown(pack.target(i).label(lang)) for i in results["id"]],
        column: [f":{MARKDOWN_COLOUR[b]}[**{LIKELIHOOD_BY_ID[b].symbol}&nbsp;{probability(p, lang)}**]"
                 for b, p in zip(bands, results["probability"], strict=True)],
    })
    st.table(frame, hide_index=True)

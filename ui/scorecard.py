"""The scorecard table, shared by the Overview, Assumptions and Present pages."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

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
    records = [clean_row(row) for row in results.to_dict("records")]
    with_notes = any(not row.get("modelled", True) for row in records)
    for row in records:
        cells = result_summary(pack, TargetResult(**row), state.lang())
        rows.append({
            tr("Chỉ tiêu", "Target"): cells["target"],
            tr("Năm", "Year"): cells["year"],
            tr("Dự báo (trung vị)", "Projected (median)"): cells["projected"],
            tr("Khoảng 80\u00a0%", "80\u00a0% range"): cells["range"],
            tr("Xác suất đạt", "Probability"): cells["probability"],
            tr("Khả năng", "Likelihood"): cells["likelihood"],
            tr("Tiến độ", "Pace"): cells["pace"],
            **_so_far(pack, row),
            **({tr("Ghi chú", "Note"): cells["note"]} if with_notes else {}),
        })
    return pd.DataFrame(rows)


def clean_row(row: dict) -> dict:
    """A scorecard row from a DataFrame: the NaN pandas puts for a missing number back to None."""
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}


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


def band_ids(results: pd.DataFrame) -> list[str | None]:
    """The likelihood band of each row, from its probability (the one place a band is decided); None
    for a target without a probability (one the engine does not project)."""
    return [None if p is None or p != p else likelihood(p).id for p in results["probability"]]


def full_css(band_id: str | None) -> str:
    if band_id is None:
        return ""
    band = LIKELIHOOD_BY_ID[band_id]
    return f"background-color: {band.colour}22; color: {band.colour}; font-weight: 600"


def compact_css(band_id: str | None) -> str:
    if band_id is None:
        return ""
    return f"color: {LIKELIHOOD_BY_ID[band_id].colour}; font-weight: 600; white-space: nowrap"


def _compact_cell(band_id: str | None, p: float | None, lang: str) -> str:
    return "–" if band_id is None else f"{LIKELIHOOD_BY_ID[band_id].symbol}\u00a0{probability(p, lang)}"


TABLE_CLASS = "planner-table"  # styled once by TABLE_CSS


def html_table(header: list[str], rows: list[list[str]], styles: dict[int, list[str]] | None = None,
               caption: str = "") -> str:
    """A static table as one HTML string: every text escaped; ``styles`` maps a column to each row's
    CSS (from code, never from data)."""
    styles = styles or {}
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(
            (f'<td style="{escape(styles[j][i])}">' if j in styles else "<td>") + escape(str(cell)) + "</td>"
            for j, cell in enumerate(row)) + "</tr>"
        for i, row in enumerate(rows))
    label = f'<caption class="sr-only">{escape(caption)}</caption>' if caption else ""
    return f'<table class="{TABLE_CLASS}">{label}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# Static CSS for ``html_table`` (no user text), drawn once per page that shows one.
TABLE_CSS = f"""<style>
table.{TABLE_CLASS} {{ width: 100%; border-collapse: collapse; font-size: 0.875rem; line-height: 1.4; }}
table.{TABLE_CLASS} th, table.{TABLE_CLASS} td {{ text-align: left; vertical-align: top; padding: 0.3rem 0.5rem;
  border-bottom: 1px solid rgba(128, 128, 128, 0.25); }}
table.{TABLE_CLASS} th {{ font-weight: 600; color: inherit; opacity: 0.8; }}
table.{TABLE_CLASS} caption.sr-only {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }}
</style>"""


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
    """Targets likely met (not counting borderline ones, which could flip with the seed), of the targets
    projected (one with no projection has no probability)."""
    projected = results[results["modelled"].astype(bool)] if "modelled" in results else results
    likely = projected["probability"] >= 0.66
    if "borderline" in projected:
        likely &= ~projected["borderline"].astype(bool)
    return int(likely.sum()), len(projected)


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


def compact_table(results: pd.DataFrame) -> str:
    """Target and probability only, with the likelihood symbol, as one HTML table: fits beside the sliders.

    HTML, not an st.table: Streamlit's browser side redraws the page several times per slider move, and
    a table cell costs it a Markdown component each; here a cell is a plain <td>.  Every text is
    escaped; the colour is the band's own."""
    pack = state.pack()
    lang = state.lang()
    bands = band_ids(results)
    rows = [[pack.target(i).label(lang), _compact_cell(b, p, lang)]
            for i, b, p in zip(results["id"], bands, results["probability"], strict=True)]
    return html_table([tr("Chỉ tiêu", "Target"), tr("Xác suất", "Probability")], rows,
                      {1: [compact_css(b) for b in bands]},
                      caption=tr("Xác suất đạt từng chỉ tiêu", "Probability of meeting each target"))

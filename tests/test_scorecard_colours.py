"""The likelihood colour of every scorecard row comes from its band, in both languages.

Band labels share endings ("likely" / "unlikely", "ít khả năng" / "rất ít khả năng"), so a colour
found by matching words paints "very unlikely" with the green of "likely": these tests read the CSS
the page really sends and check each row's colour against the band of the row's own text.
"""

from __future__ import annotations

import re

import pytest

from planner.registry import LIKELIHOOD
from tests.apptest import html_tables, open_app

# A scenario with every band on the scorecard: the trend misses most targets (very unlikely), some
# are unlikely, one is about as likely as not; the optimistic preset adds likely and very likely.
QUERIES = ({}, {"preset": "optimistic"})


def cell_colours(table) -> dict[tuple[int, int], str]:
    """(row, column) → the CSS colour the Styler gives that cell."""
    styler = table.proto.arrow_data.styler
    out = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", styler.styles):
        colour = re.search(r"(?:^|;)\s*color:\s*(#[0-9a-fA-F]{6})", body)
        for sel in selectors.split(","):
            cell = re.search(r"_row(\d+)_col(\d+)", sel)
            if cell and colour:
                out[(int(cell[1]), int(cell[2]))] = colour[1].lower()
    return out


def band_of(text: str, lang: str):
    """The band whose symbol starts the cell (symbols are unique, so this cannot confuse two bands)."""
    symbol = text.split(" ", 1)[0]
    return next(b for b in LIKELIHOOD if b.symbol == symbol)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_likelihood_colour_is_the_colour_of_its_band(monkeypatch, tmp_path, lang):
    seen = set()
    for query in QUERIES:
        at = open_app(monkeypatch, tmp_path / "db.sqlite", query=query, lang=lang)
        table = at.main.table[0]
        frame = table.value
        column = list(frame.columns).index("Khả năng" if lang == "vi" else "Likelihood")
        colours = cell_colours(table)
        for row, text in enumerate(frame.iloc[:, column]):
            band = band_of(text, lang)
            assert text == f"{band.symbol} {band.label(lang)}"
            assert colours[(row, column)] == band.colour.lower(), (text, colours[(row, column)])
            seen.add(band.id)
    assert {"very_unlikely", "unlikely", "likely"} <= seen  # the bands whose words used to be confused


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_live_scorecard_colour_is_the_colour_of_its_band(monkeypatch, tmp_path, lang):
    """The live scorecard beside the sliders (an HTML table): each probability in its band's colour."""
    seen = set()
    for query in QUERIES:
        at = open_app(monkeypatch, tmp_path / "db.sqlite", page="pages/assumptions.py", query=query, lang=lang)
        column = "Xác suất" if lang == "vi" else "Probability"
        frame = next(t for t in html_tables(at) if column in t.columns)
        j = list(frame.columns).index(column)
        for i, text in enumerate(frame[column]):
            band = band_of(text.replace("\u00a0", " "), lang)
            colour = re.search(r"color:\s*(#[0-9a-fA-F]{6})", frame.attrs["styles"][(i, j)])[1]
            assert colour.lower() == band.colour.lower(), text
            seen.add(band.id)
    assert {"very_unlikely", "unlikely", "likely"} <= seen

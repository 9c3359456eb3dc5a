"""Writing figures back as CSV, for machines or for a Vietnamese-locale Excel, with formulas made inert."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable

from planner.actuals.words import _FORMULA_START
from planner.packs import Observation


def actuals_csv(observations: Iterable[Observation], excel_vi: bool = False) -> bytes:
    """Figures as a file ``read_actuals`` takes back unchanged: UTF-8 with BOM (Excel opens it), the
    English headers, indicator ids, shares as fractions, a dot for decimals and no thousands separator.
    The value comes last: a source of digits alone right of it would read as a decimal comma's split.
    ``excel_vi``: the form a Vietnamese-locale Excel opens (";" between cells, a decimal comma in the
    value only; ``planner.csvforms``), read back just the same."""
    return _table_file(((o.indicator, int(o.year), _inert(o.source), _inert(o.note), o.basis,
                         _plain(float(o.value)).replace(".", "," if excel_vi else "."))
                        for o in observations), ";" if excel_vi else ",")


def _table_file(rows: Iterable[tuple[str, int, str, str, str, str]], delimiter: str = ",") -> bytes:
    """Rows of (indicator, year, source, note, basis, value text) as a CSV with BOM that ``read_actuals`` reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["indicator", "year", "source", "note", "basis", "value"])
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(value: float) -> str:
    """A number with a dot for decimals and never an exponent (the reader takes no '1e-05'), and never
    exactly three decimals, which in a count would read as a thousands separator (2.125 → 2.1250)."""
    text = f"{value:.12f}".rstrip("0").rstrip(".")
    if text in ("", "-0"):
        return "0"
    if "." in text and len(text.split(".")[1]) == 3:
        text += "0"
    return text


# Control characters a written cell drops: they would make the file look binary (line breaks and tabs stay).
_WRITE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _inert(text: str) -> str:
    """Text that a spreadsheet will not run as a formula: a leading '=', '+', '-' or '@' gets an
    apostrophe (the reader takes it off again, see ``_text``).  Control characters, which would make
    the file look binary, are dropped; line breaks and tabs stay."""
    text = _WRITE_CONTROL.sub("", unicodedata.normalize("NFC", text))
    # A text that already starts with the apostrophe of an inert formula ("'=") gets one more, so the
    # reader, which takes one off, gives it back as it was.
    return "'" + text if text.lstrip("'").startswith(_FORMULA_START) else text


inert_text = _inert  # the same rule for the store's workbook of figures (planner/store/figures.py)

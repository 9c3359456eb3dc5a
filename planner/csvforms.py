"""Two forms of every CSV the app writes: the contract's, for machines, and the one a Vietnamese Excel opens.

The contract (design.md) is UTF-8 with BOM, a comma between cells and a dot for decimals.  Excel set to
Vietnamese (Windows: decimal symbol ",", list separator ";") opens such a file with every row in one column,
or "0.7" as text.  The Excel form has ";" between cells and a decimal comma in number cells; text cells are
left as they are (the CSV writer quotes any that hold a ";").  The actuals reader takes both forms back.
"""

from __future__ import annotations

import csv
import io
import re

MACHINE = "machine"
EXCEL_VI = "excel-vi"
FORMS = (EXCEL_VI, MACHINE)

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def decimal_comma(text: str) -> str:
    """A number cell as Vietnamese Excel reads it ("0.613" → "0,613", "1e-05" → "0,00001"); other text unchanged."""
    if not _NUMBER.fullmatch(text):
        return text
    if "e" in text.lower():
        text = f"{float(text):.15f}".rstrip("0").rstrip(".") or "0"
    return text.replace(".", ",")


def for_excel_vi(data: bytes) -> bytes:
    """A CSV in the contract's form (UTF-8 with BOM, ',' and '.') in the form a Vietnamese Excel opens."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(rows[0] if rows else [])
    writer.writerows([decimal_comma(cell) for cell in row] for row in rows[1:])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def in_form(data: bytes, form: str) -> bytes:
    """``data`` (the contract's form) in ``form``."""
    return for_excel_vi(data) if form == EXCEL_VI else data

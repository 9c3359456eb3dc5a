"""Reading one cell: numbers as Vietnamese and English Excel write them, and a figure's basis."""

from __future__ import annotations

import math
import re

from planner.actuals.words import _SPACES, _fold
from planner.errors import PlannerError
from planner.packs import BASES, BASIS_LABELS

_PLAIN = re.compile(r"[\d.,]*\d[\d.,]*")
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?[eE][+-]?\d{1,3}")


# Every spelling of a basis a person may write: its id and its names in both languages, folded (so
# "Công bố", "cong bo" and "Published figure" all match), and the short forms of the names.
_BASIS_SHORT = {"cong bo": "published", "so lieu chinh thuc": "published", "official": "published",
                "part year": "part_year", "partial year": "part_year"}


def _basis_spellings() -> dict[str, str]:
    spellings = {_fold(spelling): basis for basis, names in BASIS_LABELS.items() for spelling in (basis, *names)}
    return {**spellings, **_BASIS_SHORT}


def basis_of(text: str, where: str = "") -> str:
    """A basis written by a person, as its id; empty is ``published``.  Anything else is refused with the
    values allowed, in both languages."""
    if not text.strip():
        return "published"
    found = _basis_spellings().get(_fold(text))
    if found is None:
        allowed_vi = ", ".join(f"{BASIS_LABELS[b][0].lower()} ({b})" for b in BASES)
        allowed_en = ", ".join(f"{BASIS_LABELS[b][1].lower()} ({b})" for b in BASES)
        raise PlannerError(f"loại số liệu '{text}' không hợp lệ; dùng: {allowed_vi}",
                           f"unknown kind of figure (basis) '{text}'; use: {allowed_en}", where)
    return found


# --- Cells -------------------------------------------------------------------------------------


def _number(cell: object, count: bool) -> tuple[float, bool, bool] | None:
    """A cell as (value, was a percentage, read by the count rule), or None when it is not a number."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)):
        value = float(cell)
        return (value, False, False) if math.isfinite(value) else None
    if not isinstance(cell, str):
        return None  # dates, times and other cell types
    text = _SPACES.sub("", cell).replace("\u2212", "-")
    percent = text.endswith("%")
    text = text.removesuffix("%")
    sign = -1.0 if text.startswith("-") else 1.0
    body = text[1:] if text[:1] in "+-" else text
    parsed = _unsigned(body, count and not percent)
    if parsed is None:
        return None
    value, thousands = parsed
    value = sign * value / (100 if percent else 1)
    return (value, percent, thousands) if math.isfinite(value) else None


def _unsigned(body: str, count: bool) -> tuple[float, bool] | None:
    """Digits with dots and commas per the rules in the module docstring; (value, count rule used)."""
    if _SCIENTIFIC.fullmatch(body):
        return float(body.replace(",", ".")), False
    if not _PLAIN.fullmatch(body):
        return None
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        thou = "," if dec == "." else "."
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thou)}\d{{3}})+{re.escape(dec)}\d+", body):
            return None
        return float(body.replace(thou, "").replace(dec, ".")), False
    if not dots and not commas:
        return float(body), False
    mark = "." if dots else ","
    if dots + commas > 1:
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", body):
            return None
        return float(body.replace(mark, "")), False
    whole, frac = body.split(mark)
    if count and re.fullmatch(r"[1-9]\d{0,2}", whole) and len(frac) == 3:
        return float(whole + frac), True
    return float(f"{whole or '0'}.{frac or '0'}"), False

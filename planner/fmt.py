"""Numbers as people read them: Vietnamese style (1.234,5) or English style (1,234.5)."""

from __future__ import annotations

import math
from datetime import date

from .registry import HISTORY_BY_ID, INDICATOR_BY_ID, Lever

MINUS = "\u2212"  # the typographic minus sign, not the hyphen
NBSP = "\u00a0"  # a space that never breaks: "60,4 %" keeps its "%" on the line of its number


def tidy(value: float) -> float:
    """A float without its binary noise (135.90000000000003 → 135.9): ten significant digits, far more
    than any figure here carries, so files show what a person would write."""
    return float(f"{float(value):.10g}") if math.isfinite(value) else float(value)


def number(value: float | None, decimals: int = 0, lang: str = "vi") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if text.startswith("-"):
        # "-0,0" is zero rounded, not a negative number
        text = text[1:] if not text.strip("-0,.") else MINUS + text[1:]
    return text


def percent(fraction: float | None, decimals: int = 1, lang: str = "vi") -> str:
    """One per-cent style for every number the app writes: '60,4 %' (a no-break space before the sign)."""
    if fraction is None:
        return "–"
    return f"{number(fraction * 100, decimals, lang)}{NBSP}%"


def indicator_value(indicator: str, value: float | None, lang: str = "vi") -> str:
    """A value of an indicator: shares as percentages, counts as whole numbers."""
    ind = INDICATOR_BY_ID.get(indicator) or HISTORY_BY_ID.get(indicator)
    if ind is not None and ind.is_share:
        return percent(value, 1, lang)
    whole = value is None or abs(value) >= 10 or abs(value - round(value)) < 1e-9
    return number(value, 0 if whole else 1, lang)


def signed(value: float | None, decimals: int = 0, lang: str = "vi") -> str:
    """A change with its sign: '+3', '−2' (the typographic minus), '0' for what rounds to nothing."""
    text = number(value, decimals, lang)
    if value is None or text == "–" or not text.strip("0,.") or text.startswith(MINUS):
        return text
    return "+" + text


def lever_value(lever: Lever, value: float, lang: str = "vi") -> str:
    """A lever's value with as many decimals as its step needs."""
    if lever.is_fraction:
        return percent(value, _decimals(lever.step * 100), lang)
    return number(value, _decimals(lever.step), lang)


def _decimals(step: float) -> int:
    for decimals in range(5):
        if abs(round(step, decimals) - step) < 1e-12:
            return decimals
    return 4


def probability(p: float, lang: str = "vi") -> str:
    return percent(p, 0, lang)


def day_text(value: date | str, lang: str = "vi") -> str:
    """A date as people write it: 13/09/2023 (vi) or 2023-09-13 (en); text that is no date stays as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()

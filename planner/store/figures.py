"""Stored actual figures: one value per (pack, indicator, year), kept with every version.

Why versions and marks rather than rows that change: an actual figure is what the plan is judged
against, and several departments enter them.  A correction must not erase what was there before (a
meeting may have seen the old number), so every change is a new version: a correction is a version with
the new value, a removal is a version marked ``removed`` (the value it removes is kept in it), and a
restore is a version carrying an older value again.  Nothing is ever updated or deleted, so the
history of a figure is simply its versions in order, and the figure in force is the latest one unless
it is a removal mark.

This module holds what does not depend on the database: the record, the checks of a figure at the
edge, and the conversion to the engine's ``Observation``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..errors import PlannerError
from ..packs import BASES, UNUSED_BASES, Observation, load_pack
from ..registry import INDICATOR_BY_ID

MAX_SOURCE = 500
MAX_FIGURE_NOTE = 2000
_PACK_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class StoredFigure:
    """One version of one actual figure.  ``removed`` marks a version that takes the figure away; it
    keeps the value it removed, so the history reads in full."""

    pack: str
    indicator: str
    year: int
    version: int
    value: float
    source: str
    note: str
    author: str
    saved_at: str
    removed: bool = False
    basis: str = "published"  # what the figure is (planner.packs.BASES), as typed or uploaded

    def observation(self) -> Observation:
        """The figure as the engine and charts take it, with its source and basis: as in a pack, a
        part-year or other-definition figure is kept but not used unless a user switches it on."""
        return Observation(self.indicator, self.year, self.value, source=self.source,
                           estimate=self.basis == "estimate", note=self.note, basis=self.basis,
                           use=self.basis not in UNUSED_BASES)


@dataclass(frozen=True)
class FigureImport:
    """What ``import_figures`` did: new versions written, figures unchanged (same value, source, note)."""

    added: int
    corrected: int
    unchanged: int


def observations(figures: list[StoredFigure]) -> tuple[Observation, ...]:
    """The figures in force as engine input (removed ones left out), in the order given."""
    return tuple(f.observation() for f in figures if not f.removed)


def figures_workbook(items: list[StoredFigure] | tuple[Observation, ...]) -> bytes:
    """Figures as an Excel workbook of the actuals contract (the columns of ``actuals_csv``; shares as
    fractions; values as numbers), which ``planner.actuals.read_actuals`` reads back unchanged."""
    import io

    from openpyxl import Workbook

    from ..actuals import inert_text

    book = Workbook()
    sheet = book.active
    sheet.title = "actuals"
    sheet.append(["indicator", "year", "source", "note", "basis", "value"])
    for f in items:
        sheet.append([f.indicator, int(f.year), inert_text(f.source), inert_text(f.note), f.basis, float(f.value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check_basis(basis: Any, where: str = "basis") -> str:
    if basis not in BASES:
        raise PlannerError(f"loại số liệu không hợp lệ: '{str(basis)[:40]}'; dùng: {', '.join(BASES)}",
                           f"unknown basis '{str(basis)[:40]}'; use: {', '.join(BASES)}", where)
    return basis


def check_pack(pack: Any, where: str = "pack") -> str:
    if not isinstance(pack, str) or not _PACK_RE.fullmatch(pack):
        shown = str(pack)[:40]
        raise PlannerError(f"mã gói không hợp lệ: '{shown}'", f"invalid pack id: '{shown}'", where)
    return pack


def check_key(pack: str, indicator: Any, year: Any, where: str = "", known_pack: bool = True) -> tuple[str, int]:
    """An (indicator, year) of ``pack``: a registry indicator and a year from the base year to the horizon.

    ``known_pack=False`` (restoring a backup of a pack not installed here) checks the indicator and a
    plausible year only, so a backup never loses figures because a pack is missing."""
    check_pack(pack, where or "pack")
    if not isinstance(indicator, str) or indicator not in INDICATOR_BY_ID:
        shown = str(indicator)[:40]
        raise PlannerError(f"không có chỉ tiêu theo dõi '{shown}'", f"no indicator '{shown}'",
                           where or "indicator")
    if isinstance(year, bool) or not isinstance(year, int):
        raise PlannerError("năm phải là số nguyên", "the year must be a whole number", where or "year")
    lo, hi = 1900, 2100
    if known_pack:
        loaded = load_pack(pack)
        lo, hi = loaded.base_year, loaded.horizon
    if not lo <= year <= hi:
        raise PlannerError(f"năm {year} nằm ngoài {lo}–{hi}", f"year {year} is outside {lo}–{hi}",
                           where or "year")
    return indicator, year


def check_value(indicator: str, value: Any, where: str = "value") -> float:
    """A finite number; a share a fraction from 0 to 1, a count whole and not negative."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise PlannerError("giá trị phải là một số", "the value must be a number", where)
    value = float(value)
    if INDICATOR_BY_ID[indicator].is_share:
        if not 0.0 <= value <= 1.0:
            raise PlannerError("tỷ lệ phải là phân số từ 0 đến 1", "a share must be a fraction from 0 to 1", where)
    elif value < 0 or not value.is_integer():
        raise PlannerError("số đếm phải là số nguyên không âm", "a count must be a whole number, not negative",
                           where)
    return value


def check_figure_text(value: Any, limit: int, where: str) -> str:
    if not isinstance(value, str):
        raise PlannerError("phải là chuỗi ký tự", "must be text", where)
    if len(value) > limit:
        raise PlannerError(f"dài quá {limit:,} ký tự".replace(",", "."), f"longer than {limit:,} characters", where)
    if "\x00" in value:
        raise PlannerError("chứa ký tự rỗng (NUL)", "contains a NUL character", where)
    return value


def no_figure(pack: str, indicator: str, year: int) -> PlannerError:
    return PlannerError(f"chưa có số liệu thực tế {indicator} năm {year} trong gói '{pack}'",
                        f"no actual figure {indicator} {year} in pack '{pack}'", "figure")

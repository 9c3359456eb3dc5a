"""The store's actual figures: every change a version, under a lock on the figure's key.

A mixin of ``ScenarioStore`` (core.py); figures.py holds the record and the checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from ..actuals import actuals_csv
from ..errors import PlannerError
from ..packs import Observation
from ..registry import INDICATORS
from .checks import MAX_AUTHOR, check_text, check_version, now
from .figures import (
    MAX_FIGURE_NOTE,
    MAX_SOURCE,
    FigureImport,
    StoredFigure,
    check_basis,
    check_figure_text,
    check_key,
    check_pack,
    check_value,
    figures_workbook,
    no_figure,
    observations,
)
from .schema import figures

_INDICATOR_ORDER = {ind.id: i for i, ind in enumerate(INDICATORS)}
FIGURE_COLUMNS = (figures.c.pack, figures.c.indicator, figures.c.year, figures.c.version, figures.c.value,
                figures.c.source, figures.c.note, figures.c.author, figures.c.saved_at, figures.c.removed,
                figures.c.basis)


def figure_from_row(row: Any) -> StoredFigure:
    pack, indicator, year, version, value, source, note, author, saved_at, removed, basis = tuple(row)
    return StoredFigure(pack, indicator, int(year), int(version), float(value), source, note, author, saved_at,
                        bool(removed), basis or "published")


def figure_values(f: StoredFigure) -> dict[str, Any]:
    return {"pack": f.pack, "indicator": f.indicator, "year": f.year, "version": f.version, "value": f.value,
            "source": f.source, "note": f.note, "author": f.author, "saved_at": f.saved_at,
            "removed": int(f.removed), "basis": f.basis}


def _figure_order(f: StoredFigure) -> tuple[int, int]:
    return _INDICATOR_ORDER.get(f.indicator, len(_INDICATOR_ORDER)), f.year


def _key_lock(pack: str, indicator: str, year: int) -> int:
    """A stable signed 64-bit advisory-lock key for one figure (PostgreSQL)."""
    digest = hashlib.blake2b(f"figure\x1f{pack}\x1f{indicator}\x1f{year}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class FigureMethods:
    """Actual figures per pack (issue: monitoring), on either back-end."""

    def _latest_figure(self, conn: sa.Connection, pack: str, indicator: str, year: int,
                       lock: bool = False) -> StoredFigure | None:
        if lock and conn.dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE already holds the lock
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _key_lock(pack, indicator, year)})
        row = conn.execute(sa.select(*FIGURE_COLUMNS).where(
            figures.c.pack == pack, figures.c.indicator == indicator, figures.c.year == year)
            .order_by(figures.c.version.desc()).limit(1)).first()
        return None if row is None else figure_from_row(row)

    def _add_figure(self, conn: sa.Connection, figure: StoredFigure, latest: StoredFigure | None) -> StoredFigure:
        stored = replace(figure, version=1 if latest is None else latest.version + 1, saved_at=now())
        conn.execute(figures.insert().values(**figure_values(stored)))
        return stored

    def _checked_figure(self, pack: str, indicator: str, year: int, value: float, source: str, note: str,
                        author: str, basis: str = "published") -> StoredFigure:
        indicator, year = check_key(pack, indicator, year)
        check_text(author, "author", MAX_AUTHOR)
        return StoredFigure(pack, indicator, year, 0, check_value(indicator, value),
                            check_figure_text(source, MAX_SOURCE, "source"),
                            check_figure_text(note, MAX_FIGURE_NOTE, "note"), self._author(author), "",
                            basis=check_basis(basis))

    def save_figure(self, pack: str, indicator: str, year: int, value: float, source: str = "",
                    note: str = "", author: str = "", basis: str = "published") -> StoredFigure:
        """Store an actual figure: the first version, or a correction (a new version; the old one stays)."""
        figure = self._checked_figure(pack, indicator, year, value, source, note, author, basis)

        def op(conn: sa.Connection) -> StoredFigure:
            self._authorize(conn, "figure.save")
            latest = self._latest_figure(conn, pack, figure.indicator, figure.year, lock=True)
            stored = self._add_figure(conn, figure, latest)
            self._audit(conn, "figure.save", pack, f"{stored.indicator} {stored.year}", figure.author,
                        version=stored.version, value=stored.value, before=None if latest is None else latest.value)
            return stored

        return self._write(op, "figure.save")

    def figures(self, pack: str, include_removed: bool = False) -> list[StoredFigure]:
        """The figure in force for every (indicator, year) of ``pack``, in registry then year order;
        with ``include_removed`` also the removal marks of figures taken away (to restore them)."""
        check_pack(pack)
        inner = figures.alias("f2")
        newest = (sa.select(sa.func.max(inner.c.version)).where(
            inner.c.pack == figures.c.pack, inner.c.indicator == figures.c.indicator, inner.c.year == figures.c.year)
            .scalar_subquery())
        query = sa.select(*FIGURE_COLUMNS).where(figures.c.pack == pack, figures.c.version == newest)
        found = [figure_from_row(row) for row in self._read(lambda conn: conn.execute(query).all())]
        return sorted((f for f in found if include_removed or not f.removed), key=_figure_order)

    def figure_observations(self, pack: str) -> tuple[Observation, ...]:
        """The stored figures in force as engine input (``planner.packs.Observation``)."""
        return observations(self.figures(pack))

    def figure_history(self, pack: str, indicator: str, year: int) -> list[StoredFigure]:
        """Every version of one figure, oldest first (corrections, removals, restores); [] if none."""
        indicator, year = check_key(pack, indicator, year, known_pack=False)
        query = sa.select(*FIGURE_COLUMNS).where(figures.c.pack == pack, figures.c.indicator == indicator,
                                               figures.c.year == year).order_by(figures.c.version)
        return [figure_from_row(row) for row in self._read(lambda conn: conn.execute(query).all())]

    def remove_figure(self, pack: str, indicator: str, year: int, author: str = "") -> StoredFigure:
        """Take a figure out of force with a removal mark (a new version keeping the value it removes)."""
        indicator, year = check_key(pack, indicator, year, known_pack=False)
        check_text(author, "author", MAX_AUTHOR)
        author = self._author(author)

        def op(conn: sa.Connection) -> StoredFigure:
            self._authorize(conn, "figure.remove")
            latest = self._latest_figure(conn, pack, indicator, year, lock=True)
            if latest is None or latest.removed:
                raise no_figure(pack, indicator, year)
            mark = self._add_figure(conn, replace(latest, author=author, removed=True), latest)
            self._audit(conn, "figure.remove", pack, f"{indicator} {year}", author, version=mark.version,
                        value=mark.value)
            return mark

        return self._write(op, "figure.remove")

    def restore_figure(self, pack: str, indicator: str, year: int, version: int | None = None,
                       author: str = "") -> StoredFigure:
        """Put an earlier version back in force as a new version: ``version``, or by default the last
        version that was not a removal mark.  Bringing back a removed figure needs the admin role."""
        indicator, year = check_key(pack, indicator, year, known_pack=False)
        if version is not None:
            check_version(version)
        check_text(author, "author", MAX_AUTHOR)
        author = self._author(author)

        def op(conn: sa.Connection) -> StoredFigure:
            latest = self._latest_figure(conn, pack, indicator, year, lock=True)
            self._authorize(conn, "figure.undelete" if latest is not None and latest.removed else "figure.restore")
            query = sa.select(*FIGURE_COLUMNS).where(figures.c.pack == pack, figures.c.indicator == indicator,
                                                   figures.c.year == year)
            if version is None:
                query = query.where(figures.c.removed == 0).order_by(figures.c.version.desc()).limit(1)
            else:
                query = query.where(figures.c.version == version)
            row = conn.execute(query).first()
            if row is None:
                if version is None:
                    raise no_figure(pack, indicator, year)
                raise PlannerError(f"số liệu {indicator} năm {year} không có phiên bản {version}",
                                   f"figure {indicator} {year} has no version {version}", "version")
            old = figure_from_row(row)
            back = self._add_figure(conn, replace(old, author=author, removed=False), latest)
            self._audit(conn, "figure.restore", pack, f"{indicator} {year}", author, version=back.version,
                        from_version=old.version, value=back.value)
            return back

        return self._write(op, "figure.restore")

    def import_figures(self, pack: str, items: Iterable[Observation], author: str = "") -> FigureImport:
        """Store figures read from an actuals CSV/XLSX (``planner.actuals.read_actuals``) in one
        transaction: a new or changed figure gets a version; one identical in value, source, note and
        basis to the figure in force is left as it is, so importing the same file twice adds nothing."""
        checked = [self._checked_figure(pack, o.indicator, int(o.year), o.value, o.source, o.note, author, o.basis)
                   for o in items]
        checked.sort(key=_figure_order)  # one lock order for every import: no deadlock between two

        def op(conn: sa.Connection) -> FigureImport:
            self._authorize(conn, "figure.import")
            added = corrected = unchanged = 0
            for figure in checked:
                latest = self._latest_figure(conn, pack, figure.indicator, figure.year, lock=True)
                if latest is not None and not latest.removed and (
                        latest.value, latest.source, latest.note, latest.basis) == (
                        figure.value, figure.source, figure.note, figure.basis):
                    unchanged += 1
                    continue
                self._add_figure(conn, figure, latest)
                added += latest is None
                corrected += latest is not None
            self._audit(conn, "figure.import", pack, "", checked[0].author if checked else author,
                        added=added, corrected=corrected, unchanged=unchanged)
            return FigureImport(added, corrected, unchanged)

        return self._write(op, "figure.import")

    def figures_csv(self, pack: str) -> bytes:
        """The figures in force as the actuals CSV of the contract (``read_actuals`` reads it back)."""
        return actuals_csv(self.figure_observations(pack))

    def figures_xlsx(self, pack: str) -> bytes:
        """The figures in force as an Excel workbook of the same contract."""
        return figures_workbook(self.figure_observations(pack))

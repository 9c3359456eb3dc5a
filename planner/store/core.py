"""The store: saved scenarios and actual figures, every change a new version, on SQLite or PostgreSQL.

One interface over SQLAlchemy Core; the back-end is chosen by the URL (``engine.py``).  The rules
that make a department's work safe hold on both:

- nothing is overwritten: a save adds a version, a delete or a removal only adds a mark;
- a version number is taken inside the write transaction under a lock (SQLite's write lock; in
  PostgreSQL the scenario's row lock or an advisory lock on the figure's key), so concurrent saves
  from threads or processes never collide and never lose one;
- a save is acknowledged only after its commit (SQLite ``synchronous=FULL``, PostgreSQL's default
  synchronous commit), so a crash loses nothing that was acknowledged;
- with sign-in, the role is checked and the author set from the identity inside the same
  transaction, and every change is written to the audit trail in it (``roles.py``).

A corrupt or unreadable SQLite file found at open is moved aside (never deleted) and a fresh store is
started; ``recovered_from`` tells the app so it can warn the user.  Names, authors and notes are
plain text stored exactly as given; nothing is ever unpickled or evaluated.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..errors import PlannerError
from ..scenario import minimal, validate
from . import engine as eng
from . import migrate
from .access import AccessMethods
from .backup import BACKUP_FORMAT, BACKUP_FORMAT_VERSION, figure_doc, parse_backup
from .checks import (
    MAX_AUTHOR,
    MAX_NAME,
    MAX_NOTE,
    check_id,
    check_text,
    check_version,
    fold,
    now,
    unknown,
)
from .figure_store import FIGURE_COLUMNS, FigureMethods, figure_from_row, figure_values
from .packs import PackStore
from .records import NameTaken, RestoreReport, SavedScenario, SavedVersion, VersionConflict
from .roles import Actor, configured_admins
from .schema import figures, scenarios, versions

log = logging.getLogger("planner.store")
T = TypeVar("T")


def _latest_version_id() -> sa.ScalarSelect:
    inner = versions.alias("v2")
    return (sa.select(sa.func.max(inner.c.version)).where(inner.c.scenario_id == scenarios.c.id)
            .scalar_subquery())


_LATEST = (sa.select(scenarios.c.id, scenarios.c.pack, versions.c.version, versions.c.name, versions.c.author,
                     versions.c.note, scenarios.c.created_at, versions.c.saved_at, scenarios.c.deleted_at)
           .join(versions, versions.c.scenario_id == scenarios.c.id)
           .where(versions.c.version == _latest_version_id()))


class ScenarioStore(AccessMethods, FigureMethods, PackStore):
    """The store; one object per process is enough (it holds a connection pool), safe across threads.

    ``target`` is a SQLite file path or a URL (``postgresql://…``); None means ``$PLANNER_DB`` or the
    default file.  ``as_actor`` gives a view of the same store acting for a signed-in person."""

    def __init__(self, target: str | Path | None = None, admins: Iterable[str] = ()) -> None:
        target = eng.default_store_target() if target is None else target
        self.url = eng.to_url(target)
        self.backend: str = self.url.get_backend_name()
        self.where = eng.safe_url(self.url) if self.backend != "sqlite" else str(self.url.database)
        self.path: Path | None = Path(self.url.database) if self.backend == "sqlite" else None
        self.recovered_from: Path | None = None
        self.admins = configured_admins(list(admins))
        self.actor: Actor | None = None
        if self.path is not None:
            self._prepare_sqlite(self.path)
            self._engine = eng.sqlite_engine(self.path)
        else:
            self._engine = eng.postgres_engine(self.url)
        try:
            migrate.upgrade(self._engine, self.where)
        except SQLAlchemyError as exc:
            self._engine.dispose()
            raise self._db_error(exc, "open") from None

    def _prepare_sqlite(self, path: Path) -> None:
        """Make the folder; check the file read-only; if it is damaged, move it aside."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PlannerError(f"không tạo được thư mục ({exc.__class__.__name__})",
                               f"cannot create the folder ({exc.__class__.__name__})", str(path.parent)) from None
        try:
            eng.quick_check(path, migrate.SQLITE_USER_VERSION)
        except sqlite3.Error as exc:
            if eng.is_busy(exc):
                raise self._busy_error() from exc
            self.recovered_from = eng.move_aside(path)
        try:  # the journal mode persists in the file: set it once, outside any transaction
            con = sqlite3.connect(path, timeout=eng.BUSY_TIMEOUT_S, isolation_level=None)
            try:
                mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            finally:
                con.close()
        except sqlite3.Error as exc:
            raise self._busy_error() if eng.is_busy(exc) else self._db_error(exc, "open") from None
        if str(mode).lower() != "wal":
            raise PlannerError(f"không chuyển được sang WAL ({mode})", f"cannot switch to WAL ({mode})", self.where)

    def as_actor(self, actor: Actor | None) -> ScenarioStore:
        """The same store (same pool) acting for ``actor``: roles checked, the actor the author."""
        view = object.__new__(ScenarioStore)
        view.__dict__.update(self.__dict__)
        view.actor = actor
        return view

    def close(self) -> None:
        """Close the pooled connections (the store stays usable; the pool opens new ones on demand)."""
        self._engine.dispose()

    # -- transactions and errors ---------------------------------------------------------------

    def _busy_error(self) -> PlannerError:
        return PlannerError("kho kịch bản đang bận, hãy thử lại", "the scenario store is busy, try again", self.where)

    def _db_error(self, exc: BaseException, what: str) -> PlannerError:
        # The log names the failing part (which store, which operation, the driver's error class) and
        # never the URL's password or the data.
        log.error("store %s (%s): %s failed: %s", self.where, self.backend, what,
                  exc.__class__.__name__ + ("/" + type(exc.orig).__name__ if isinstance(exc, DBAPIError) else ""))
        if eng.is_busy(exc):
            return self._busy_error()
        name = type(getattr(exc, "orig", None) or exc).__name__
        return PlannerError(f"không đọc/ghi được kho kịch bản ({name})",
                            f"cannot read or write the scenario store ({name})", self.where)

    def _read(self, fn: Callable[[sa.Connection], T], what: str = "read") -> T:
        try:
            with self._engine.connect() as conn, conn.begin():
                return fn(conn)
        except SQLAlchemyError as exc:
            raise self._db_error(exc, what) from None

    def _write(self, fn: Callable[[sa.Connection], T], what: str = "write") -> T:
        """One write transaction; the result is returned only after the commit."""
        try:
            with self._engine.connect().execution_options(**{eng.WRITE: True}) as conn, conn.begin():
                return fn(conn)
        except SQLAlchemyError as exc:
            raise self._db_error(exc, what) from None
    # -- reading scenarios ---------------------------------------------------------------------

    def _scenario_row(self, conn: sa.Connection, scenario_id: str, include_deleted: bool = True,
                      lock: bool = False) -> tuple[str, str | None]:
        query = sa.select(scenarios.c.pack, scenarios.c.deleted_at).where(scenarios.c.id == scenario_id)
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None or (row[1] is not None and not include_deleted):
            raise unknown(scenario_id)
        return row[0], row[1]

    def get(self, scenario_id: str, include_deleted: bool = True) -> SavedScenario:
        """The latest version's record of one scenario (for titles and links)."""
        check_id(scenario_id)
        row = self._read(lambda conn: conn.execute(_LATEST.where(scenarios.c.id == scenario_id)).first())
        if row is None or (row[8] is not None and not include_deleted):
            raise unknown(scenario_id)
        return SavedScenario(*row)

    def versions(self, scenario_id: str, include_deleted: bool = True) -> list[SavedVersion]:
        """Every version of a scenario, oldest first, so a user can go back to any of them."""
        check_id(scenario_id)

        def op(conn: sa.Connection) -> list[Any]:
            self._scenario_row(conn, scenario_id, include_deleted)
            return conn.execute(sa.select(versions.c.scenario_id, versions.c.version, versions.c.name,
                                          versions.c.author, versions.c.note, versions.c.saved_at)
                                .where(versions.c.scenario_id == scenario_id).order_by(versions.c.version)).all()

        return [SavedVersion(*row) for row in self._read(op)]

    def load(self, scenario_id: str, version: int | None = None,
             include_deleted: bool = False) -> dict[str, Any]:
        """A saved scenario (latest or given version), validated again because packs may have changed."""
        check_id(scenario_id)
        if version is not None:
            check_version(version)

        def op(conn: sa.Connection) -> Any:
            self._scenario_row(conn, scenario_id, include_deleted)
            query = sa.select(versions.c.version, versions.c.scenario_json).where(
                versions.c.scenario_id == scenario_id)
            if version is None:
                query = query.order_by(versions.c.version.desc()).limit(1)
            else:
                query = query.where(versions.c.version == version)
            return conn.execute(query).first()

        row = self._read(op)
        if row is None:
            raise PlannerError(f"kịch bản '{scenario_id}' không có phiên bản {version}",
                               f"scenario '{scenario_id}' has no version {version}", "version")
        where = f"saved scenario {scenario_id} v{row[0]}"
        try:
            data = json.loads(row[1])
        except (json.JSONDecodeError, RecursionError):
            raise PlannerError("dữ liệu kịch bản đã lưu bị hỏng", "the saved scenario data is damaged",
                               where) from None
        return validate(data, where)

    def list(self, query: str = "", include_deleted: bool = False,
             pack: str | None = None) -> list[SavedScenario]:
        """Latest version of each scenario, newest first; every word of ``query`` must match
        name, author or note, ignoring case and Vietnamese diacritics."""
        if not isinstance(query, str) or len(query) > 500:
            raise PlannerError("từ khóa tìm kiếm không hợp lệ", "invalid search text", "query")
        sql = _LATEST
        if not include_deleted:
            sql = sql.where(scenarios.c.deleted_at.is_(None))
        if pack is not None:
            sql = sql.where(scenarios.c.pack == str(pack))
        for word in fold(query).split():
            sql = sql.where(versions.c.search.contains(word, autoescape=True))
        rows = self._read(lambda conn: conn.execute(sql).all())
        found = [SavedScenario(*row) for row in rows]
        found.sort(key=lambda s: s.id)
        found.sort(key=lambda s: s.saved_at, reverse=True)  # newest first; the same order on both back-ends
        return found

    # -- writing scenarios ---------------------------------------------------------------------

    def save(self, data: dict[str, Any], name: str, author: str = "", note: str = "",
             scenario_id: str | None = None, expected_version: int | None = None,
             unique_name: bool = False) -> tuple[str, int]:
        """Save a scenario as a new version (of ``scenario_id``, or of a new scenario); return (id, version).

        ``expected_version``: the version this session last saw; if someone saved a newer one since,
        ``VersionConflict`` is raised and nothing is written (the session decides).  ``unique_name``:
        refuse (``NameTaken``) a new scenario whose name an active scenario of the pack already has.
        Both are checked inside the write transaction, so two sessions saving at once cannot slip past.
        """
        check_text(name, "name", MAX_NAME, required=True)
        check_text(author, "author", MAX_AUTHOR)
        check_text(note, "note", MAX_NOTE)
        if scenario_id is not None:
            check_id(scenario_id)
        if expected_version is not None:
            check_version(expected_version, "expected_version")
        clean = minimal(data)  # validates; raises PlannerError on a bad scenario
        text = json.dumps(clean, ensure_ascii=False)
        author = self._author(author)
        search = fold(f"{name} {author} {note}")

        def op(conn: sa.Connection) -> tuple[str, int]:
            self._authorize(conn, "scenario.save")
            at = now()
            sid = scenario_id
            if sid is None:
                if unique_name:
                    self._refuse_taken_name(conn, clean["pack"], name)
                sid = secrets.token_hex(8)
                conn.execute(scenarios.insert().values(id=sid, pack=clean["pack"], created_at=at))
                version = 1
            else:
                pack, deleted_at = self._scenario_row(conn, sid, lock=True)
                if deleted_at is not None:
                    raise PlannerError("kịch bản đã bị xóa; hãy khôi phục trước khi lưu",
                                       "the scenario is deleted; restore it before saving", "scenario_id")
                if pack != clean["pack"]:
                    raise PlannerError(
                        f"kịch bản này thuộc gói '{pack}', không lưu được với gói '{clean['pack']}'",
                        f"this scenario belongs to pack '{pack}', it cannot be saved with pack "
                        f"'{clean['pack']}'", "pack")
                latest = conn.execute(
                    sa.select(versions.c.scenario_id, versions.c.version, versions.c.name, versions.c.author,
                              versions.c.note, versions.c.saved_at).where(versions.c.scenario_id == sid)
                    .order_by(versions.c.version.desc()).limit(1)).first()
                version = latest[1] + 1
                if expected_version is not None and latest[1] != expected_version:
                    other = SavedVersion(*latest)
                    who = other.author or "?"
                    raise VersionConflict(
                        f"{who} đã lưu phiên bản {other.version} của kịch bản này sau phiên bản "
                        f"{expected_version} bạn đang mở; chưa lưu gì.",
                        f"{who} saved version {other.version} of this scenario after the version "
                        f"{expected_version} you have open; nothing was saved.", other)
            conn.execute(versions.insert().values(scenario_id=sid, version=version, name=name, author=author,
                                                  note=note, scenario_json=text, saved_at=at, search=search))
            self._audit(conn, "scenario.save", clean["pack"], sid, author, version=version, name=name)
            return sid, version

        return self._write(op, "scenario.save")

    def _refuse_taken_name(self, conn: sa.Connection, pack: str, name: str) -> None:
        wanted = fold(name)
        rows = conn.execute(_LATEST.where(scenarios.c.pack == pack, scenarios.c.deleted_at.is_(None))).all()
        for row in rows:
            if fold(row[3]) == wanted:
                existing = SavedScenario(*row)
                raise NameTaken(
                    f"đã có kịch bản tên “{existing.name}” (phiên bản {existing.version}, "
                    f"{existing.author or 'không ghi người lập'}); chưa lưu gì.",
                    f"a scenario named “{existing.name}” already exists (version {existing.version}, "
                    f"{existing.author or 'no author'}); nothing was saved.", existing)

    def find_by_name(self, pack: str, name: str) -> SavedScenario | None:
        """An active scenario of ``pack`` with this name (ignoring case and diacritics), if any."""
        wanted = fold(name)
        for row in self.list(pack=pack):
            if fold(row.name) == wanted:
                return row
        return None

    def delete(self, scenario_id: str) -> None:
        """Mark a scenario deleted (kept, with the time) so a mistaken delete can be undone."""
        check_id(scenario_id)

        def op(conn: sa.Connection) -> None:
            self._authorize(conn, "scenario.delete")
            pack, _ = self._scenario_row(conn, scenario_id, lock=True)
            conn.execute(scenarios.update().where(scenarios.c.id == scenario_id, scenarios.c.deleted_at.is_(None))
                         .values(deleted_at=now()))
            self._audit(conn, "scenario.delete", pack, scenario_id)

        self._write(op, "scenario.delete")

    def restore(self, scenario_id: str) -> None:
        """Undo ``delete`` (admins only, when signed in)."""
        check_id(scenario_id)

        def op(conn: sa.Connection) -> None:
            self._authorize(conn, "scenario.restore")
            pack, _ = self._scenario_row(conn, scenario_id, lock=True)
            conn.execute(scenarios.update().where(scenarios.c.id == scenario_id).values(deleted_at=None))
            self._audit(conn, "scenario.restore", pack, scenario_id)

        self._write(op, "scenario.restore")
    # -- backup --------------------------------------------------------------------------------

    def backup_json(self) -> str:
        """Every scenario and figure with all versions in one JSON document, for ``restore_json``.
        Sorted in Python, so both back-ends write the same document for the same content."""
        def op(conn: sa.Connection) -> tuple[list[Any], list[Any], list[Any]]:
            return (conn.execute(sa.select(scenarios)).all(),
                    conn.execute(sa.select(versions.c.scenario_id, versions.c.version, versions.c.name,
                                           versions.c.author, versions.c.note, versions.c.saved_at,
                                           versions.c.scenario_json)).all(),
                    conn.execute(sa.select(*FIGURE_COLUMNS)).all())

        scenario_rows, version_rows, figure_rows = self._read(op, "backup")
        by_id: dict[str, list[dict[str, Any]]] = {}
        for sid, version, name, author, note, saved_at, text in sorted(version_rows, key=lambda r: (r[0], r[1])):
            by_id.setdefault(sid, []).append({"version": version, "name": name, "author": author,
                                              "note": note, "saved_at": saved_at, "scenario": text})
        ordered = sorted(scenario_rows, key=lambda r: (r[2], r[0]))
        figs = sorted((figure_from_row(r) for r in figure_rows), key=lambda f: (f.pack, f.indicator, f.year, f.version))
        doc = {"format": BACKUP_FORMAT, "format_version": BACKUP_FORMAT_VERSION,
               "scenarios": [{"id": sid, "pack": pack, "created_at": created, "deleted_at": deleted,
                              "versions": by_id.get(sid, [])}
                             for sid, pack, created, deleted in ordered],
               "figures": [figure_doc(f) for f in figs]}
        return json.dumps(doc, ensure_ascii=False, indent=1)

    def restore_json(self, text: str) -> RestoreReport:
        """Import a backup; versions already present are skipped, so importing twice is harmless.

        The whole backup is checked before anything is written, and written in one transaction.
        """
        parsed, figs = parse_backup(text)

        def op(conn: sa.Connection) -> RestoreReport:
            self._authorize(conn, "backup.restore")
            added_s = added_v = skipped = conflicts = added_f = skipped_f = 0
            for f in figs:
                old = conn.execute(sa.select(*FIGURE_COLUMNS).where(
                    figures.c.pack == f.pack, figures.c.indicator == f.indicator, figures.c.year == f.year,
                    figures.c.version == f.version)).first()
                if old is not None:
                    skipped_f += 1
                    conflicts += figure_from_row(old) != f
                    continue
                conn.execute(figures.insert().values(**figure_values(f)))
                added_f += 1
            for sc in parsed:
                pack = conn.execute(sa.select(scenarios.c.pack).where(scenarios.c.id == sc["id"])).scalar()
                if pack is None:
                    conn.execute(scenarios.insert().values(id=sc["id"], pack=sc["pack"], created_at=sc["created_at"],
                                                           deleted_at=sc["deleted_at"]))
                    added_s += 1
                elif pack != sc["pack"]:
                    skipped += len(sc["versions"])
                    conflicts += len(sc["versions"])
                    continue
                for v in sc["versions"]:
                    old = conn.execute(sa.select(versions.c.name, versions.c.author, versions.c.note,
                                                 versions.c.saved_at, versions.c.scenario_json)
                                       .where(versions.c.scenario_id == sc["id"],
                                              versions.c.version == v["version"])).first()
                    if old is not None:
                        skipped += 1
                        conflicts += tuple(old) != (v["name"], v["author"], v["note"], v["saved_at"], v["scenario"])
                        continue
                    conn.execute(versions.insert().values(
                        scenario_id=sc["id"], version=v["version"], name=v["name"], author=v["author"],
                        note=v["note"], scenario_json=v["scenario"], saved_at=v["saved_at"],
                        search=fold(f"{v['name']} {v['author']} {v['note']}")))
                    added_v += 1
            self._audit(conn, "backup.restore", scenarios_added=added_s, versions_added=added_v,
                        figures_added=added_f, conflicts=conflicts)
            return RestoreReport(added_s, added_v, skipped, conflicts, added_f, skipped_f)

        return self._write(op, "backup.restore")

    # -- counts (for moves and the health of a deployment) -------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows in every table: what a move between back-ends must keep."""
        from .schema import TABLES

        def op(conn: sa.Connection) -> dict[str, int]:
            return {t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()) for t in TABLES}

        return self._read(op, "count")

    @property
    def engine(self) -> sa.Engine:
        return self._engine

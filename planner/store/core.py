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

import hashlib
import json
import logging
import secrets
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..actuals import actuals_csv
from ..errors import PlannerError
from ..packs import Observation
from ..registry import INDICATORS
from ..scenario import minimal, validate
from . import engine as eng
from . import migrate
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
from .figures import (
    MAX_FIGURE_NOTE,
    MAX_SOURCE,
    FigureImport,
    StoredFigure,
    check_figure_text,
    check_key,
    check_pack,
    check_value,
    figures_workbook,
    no_figure,
    observations,
)
from .packs import PackStore
from .roles import (
    DEFAULT_ROLE,
    LEVEL,
    NEEDS,
    Actor,
    AuditEntry,
    RoleGrant,
    check_email,
    check_role,
    configured_admins,
    forbidden,
)
from .schema import audit, figures, roles, scenarios, versions

log = logging.getLogger("planner.store")
T = TypeVar("T")
_INDICATOR_ORDER = {ind.id: i for i, ind in enumerate(INDICATORS)}


@dataclass(frozen=True)
class SavedScenario:
    """One saved scenario as shown in a list: its latest version and whether it is deleted."""

    id: str
    pack: str
    version: int
    name: str
    author: str
    note: str
    created_at: str
    saved_at: str
    deleted_at: str | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class SavedVersion:
    """One version of a saved scenario (metadata only; ``load`` gives the scenario itself)."""

    scenario_id: str
    version: int
    name: str
    author: str
    note: str
    saved_at: str


@dataclass(frozen=True)
class RestoreReport:
    """What ``restore_json`` did, so the app can tell the user."""

    scenarios_added: int
    versions_added: int
    versions_skipped: int
    conflicts: int  # skipped versions (of scenarios or figures) whose stored content differs from the backup's
    figures_added: int = 0
    figures_skipped: int = 0


class VersionConflict(PlannerError):
    """Someone else saved a newer version since this session's; nothing was written."""

    def __init__(self, vi: str, en: str, latest: SavedVersion) -> None:
        super().__init__(vi, en, "version")
        self.latest = latest


class NameTaken(PlannerError):
    """An active scenario of the pack already has this name; nothing was written."""

    def __init__(self, vi: str, en: str, existing: SavedScenario) -> None:
        super().__init__(vi, en, "name")
        self.existing = existing


def _latest_version_id() -> sa.ScalarSelect:
    inner = versions.alias("v2")
    return (sa.select(sa.func.max(inner.c.version)).where(inner.c.scenario_id == scenarios.c.id)
            .scalar_subquery())


_LATEST = (sa.select(scenarios.c.id, scenarios.c.pack, versions.c.version, versions.c.name, versions.c.author,
                     versions.c.note, scenarios.c.created_at, versions.c.saved_at, scenarios.c.deleted_at)
           .join(versions, versions.c.scenario_id == scenarios.c.id)
           .where(versions.c.version == _latest_version_id()))
_FIGURE_COLS = (figures.c.pack, figures.c.indicator, figures.c.year, figures.c.version, figures.c.value,
                figures.c.source, figures.c.note, figures.c.author, figures.c.saved_at, figures.c.removed)


def _figure(row: Any) -> StoredFigure:
    pack, indicator, year, version, value, source, note, author, saved_at, removed = tuple(row)
    return StoredFigure(pack, indicator, int(year), int(version), float(value), source, note, author, saved_at,
                        bool(removed))


def _figure_row(f: StoredFigure) -> dict[str, Any]:
    return {"pack": f.pack, "indicator": f.indicator, "year": f.year, "version": f.version, "value": f.value,
            "source": f.source, "note": f.note, "author": f.author, "saved_at": f.saved_at,
            "removed": int(f.removed)}


def _figure_order(f: StoredFigure) -> tuple[int, int]:
    return _INDICATOR_ORDER.get(f.indicator, len(_INDICATOR_ORDER)), f.year


def _key_lock(pack: str, indicator: str, year: int) -> int:
    """A stable signed 64-bit advisory-lock key for one figure (PostgreSQL)."""
    digest = hashlib.blake2b(f"figure\x1f{pack}\x1f{indicator}\x1f{year}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class ScenarioStore(PackStore):
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

    # -- roles and audit -----------------------------------------------------------------------

    def _role_of(self, conn: sa.Connection, email: str) -> str:
        if email in self.admins:
            return "admin"
        found = conn.execute(sa.select(roles.c.role).where(roles.c.email == email)).scalar()
        return found or DEFAULT_ROLE

    def role(self, email: str | None = None) -> str | None:
        """The role of ``email`` (default: the actor); None without sign-in (everything allowed)."""
        if email is None:
            if self.actor is None:
                return None
            email = self.actor.email
        email = check_email(email)
        return self._read(lambda conn: self._role_of(conn, email))

    def may(self, action: str) -> bool:
        """Whether the actor may do ``action`` (for drawing the page; the store checks again on writing)."""
        role = self.role()
        return role is None or LEVEL[role] >= LEVEL[NEEDS[action][0]]

    def _authorize(self, conn: sa.Connection, action: str) -> None:
        if self.actor is None:
            return
        role = self._role_of(conn, self.actor.email)
        if LEVEL[role] < LEVEL[NEEDS[action][0]]:
            log.warning("store: refused %s for %s (role %s)", action, self.actor.email, role)
            raise forbidden(self.actor, role, action)

    def _author(self, typed: str) -> str:
        """The signed-in identity when there is one; else the typed name, as before sign-in existed."""
        return self.actor.label if self.actor is not None else typed

    def _audit(self, conn: sa.Connection, action: str, pack: str = "", target: str = "", typed: str = "",
               **detail: Any) -> None:
        actor = self.actor.email if self.actor is not None else typed
        conn.execute(audit.insert().values(at=now(), actor=actor, action=action, pack=pack, target=target,
                                           detail=json.dumps(detail, ensure_ascii=False, sort_keys=True)))

    def set_role(self, email: str, role: str) -> RoleGrant:
        """Grant ``role`` to ``email`` (admins only, when signed in); the grant is audited."""
        email, role = check_email(email), check_role(role)
        by = self.actor.email if self.actor is not None else ""

        def op(conn: sa.Connection) -> RoleGrant:
            self._authorize(conn, "role.grant")
            at = now()
            old = conn.execute(sa.select(roles.c.role).where(roles.c.email == email)).scalar()
            if old is None:
                conn.execute(roles.insert().values(email=email, role=role, granted_by=by, granted_at=at))
            else:
                conn.execute(roles.update().where(roles.c.email == email)
                             .values(role=role, granted_by=by, granted_at=at))
            self._audit(conn, "role.grant", target=email, role=role, before=old)
            return RoleGrant(email, role, by, at)

        return self._write(op, "role.grant")

    def role_grants(self) -> list[RoleGrant]:
        rows = self._read(lambda conn: conn.execute(sa.select(roles).order_by(roles.c.email)).all())
        return [RoleGrant(*row) for row in rows]

    def audit_log(self, limit: int = 500, actor: str = "", action: str = "") -> list[AuditEntry]:
        """The newest changes first: who did what, when."""
        query = sa.select(audit).order_by(audit.c.id.desc()).limit(max(1, min(int(limit), 10_000)))
        if actor:
            query = query.where(audit.c.actor == actor)
        if action:
            query = query.where(audit.c.action == action)
        rows = self._read(lambda conn: conn.execute(query).all())
        return [AuditEntry(*row) for row in rows]

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

    # -- actual figures ------------------------------------------------------------------------

    def _latest_figure(self, conn: sa.Connection, pack: str, indicator: str, year: int,
                       lock: bool = False) -> StoredFigure | None:
        if lock and conn.dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE already holds the lock
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _key_lock(pack, indicator, year)})
        row = conn.execute(sa.select(*_FIGURE_COLS).where(
            figures.c.pack == pack, figures.c.indicator == indicator, figures.c.year == year)
            .order_by(figures.c.version.desc()).limit(1)).first()
        return None if row is None else _figure(row)

    def _add_figure(self, conn: sa.Connection, figure: StoredFigure, latest: StoredFigure | None) -> StoredFigure:
        stored = replace(figure, version=1 if latest is None else latest.version + 1, saved_at=now())
        conn.execute(figures.insert().values(**_figure_row(stored)))
        return stored

    def _checked_figure(self, pack: str, indicator: str, year: int, value: float, source: str, note: str,
                        author: str) -> StoredFigure:
        indicator, year = check_key(pack, indicator, year)
        check_text(author, "author", MAX_AUTHOR)
        return StoredFigure(pack, indicator, year, 0, check_value(indicator, value),
                            check_figure_text(source, MAX_SOURCE, "source"),
                            check_figure_text(note, MAX_FIGURE_NOTE, "note"), self._author(author), "")

    def save_figure(self, pack: str, indicator: str, year: int, value: float, source: str = "",
                    note: str = "", author: str = "") -> StoredFigure:
        """Store an actual figure: the first version, or a correction (a new version; the old one stays)."""
        figure = self._checked_figure(pack, indicator, year, value, source, note, author)

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
        query = sa.select(*_FIGURE_COLS).where(figures.c.pack == pack, figures.c.version == newest)
        found = [_figure(row) for row in self._read(lambda conn: conn.execute(query).all())]
        return sorted((f for f in found if include_removed or not f.removed), key=_figure_order)

    def figure_observations(self, pack: str) -> tuple[Observation, ...]:
        """The stored figures in force as engine input (``planner.packs.Observation``)."""
        return observations(self.figures(pack))

    def figure_history(self, pack: str, indicator: str, year: int) -> list[StoredFigure]:
        """Every version of one figure, oldest first (corrections, removals, restores); [] if none."""
        indicator, year = check_key(pack, indicator, year, known_pack=False)
        query = sa.select(*_FIGURE_COLS).where(figures.c.pack == pack, figures.c.indicator == indicator,
                                               figures.c.year == year).order_by(figures.c.version)
        return [_figure(row) for row in self._read(lambda conn: conn.execute(query).all())]

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
            query = sa.select(*_FIGURE_COLS).where(figures.c.pack == pack, figures.c.indicator == indicator,
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
            old = _figure(row)
            back = self._add_figure(conn, replace(old, author=author, removed=False), latest)
            self._audit(conn, "figure.restore", pack, f"{indicator} {year}", author, version=back.version,
                        from_version=old.version, value=back.value)
            return back

        return self._write(op, "figure.restore")

    def import_figures(self, pack: str, items: Iterable[Observation], author: str = "") -> FigureImport:
        """Store figures read from an actuals CSV/XLSX (``planner.actuals.read_actuals``) in one
        transaction: a new or changed figure gets a version; one identical in value, source and note
        to the figure in force is left as it is, so importing the same file twice adds nothing."""
        checked = [self._checked_figure(pack, o.indicator, int(o.year), o.value, o.source, o.note, author)
                   for o in items]
        checked.sort(key=_figure_order)  # one lock order for every import: no deadlock between two

        def op(conn: sa.Connection) -> FigureImport:
            self._authorize(conn, "figure.import")
            added = corrected = unchanged = 0
            for figure in checked:
                latest = self._latest_figure(conn, pack, figure.indicator, figure.year, lock=True)
                if latest is not None and not latest.removed and (latest.value, latest.source, latest.note) == (
                        figure.value, figure.source, figure.note):
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

    # -- backup --------------------------------------------------------------------------------

    def backup_json(self) -> str:
        """Every scenario and figure with all versions in one JSON document, for ``restore_json``.
        Sorted in Python, so both back-ends write the same document for the same content."""
        def op(conn: sa.Connection) -> tuple[list[Any], list[Any], list[Any]]:
            return (conn.execute(sa.select(scenarios)).all(),
                    conn.execute(sa.select(versions.c.scenario_id, versions.c.version, versions.c.name,
                                           versions.c.author, versions.c.note, versions.c.saved_at,
                                           versions.c.scenario_json)).all(),
                    conn.execute(sa.select(*_FIGURE_COLS)).all())

        scenario_rows, version_rows, figure_rows = self._read(op, "backup")
        by_id: dict[str, list[dict[str, Any]]] = {}
        for sid, version, name, author, note, saved_at, text in sorted(version_rows, key=lambda r: (r[0], r[1])):
            by_id.setdefault(sid, []).append({"version": version, "name": name, "author": author,
                                              "note": note, "saved_at": saved_at, "scenario": text})
        ordered = sorted(scenario_rows, key=lambda r: (r[2], r[0]))
        figs = sorted((_figure(r) for r in figure_rows), key=lambda f: (f.pack, f.indicator, f.year, f.version))
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
                old = conn.execute(sa.select(*_FIGURE_COLS).where(
                    figures.c.pack == f.pack, figures.c.indicator == f.indicator, figures.c.year == f.year,
                    figures.c.version == f.version)).first()
                if old is not None:
                    skipped_f += 1
                    conflicts += _figure(old) != f
                    continue
                conn.execute(figures.insert().values(**_figure_row(f)))
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

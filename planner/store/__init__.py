"""Saved scenarios: a small SQLite store that keeps every version and survives crashes.

Why SQLite and these rules: a Streamlit app serves many sessions from many threads (and sometimes
several processes), and a department's saved work must not vanish when a process is killed.  So:

- each operation opens its own connection (no connection is shared between threads);
- the database runs in WAL mode with ``synchronous=FULL`` and a busy timeout, and every write is a
  single ``BEGIN IMMEDIATE`` transaction, so version numbers are allocated under the write lock;
- nothing is overwritten: a save adds a version, a delete only marks the scenario deleted;
- a corrupt or unreadable file found at open is moved aside (never deleted) and a fresh store is
  started; ``recovered_from`` tells the app so it can warn the user.

Names, authors and notes are plain text stored exactly as given; nothing here renders HTML, and
nothing is ever unpickled or evaluated.  Bad input raises ``PlannerError`` (Vietnamese, English).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..actuals import actuals_csv
from ..errors import PlannerError
from ..packs import Observation
from ..registry import INDICATORS
from ..scenario import minimal, validate
from .figures import (
    MAX_FIGURE_NOTE,
    MAX_SOURCE,
    FigureImport,
    StoredFigure,
    check_figure_text,
    check_key,
    check_pack,
    check_value,
    no_figure,
    observations,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
ENV_VAR = "PLANNER_DB"
SCHEMA_VERSION = 2  # 2: actual figures
BUSY_TIMEOUT_S = 10.0
MAX_NAME = 200
MAX_AUTHOR = 200
MAX_NOTE = 2000
MAX_SCENARIO_JSON = 100_000
MAX_BACKUP_CHARS = 50_000_000
BACKUP_FORMAT = "planner-scenario-store"
BACKUP_FORMAT_VERSION = 2  # 2: with the actual figures; 1 (scenarios only) is still read
_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    id          TEXT PRIMARY KEY,
    pack        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE TABLE IF NOT EXISTS versions (
    scenario_id   TEXT NOT NULL REFERENCES scenarios(id),
    version       INTEGER NOT NULL CHECK (version >= 1),
    name          TEXT NOT NULL,
    author        TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    scenario_json TEXT NOT NULL,
    saved_at      TEXT NOT NULL,
    search        TEXT NOT NULL,
    PRIMARY KEY (scenario_id, version)
);
CREATE TABLE IF NOT EXISTS figures (
    pack       TEXT NOT NULL,
    indicator  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    value      REAL NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    author     TEXT NOT NULL DEFAULT '',
    saved_at   TEXT NOT NULL,
    removed    INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    PRIMARY KEY (pack, indicator, year, version)
);
"""

_FIGURE_COLUMNS = "pack, indicator, year, version, value, source, note, author, saved_at, removed"
_INDICATOR_ORDER = {ind.id: i for i, ind in enumerate(INDICATORS)}

# The latest version of every scenario, joined with its scenario row.
_LATEST = """
SELECT s.id, s.pack, v.version, v.name, v.author, v.note, s.created_at, v.saved_at, s.deleted_at
FROM scenarios AS s
JOIN versions AS v ON v.scenario_id = s.id
WHERE v.version = (SELECT MAX(version) FROM versions WHERE scenario_id = s.id)
"""


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


def default_store_path() -> Path:
    """Where the app keeps its store: ``$PLANNER_DB`` if set, else ``<project>/var/scenarios.sqlite``."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return PROJECT_ROOT / "var" / "scenarios.sqlite"


def fold(text: str) -> str:
    """Text for searching: lower case, no diacritics, đ→d, single spaces ("Hải Dương" → "hai duong")."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "d")
    return " ".join(bare.split())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _check_text(value: Any, key: str, limit: int, required: bool = False, where: str = "") -> str:
    where = where or key
    if not isinstance(value, str):
        raise PlannerError("phải là chuỗi ký tự", "must be text", where)
    if required and not value.strip():
        raise PlannerError("không được để trống", "must not be empty", where)
    if len(value) > limit:
        raise PlannerError(f"dài quá {limit} ký tự", f"longer than {limit} characters", where)
    return value


def _check_id(value: Any, where: str = "scenario_id") -> str:
    if not isinstance(value, str) or not _ID_RE.fullmatch(value):
        shown = str(value)[:40]
        raise PlannerError(f"mã kịch bản không hợp lệ: '{shown}'", f"invalid scenario id: '{shown}'", where)
    return value


def _check_version(value: Any, where: str = "version") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PlannerError("số phiên bản phải là số nguyên từ 1", "the version must be a whole number from 1",
                           where)
    return value


def _check_time(value: Any, where: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise PlannerError("thời điểm không hợp lệ", "invalid time", where) from None
    return value


def _unknown(scenario_id: str) -> PlannerError:
    return PlannerError(f"không có kịch bản đã lưu với mã '{scenario_id}'",
                        f"no saved scenario with id '{scenario_id}'", "scenario_id")


def _is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc).lower()


class ScenarioStore:
    """The saved-scenario store in one SQLite file; safe to share between threads and processes."""

    def __init__(self, path: str | Path | None = None) -> None:
        path = default_store_path() if path is None else Path(path)
        if str(path) in ("", ":memory:"):
            raise PlannerError("kho kịch bản cần một tệp trên đĩa", "the scenario store needs a file on disk",
                               str(path))
        self.path: Path = path
        self.recovered_from: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PlannerError(f"không tạo được thư mục ({exc.__class__.__name__})",
                               f"cannot create the folder ({exc.__class__.__name__})",
                               str(self.path.parent)) from None
        self._open()
        self._anchor = self._open_anchor()

    def _open_anchor(self) -> sqlite3.Connection | None:
        """An idle read-only connection held while the store lives.

        SQLite checkpoints and deletes the WAL whenever the *last* connection closes; with a connection
        per operation that would happen on every call.  The anchor is never used for queries (so sharing
        it between threads is safe) and, being read-only, never writes; it only makes saves cheaper.
        """
        try:
            con = sqlite3.connect(self._ro_uri(), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                  check_same_thread=False)
            con.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # opens the WAL index
            return con
        except sqlite3.Error:
            return None  # only an optimisation

    def close(self) -> None:
        """Release the anchor connection (the store stays usable; each operation opens its own)."""
        anchor, self._anchor = self._anchor, None
        if anchor is not None:
            anchor.close()

    def _ro_uri(self) -> str:
        return self.path.resolve().as_uri() + "?mode=ro"

    # -- opening, recovery ------------------------------------------------------------------------

    def _open(self) -> None:
        """Check the file read-only; if it is damaged, move it aside; then create the schema."""
        try:
            self._check()
        except sqlite3.Error as exc:
            if _is_busy(exc):
                raise self._busy_error() from exc
            self.recovered_from = self._move_aside()
        try:
            self._init()
        except sqlite3.Error as exc:
            raise self._db_error(exc) from exc

    def _check(self) -> None:
        """``quick_check`` on a read-only connection, which (unlike a writer) never checkpoints into a
        damaged file nor deletes its WAL, so the evidence moved aside is exactly what was found."""
        if not self.path.exists():
            return
        con = sqlite3.connect(self._ro_uri(), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
            if rows != [("ok",)]:
                raise sqlite3.DatabaseError("quick_check: " + "; ".join(str(r[0]) for r in rows[:5]))
            found = con.execute("PRAGMA user_version").fetchone()[0]
            if found > SCHEMA_VERSION:
                raise PlannerError(
                    f"kho kịch bản do phiên bản mới hơn tạo (lược đồ {found})",
                    f"the scenario store was made by a newer version (schema {found})", str(self.path))
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "scenarios" in tables:  # a file with other columns is not ours: "no such column" below
                con.execute("SELECT id, pack, created_at, deleted_at FROM scenarios LIMIT 0")
            if "versions" in tables:
                con.execute("SELECT scenario_id, version, name, author, note, scenario_json, saved_at, search "
                            "FROM versions LIMIT 0")
            if "figures" in tables:
                con.execute(f"SELECT {_FIGURE_COLUMNS} FROM figures LIMIT 0")
        finally:
            con.close()

    def _init(self) -> None:
        con = self._connect()
        try:
            mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"cannot switch to WAL (journal_mode={mode})")
            con.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        con.execute(statement)
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            con.close()

    def _move_aside(self) -> Path:
        """Rename the bad file (and its -wal/-shm) to ``<name>.corrupt-<UTC time>``; never delete it."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        try:
            os.replace(self.path, target)
            for suffix in ("-wal", "-shm", "-journal"):
                side = Path(f"{self.path}{suffix}")
                if side.exists():
                    os.replace(side, Path(f"{target}{suffix}"))
        except OSError as exc:
            raise PlannerError(
                f"kho kịch bản bị hỏng và không đổi tên được ({exc.__class__.__name__})",
                f"the scenario store is damaged and cannot be moved aside ({exc.__class__.__name__})",
                str(self.path)) from None
        return target

    # -- connections and transactions ------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                              check_same_thread=True)
        try:
            con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA foreign_keys = ON")
            con.execute("PRAGMA synchronous = FULL")
        except BaseException:
            con.close()
            raise
        return con

    def _busy_error(self) -> PlannerError:
        return PlannerError("kho kịch bản đang bận, hãy thử lại", "the scenario store is busy, try again",
                            str(self.path))

    def _db_error(self, exc: sqlite3.Error) -> PlannerError:
        if _is_busy(exc):
            return self._busy_error()
        return PlannerError(f"không đọc/ghi được kho kịch bản ({exc.__class__.__name__})",
                            f"cannot read or write the scenario store ({exc.__class__.__name__})",
                            str(self.path))

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        """One connection, one transaction: ``BEGIN IMMEDIATE`` for writes (takes the write lock now)."""
        try:
            con = self._connect()
        except sqlite3.Error as exc:
            raise self._db_error(exc) from exc
        try:
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield con
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._db_error(exc) from exc
        finally:
            con.close()

    # -- reading -------------------------------------------------------------------------------

    @staticmethod
    def _row_to_saved(row: tuple) -> SavedScenario:
        return SavedScenario(*row)

    def _scenario_row(self, con: sqlite3.Connection, scenario_id: str,
                      include_deleted: bool = True) -> tuple[str, str | None]:
        row = con.execute("SELECT pack, deleted_at FROM scenarios WHERE id = ?", (scenario_id,)).fetchone()
        if row is None or (row[1] is not None and not include_deleted):
            raise _unknown(scenario_id)
        return row

    def get(self, scenario_id: str, include_deleted: bool = True) -> SavedScenario:
        """The latest version's record of one scenario (for titles and links)."""
        _check_id(scenario_id)
        with self._transaction(write=False) as con:
            row = con.execute(_LATEST + " AND s.id = ?", (scenario_id,)).fetchone()
        if row is None or (row[8] is not None and not include_deleted):
            raise _unknown(scenario_id)
        return self._row_to_saved(row)

    def versions(self, scenario_id: str, include_deleted: bool = True) -> list[SavedVersion]:
        """Every version of a scenario, oldest first, so a user can go back to any of them."""
        _check_id(scenario_id)
        with self._transaction(write=False) as con:
            self._scenario_row(con, scenario_id, include_deleted)
            rows = con.execute(
                "SELECT scenario_id, version, name, author, note, saved_at FROM versions "
                "WHERE scenario_id = ? ORDER BY version", (scenario_id,)).fetchall()
        return [SavedVersion(*row) for row in rows]

    def load(self, scenario_id: str, version: int | None = None,
             include_deleted: bool = False) -> dict[str, Any]:
        """A saved scenario (latest or given version), validated again because packs may have changed."""
        _check_id(scenario_id)
        if version is not None:
            _check_version(version)
        with self._transaction(write=False) as con:
            self._scenario_row(con, scenario_id, include_deleted)
            if version is None:
                row = con.execute("SELECT version, scenario_json FROM versions WHERE scenario_id = ? "
                                  "ORDER BY version DESC LIMIT 1", (scenario_id,)).fetchone()
            else:
                row = con.execute("SELECT version, scenario_json FROM versions "
                                  "WHERE scenario_id = ? AND version = ?", (scenario_id, version)).fetchone()
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
        sql, params = _LATEST, []
        if not include_deleted:
            sql += " AND s.deleted_at IS NULL"
        if pack is not None:
            sql += " AND s.pack = ?"
            params.append(str(pack))
        for word in fold(query).split():
            sql += " AND instr(v.search, ?) > 0"
            params.append(word)
        sql += " ORDER BY v.saved_at DESC, s.id"
        with self._transaction(write=False) as con:
            rows = con.execute(sql, params).fetchall()
        return [self._row_to_saved(row) for row in rows]

    # -- writing -------------------------------------------------------------------------------

    def save(self, data: dict[str, Any], name: str, author: str = "", note: str = "",
             scenario_id: str | None = None) -> tuple[str, int]:
        """Save a scenario as a new version (of ``scenario_id``, or of a new scenario); return (id, version).

        The version number is allocated inside the write transaction, so concurrent saves never collide.
        """
        _check_text(name, "name", MAX_NAME, required=True)
        _check_text(author, "author", MAX_AUTHOR)
        _check_text(note, "note", MAX_NOTE)
        if scenario_id is not None:
            _check_id(scenario_id)
        clean = minimal(data)  # validates; raises PlannerError on a bad scenario
        text = json.dumps(clean, ensure_ascii=False)
        search = fold(f"{name} {author} {note}")
        now = _now()
        with self._transaction(write=True) as con:
            if scenario_id is None:
                scenario_id = secrets.token_hex(8)
                con.execute("INSERT INTO scenarios (id, pack, created_at) VALUES (?, ?, ?)",
                            (scenario_id, clean["pack"], now))
                version = 1
            else:
                pack, deleted_at = self._scenario_row(con, scenario_id)
                if deleted_at is not None:
                    raise PlannerError("kịch bản đã bị xóa; hãy khôi phục trước khi lưu",
                                       "the scenario is deleted; restore it before saving", "scenario_id")
                if pack != clean["pack"]:
                    raise PlannerError(
                        f"kịch bản này thuộc gói '{pack}', không lưu được với gói '{clean['pack']}'",
                        f"this scenario belongs to pack '{pack}', it cannot be saved with pack "
                        f"'{clean['pack']}'", "pack")
                version = con.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM versions "
                                      "WHERE scenario_id = ?", (scenario_id,)).fetchone()[0]
            con.execute("INSERT INTO versions (scenario_id, version, name, author, note, scenario_json, "
                        "saved_at, search) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (scenario_id, version, name, author, note, text, now, search))
        return scenario_id, version

    def delete(self, scenario_id: str) -> None:
        """Mark a scenario deleted (kept, with the time) so a mistaken delete can be undone."""
        _check_id(scenario_id)
        with self._transaction(write=True) as con:
            self._scenario_row(con, scenario_id)
            con.execute("UPDATE scenarios SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                        (_now(), scenario_id))

    def restore(self, scenario_id: str) -> None:
        """Undo ``delete``."""
        _check_id(scenario_id)
        with self._transaction(write=True) as con:
            self._scenario_row(con, scenario_id)
            con.execute("UPDATE scenarios SET deleted_at = NULL WHERE id = ?", (scenario_id,))

    # -- actual figures ------------------------------------------------------------------------

    @staticmethod
    def _figure(row: tuple) -> StoredFigure:
        pack, indicator, year, version, value, source, note, author, saved_at, removed = row
        return StoredFigure(pack, indicator, int(year), int(version), float(value), source, note, author,
                            saved_at, bool(removed))

    @staticmethod
    def _figure_order(figure: StoredFigure) -> tuple[int, int]:
        return _INDICATOR_ORDER.get(figure.indicator, len(_INDICATOR_ORDER)), figure.year

    def _latest_figure(self, con: sqlite3.Connection, pack: str, indicator: str, year: int) -> StoredFigure | None:
        row = con.execute(f"SELECT {_FIGURE_COLUMNS} FROM figures WHERE pack = ? AND indicator = ? AND year = ? "
                          "ORDER BY version DESC LIMIT 1", (pack, indicator, year)).fetchone()
        return None if row is None else self._figure(row)

    def _add_figure(self, con: sqlite3.Connection, figure: StoredFigure) -> StoredFigure:
        """Write ``figure`` as the next version of its (pack, indicator, year); the number is taken
        inside the write transaction, so two departments saving at once both get a version."""
        latest = self._latest_figure(con, figure.pack, figure.indicator, figure.year)
        stored = StoredFigure(figure.pack, figure.indicator, figure.year, 1 if latest is None else latest.version + 1,
                              figure.value, figure.source, figure.note, figure.author, _now(), figure.removed)
        con.execute(f"INSERT INTO figures ({_FIGURE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (stored.pack, stored.indicator, stored.year, stored.version, stored.value, stored.source,
                     stored.note, stored.author, stored.saved_at, int(stored.removed)))
        return stored

    @staticmethod
    def _checked_figure(pack: str, indicator: str, year: int, value: float, source: str, note: str,
                        author: str) -> StoredFigure:
        indicator, year = check_key(pack, indicator, year)
        return StoredFigure(pack, indicator, year, 0, check_value(indicator, value),
                            check_figure_text(source, MAX_SOURCE, "source"),
                            check_figure_text(note, MAX_FIGURE_NOTE, "note"),
                            _check_text(author, "author", MAX_AUTHOR), "")

    def save_figure(self, pack: str, indicator: str, year: int, value: float, source: str = "",
                    note: str = "", author: str = "") -> StoredFigure:
        """Store an actual figure: the first version, or a correction (a new version; the old one stays)."""
        figure = self._checked_figure(pack, indicator, year, value, source, note, author)
        with self._transaction(write=True) as con:
            return self._add_figure(con, figure)

    def figures(self, pack: str, include_removed: bool = False) -> list[StoredFigure]:
        """The figure in force for every (indicator, year) of ``pack``, in registry then year order;
        with ``include_removed`` also the removal marks of figures taken away (to restore them)."""
        check_pack(pack)
        with self._transaction(write=False) as con:
            rows = con.execute(
                f"SELECT {_FIGURE_COLUMNS} FROM figures AS f WHERE pack = ? AND version = "
                "(SELECT MAX(version) FROM figures WHERE pack = f.pack AND indicator = f.indicator "
                "AND year = f.year)", (pack,)).fetchall()
        found = [self._figure(row) for row in rows]
        return sorted((f for f in found if include_removed or not f.removed), key=self._figure_order)

    def figure_observations(self, pack: str) -> tuple[Observation, ...]:
        """The stored figures in force as engine input (``planner.packs.Observation``)."""
        return observations(self.figures(pack))

    def figure_history(self, pack: str, indicator: str, year: int) -> list[StoredFigure]:
        """Every version of one figure, oldest first (corrections, removals, restores); [] if none."""
        check_pack(pack)
        indicator, year = check_key(pack, indicator, year, known_pack=False)
        with self._transaction(write=False) as con:
            rows = con.execute(f"SELECT {_FIGURE_COLUMNS} FROM figures WHERE pack = ? AND indicator = ? "
                               "AND year = ? ORDER BY version", (pack, indicator, year)).fetchall()
        return [self._figure(row) for row in rows]

    def remove_figure(self, pack: str, indicator: str, year: int, author: str = "") -> StoredFigure:
        """Take a figure out of force with a removal mark (a new version keeping the value it removes)."""
        check_pack(pack)
        indicator, year = check_key(pack, indicator, year, known_pack=False)
        _check_text(author, "author", MAX_AUTHOR)
        with self._transaction(write=True) as con:
            latest = self._latest_figure(con, pack, indicator, year)
            if latest is None or latest.removed:
                raise no_figure(pack, indicator, year)
            return self._add_figure(con, StoredFigure(pack, indicator, year, 0, latest.value, latest.source,
                                                      latest.note, author, "", removed=True))

    def restore_figure(self, pack: str, indicator: str, year: int, version: int | None = None,
                       author: str = "") -> StoredFigure:
        """Put an earlier version back in force as a new version: ``version``, or by default the last
        version that was not a removal mark (undoing a removal)."""
        check_pack(pack)
        indicator, year = check_key(pack, indicator, year, known_pack=False)
        if version is not None:
            _check_version(version)
        _check_text(author, "author", MAX_AUTHOR)
        with self._transaction(write=True) as con:
            if version is None:
                row = con.execute(f"SELECT {_FIGURE_COLUMNS} FROM figures WHERE pack = ? AND indicator = ? "
                                  "AND year = ? AND removed = 0 ORDER BY version DESC LIMIT 1",
                                  (pack, indicator, year)).fetchone()
            else:
                row = con.execute(f"SELECT {_FIGURE_COLUMNS} FROM figures WHERE pack = ? AND indicator = ? "
                                  "AND year = ? AND version = ?", (pack, indicator, year, version)).fetchone()
            if row is None:
                if version is None:
                    raise no_figure(pack, indicator, year)
                raise PlannerError(f"số liệu {indicator} năm {year} không có phiên bản {version}",
                                   f"figure {indicator} {year} has no version {version}", "version")
            old = self._figure(row)
            return self._add_figure(con, StoredFigure(pack, indicator, year, 0, old.value, old.source, old.note,
                                                      author, ""))

    def import_figures(self, pack: str, figures: list[Observation] | tuple[Observation, ...],
                       author: str = "") -> FigureImport:
        """Store figures read from an actuals CSV/XLSX (``planner.actuals.read_actuals``) in one
        transaction: a new figure or a changed one gets a version; one identical in value, source and
        note to the figure in force is left as it is, so importing the same file twice adds nothing."""
        checked = [self._checked_figure(pack, o.indicator, int(o.year), o.value, o.source, o.note, author)
                   for o in figures]
        added = corrected = unchanged = 0
        with self._transaction(write=True) as con:
            for figure in checked:
                latest = self._latest_figure(con, pack, figure.indicator, figure.year)
                if latest is not None and not latest.removed and (latest.value, latest.source, latest.note) == (
                        figure.value, figure.source, figure.note):
                    unchanged += 1
                    continue
                self._add_figure(con, figure)
                if latest is None:
                    added += 1
                else:
                    corrected += 1
        return FigureImport(added, corrected, unchanged)

    def figures_csv(self, pack: str) -> bytes:
        """The figures in force as the actuals CSV of the contract (``read_actuals`` reads it back)."""
        return actuals_csv(self.figure_observations(pack))

    # -- backup --------------------------------------------------------------------------------

    def backup_json(self) -> str:
        """Every scenario with all versions in one JSON document, for download and ``restore_json``."""
        with self._transaction(write=False) as con:
            scenarios = con.execute(
                "SELECT id, pack, created_at, deleted_at FROM scenarios ORDER BY created_at, id").fetchall()
            rows = con.execute("SELECT scenario_id, version, name, author, note, saved_at, scenario_json "
                               "FROM versions ORDER BY scenario_id, version").fetchall()
            figure_rows = con.execute(f"SELECT {_FIGURE_COLUMNS} FROM figures "
                                      "ORDER BY pack, indicator, year, version").fetchall()
        by_id: dict[str, list[dict[str, Any]]] = {}
        for sid, version, name, author, note, saved_at, text in rows:
            by_id.setdefault(sid, []).append({"version": version, "name": name, "author": author,
                                              "note": note, "saved_at": saved_at, "scenario": text})
        doc = {"format": BACKUP_FORMAT, "format_version": BACKUP_FORMAT_VERSION,
               "scenarios": [{"id": sid, "pack": pack, "created_at": created, "deleted_at": deleted,
                              "versions": by_id.get(sid, [])}
                             for sid, pack, created, deleted in scenarios],
               "figures": [_figure_doc(self._figure(row)) for row in figure_rows]}
        return json.dumps(doc, ensure_ascii=False, indent=1)

    def restore_json(self, text: str) -> RestoreReport:
        """Import a backup; (id, version) pairs already present are skipped, so importing twice is harmless.

        The whole backup is checked before anything is written, and written in one transaction.
        """
        scenarios, figures = _parse_backup(text)
        added_s = added_v = skipped = conflicts = added_f = skipped_f = 0
        with self._transaction(write=True) as con:
            for f in figures:
                old = con.execute(f"SELECT {_FIGURE_COLUMNS} FROM figures WHERE pack = ? AND indicator = ? "
                                  "AND year = ? AND version = ?",
                                  (f.pack, f.indicator, f.year, f.version)).fetchone()
                if old is not None:
                    skipped_f += 1
                    conflicts += self._figure(old) != f
                    continue
                con.execute(f"INSERT INTO figures ({_FIGURE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (f.pack, f.indicator, f.year, f.version, f.value, f.source, f.note, f.author,
                             f.saved_at, int(f.removed)))
                added_f += 1
            for sc in scenarios:
                row = con.execute("SELECT pack FROM scenarios WHERE id = ?", (sc["id"],)).fetchone()
                if row is None:
                    con.execute("INSERT INTO scenarios (id, pack, created_at, deleted_at) VALUES (?, ?, ?, ?)",
                                (sc["id"], sc["pack"], sc["created_at"], sc["deleted_at"]))
                    added_s += 1
                elif row[0] != sc["pack"]:
                    skipped += len(sc["versions"])
                    conflicts += len(sc["versions"])
                    continue
                for v in sc["versions"]:
                    old = con.execute("SELECT name, author, note, saved_at, scenario_json FROM versions "
                                      "WHERE scenario_id = ? AND version = ?", (sc["id"], v["version"])).fetchone()
                    if old is not None:
                        skipped += 1
                        conflicts += old != (v["name"], v["author"], v["note"], v["saved_at"], v["scenario"])
                        continue
                    con.execute("INSERT INTO versions (scenario_id, version, name, author, note, scenario_json, "
                                "saved_at, search) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                (sc["id"], v["version"], v["name"], v["author"], v["note"], v["scenario"],
                                 v["saved_at"], fold(f"{v['name']} {v['author']} {v['note']}")))
                    added_v += 1
        return RestoreReport(added_s, added_v, skipped, conflicts, added_f, skipped_f)


def _figure_doc(f: StoredFigure) -> dict[str, Any]:
    return {"pack": f.pack, "indicator": f.indicator, "year": f.year, "version": f.version, "value": f.value,
            "source": f.source, "note": f.note, "author": f.author, "saved_at": f.saved_at, "removed": f.removed}


_FIGURE_FIELDS = {"pack", "indicator", "year", "version", "value", "source", "note", "author", "saved_at", "removed"}


def _parse_figures(items: Any, where: str) -> list[StoredFigure]:
    if not isinstance(items, list):
        raise PlannerError("'figures' phải là một danh sách", "'figures' must be a list", where)
    seen: set[tuple[str, str, int, int]] = set()
    out = []
    for i, f in enumerate(items):
        at = f"{where}: figures[{i}]"
        if not isinstance(f, dict) or set(f) != _FIGURE_FIELDS:
            raise PlannerError("mục số liệu thiếu hoặc thừa trường", "a figure entry has missing or extra fields", at)
        pack = check_pack(f["pack"], f"{at}.pack")
        indicator, year = check_key(pack, f["indicator"], f["year"], at, known_pack=False)
        version = _check_version(f["version"], f"{at}.version")
        if (pack, indicator, year, version) in seen:
            raise PlannerError(f"phiên bản số liệu lặp lại: {indicator} {year} v{version}",
                               f"duplicate figure version: {indicator} {year} v{version}", at)
        seen.add((pack, indicator, year, version))
        if not isinstance(f["removed"], bool):
            raise PlannerError("'removed' phải là true hoặc false", "'removed' must be true or false", at)
        out.append(StoredFigure(
            pack, indicator, year, version, check_value(indicator, f["value"], f"{at}.value"),
            check_figure_text(f["source"], MAX_SOURCE, f"{at}.source"),
            check_figure_text(f["note"], MAX_FIGURE_NOTE, f"{at}.note"),
            _check_text(f["author"], "author", MAX_AUTHOR, where=f"{at}.author"),
            _check_time(f["saved_at"], f"{at}.saved_at"), f["removed"]))
    return out


def _parse_backup(text: Any) -> tuple[list[dict[str, Any]], list[StoredFigure]]:
    """Check a backup document completely (structure, types, limits) before anything is imported."""
    where = "backup"
    if not isinstance(text, str):
        raise PlannerError("bản sao lưu phải là văn bản JSON", "a backup must be JSON text", where)
    if len(text) > MAX_BACKUP_CHARS:
        raise PlannerError("bản sao lưu quá lớn", "the backup is too large", where)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlannerError(f"JSON sai ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}",
                           f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", where) from None
    except RecursionError:
        raise PlannerError("JSON lồng nhau quá sâu", "JSON nested too deeply", where) from None
    if not isinstance(doc, dict) or doc.get("format") != BACKUP_FORMAT:
        raise PlannerError("không phải bản sao lưu kho kịch bản", "not a scenario store backup", where)
    if doc.get("format_version") not in (1, BACKUP_FORMAT_VERSION):
        raise PlannerError(f"phiên bản định dạng sao lưu không hỗ trợ: {str(doc.get('format_version'))[:20]}",
                           f"unsupported backup format version: {str(doc.get('format_version'))[:20]}", where)
    scenarios = doc.get("scenarios")
    if not isinstance(scenarios, list):
        raise PlannerError("'scenarios' phải là một danh sách", "'scenarios' must be a list", where)
    seen: set[str] = set()
    out = []
    for i, sc in enumerate(scenarios):
        at = f"{where}: scenarios[{i}]"
        if not isinstance(sc, dict) or set(sc) != {"id", "pack", "created_at", "deleted_at", "versions"}:
            raise PlannerError("mục kịch bản thiếu hoặc thừa trường",
                               "a scenario entry has missing or extra fields", at)
        sid = _check_id(sc["id"], f"{at}.id")
        if sid in seen:
            raise PlannerError(f"mã kịch bản lặp lại: {sid}", f"duplicate scenario id: {sid}", f"{at}.id")
        seen.add(sid)
        pack = _check_text(sc["pack"], "pack", 100, required=True, where=f"{at}.pack")
        _check_time(sc["created_at"], f"{at}.created_at")
        _check_time(sc["deleted_at"], f"{at}.deleted_at", optional=True)
        if not isinstance(sc["versions"], list) or not sc["versions"]:
            raise PlannerError("'versions' phải là danh sách không rỗng", "'versions' must be a non-empty list",
                               f"{at}.versions")
        numbers: set[int] = set()
        for j, v in enumerate(sc["versions"]):
            vat = f"{at}.versions[{j}]"
            if not isinstance(v, dict) or set(v) != {"version", "name", "author", "note", "saved_at", "scenario"}:
                raise PlannerError("mục phiên bản thiếu hoặc thừa trường",
                                   "a version entry has missing or extra fields", vat)
            number = _check_version(v["version"], f"{vat}.version")
            if number in numbers:
                raise PlannerError(f"phiên bản lặp lại: {number}", f"duplicate version: {number}",
                                   f"{vat}.version")
            numbers.add(number)
            _check_text(v["name"], "name", MAX_NAME, required=True, where=f"{vat}.name")
            _check_text(v["author"], "author", MAX_AUTHOR, where=f"{vat}.author")
            _check_text(v["note"], "note", MAX_NOTE, where=f"{vat}.note")
            _check_time(v["saved_at"], f"{vat}.saved_at")
            body = _check_text(v["scenario"], "scenario", MAX_SCENARIO_JSON, where=f"{vat}.scenario")
            try:
                parsed = json.loads(body)
            except (json.JSONDecodeError, RecursionError):
                raise PlannerError("dữ liệu kịch bản không phải JSON hợp lệ", "the scenario data is not valid JSON",
                                   f"{vat}.scenario") from None
            if not isinstance(parsed, dict) or parsed.get("pack") != pack:
                raise PlannerError("dữ liệu kịch bản không khớp với gói của kịch bản",
                                   "the scenario data does not match the scenario's pack", f"{vat}.scenario")
        out.append(sc)
    figures = _parse_figures(doc.get("figures", []), where) if doc["format_version"] >= 2 else []
    return out, figures

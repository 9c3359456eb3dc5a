"""Where the store lives and how it is reached: a URL, an engine per back-end, and the SQLite checks.

``PLANNER_DB`` (or an explicit argument) is either a file path (SQLite, the embedded default) or a
URL: ``postgresql://user@host/db`` (driven by psycopg 3) or ``sqlite:///path``.  A URL's password
never reaches a message or a log: ``safe_url`` masks it.

SQLite: WAL, ``synchronous=FULL`` (a commit is on disk before the save is acknowledged), a busy
timeout, foreign keys on, and every write a ``BEGIN IMMEDIATE`` transaction, so version numbers are
taken under the write lock.  PostgreSQL: a small pool per process (not a connection per session),
``READ COMMITTED``; version numbers are taken under a row lock (a scenario) or a transaction-scoped
advisory lock (a figure's key), see ``core.py``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from ..errors import PlannerError

log = logging.getLogger("planner.store")

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
ENV_VAR = "PLANNER_DB"
BUSY_TIMEOUT_S = 10.0
WRITE = "planner_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)
POOL_SIZE = int(os.environ.get("PLANNER_DB_POOL", "5") or 5)  # PostgreSQL connections per process


def default_store_path() -> Path:
    """Where the app keeps its SQLite store: ``$PLANNER_DB`` if it is a path, else ``<project>/var/scenarios.sqlite``."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env and "://" not in env:
        return Path(env).expanduser()
    return PROJECT_ROOT / "var" / "scenarios.sqlite"


def default_store_target() -> str | Path:
    """``$PLANNER_DB`` as given (a URL or a path), else the default SQLite file."""
    env = os.environ.get(ENV_VAR, "").strip()
    return env if "://" in env else default_store_path()


def to_url(target: str | Path) -> URL:
    """A SQLAlchemy URL for a path or URL; ``postgresql://`` and ``postgres://`` use psycopg 3."""
    text = str(target).strip()
    if "://" not in text:
        if text in ("", ":memory:"):
            raise PlannerError("kho kịch bản cần một tệp trên đĩa", "the scenario store needs a file on disk", text)
        return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser()))
    try:
        url = make_url(text)
    except Exception:  # noqa: BLE001 - any malformed URL gets the same plain message
        raise PlannerError("địa chỉ cơ sở dữ liệu không hợp lệ", "invalid database URL", ENV_VAR) from None
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise PlannerError("kho kịch bản cần một tệp trên đĩa", "the scenario store needs a file on disk",
                               safe_url(url))
        return url.set(drivername="sqlite+pysqlite")
    raise PlannerError(f"chỉ hỗ trợ SQLite và PostgreSQL, không hỗ trợ '{backend}'",
                       f"only SQLite and PostgreSQL are supported, not '{backend}'", ENV_VAR)


def safe_url(url: URL | str) -> str:
    """The URL with its password hidden: fit for messages and logs."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except Exception:  # noqa: BLE001
            return "<invalid URL>"
    return url.render_as_string(hide_password=True)


def sqlite_engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(
        URL.create("sqlite+pysqlite", database=str(path)),
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        pool_size=8, max_overflow=16, pool_timeout=BUSY_TIMEOUT_S * 3)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: sqlite3.Connection, _record: object) -> None:
        dbapi_con.isolation_level = None  # the driver's own BEGIN handling off: we begin below
        cur = dbapi_con.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return engine


def postgres_engine(url: URL) -> sa.Engine:
    return sa.create_engine(
        url, pool_size=POOL_SIZE, max_overflow=POOL_SIZE, pool_timeout=30, pool_pre_ping=True,
        pool_recycle=1800, connect_args={"connect_timeout": 10, "application_name": "planner"})


def is_busy(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "locked" in text or "busy" in text


def quick_check(path: Path, newest_user_version: int) -> None:
    """``quick_check`` on a read-only connection, which (unlike a writer) never checkpoints into a
    damaged file nor deletes its WAL, so the evidence moved aside is exactly what was found.  Raises
    ``sqlite3.DatabaseError`` for a damaged or foreign file."""
    if not path.exists():
        return
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
                          isolation_level=None)
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            raise sqlite3.DatabaseError("quick_check: " + "; ".join(str(r[0]) for r in rows[:5]))
        found = con.execute("PRAGMA user_version").fetchone()[0]
        if found > newest_user_version:
            raise PlannerError(
                f"kho kịch bản do phiên bản mới hơn tạo (lược đồ {found})",
                f"the scenario store was made by a newer version (schema {found})", str(path))
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "scenarios" in tables:  # a file with other columns is not ours: "no such column" below
            con.execute("SELECT id, pack, created_at, deleted_at FROM scenarios LIMIT 0")
        if "versions" in tables:
            con.execute("SELECT scenario_id, version, name, author, note, scenario_json, saved_at, search "
                        "FROM versions LIMIT 0")
        if "figures" in tables:
            con.execute("SELECT pack, indicator, year, version, value, source, note, author, saved_at, removed "
                        "FROM figures LIMIT 0")
    finally:
        con.close()


def move_aside(path: Path) -> Path:
    """Rename a bad file (and its -wal/-shm) to ``<name>.corrupt-<UTC time>``; never delete it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm", "-journal"):
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{target}{suffix}"))
    except OSError as exc:
        raise PlannerError(
            f"kho kịch bản bị hỏng và không đổi tên được ({exc.__class__.__name__})",
            f"the scenario store is damaged and cannot be moved aside ({exc.__class__.__name__})",
            str(path)) from None
    log.error("store: damaged SQLite file moved aside to %s", target)
    return target

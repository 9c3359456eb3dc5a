"""Schema migrations with Alembic: a store is upgraded in place, never recreated.

Files made before Alembic (SQLite ``user_version`` 1: scenarios only; 2: with figures) carry no
``alembic_version`` table; their revision is read from the tables they have and stamped, then the
remaining revisions run.  The check is cheap when the store is current (one SELECT), so opening a
store stays fast; an upgrade runs in one write transaction (SQLite's write lock, PostgreSQL's
advisory lock), so two processes starting together cannot both migrate.
"""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa

from ..errors import PlannerError

log = logging.getLogger("planner.store")

HEAD = "0005"
REVISIONS = ("0001", "0002", "0003", "0004", "0005")
SQLITE_USER_VERSION = 5  # PRAGMA user_version written beside alembic_version: a hint for older code
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK = 0x706C616E6E6572  # "planner": the advisory lock key held while migrating


def current_revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _legacy_revision(conn: sa.Connection) -> str | None:
    """The revision of a store made before Alembic, from its tables (None: an empty database)."""
    tables = set(sa.inspect(conn).get_table_names())
    if "figures" in tables:
        return "0002"
    if "scenarios" in tables or "versions" in tables:
        return "0001"
    return None


def _newer(found: str, where: str) -> PlannerError:
    return PlannerError(f"kho kịch bản do phiên bản mới hơn tạo (lược đồ {found})",
                        f"the scenario store was made by a newer version (schema {found})", where)


def upgrade(engine: sa.Engine, where: str) -> bool:
    """Bring the store to ``HEAD``; return whether anything was migrated."""
    with engine.connect() as conn:
        found = current_revision(conn)
        conn.rollback()
    if found == HEAD:
        return False
    if found is not None and found not in REVISIONS:
        raise _newer(found, where)
    from alembic import command
    from alembic.config import Config

    with engine.connect().execution_options(planner_write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        found = current_revision(conn)  # again, under the lock: another process may have done it
        if found == HEAD:
            return False
        if found is not None and found not in REVISIONS:
            raise _newer(found, where)
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        cfg.set_main_option("path_separator", "os")
        cfg.attributes["connection"] = conn
        if found is None:
            legacy = _legacy_revision(conn)
            if legacy is not None:
                command.stamp(cfg, legacy)
                log.info("store: %s predates migrations; stamped at revision %s", where, legacy)
        command.upgrade(cfg, HEAD)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA user_version = {SQLITE_USER_VERSION}")
    log.info("store: %s upgraded from revision %s to %s", where, found or "none", HEAD)
    return True

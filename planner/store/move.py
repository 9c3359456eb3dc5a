"""Copy a whole store from one back-end to another (SQLite → PostgreSQL and back), nothing lost.

Every table is copied row for row (the audit trail with its numbers, the roles, every version of
every scenario and figure), read from one consistent snapshot of the source and written in one
transaction into a target that must be empty; then the rows of every table are counted on both
sides and the backups of both compared character for character.  Anything short of equal raises,
and the target's transaction is not kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..errors import PlannerError
from .core import ScenarioStore
from .schema import TABLES

log = logging.getLogger("planner.store")
_CHUNK = 500


@dataclass(frozen=True)
class MoveReport:
    source: str
    target: str
    counts: dict[str, int]  # rows per table, equal on both sides


def move_store(source: str | Path, target: str | Path) -> MoveReport:
    src, dst = ScenarioStore(source), ScenarioStore(target)
    if src.url == dst.url:
        raise PlannerError("nguồn và đích là cùng một kho", "the source and the target are the same store", "--to")
    before = dst.counts()
    if any(before.values()):
        shown = ", ".join(f"{k} {v}" for k, v in before.items() if v)
        raise PlannerError(f"kho đích không rỗng ({shown}); chỉ chuyển vào một kho rỗng",
                           f"the target store is not empty ({shown}); a store moves only into an empty one",
                           dst.where)
    read = src.engine.connect()
    if src.backend == "postgresql":
        read = read.execution_options(isolation_level="REPEATABLE READ")  # one snapshot for every table
    try:
        with read, read.begin():
            rows = {t.name: [dict(r._mapping) for r in read.execute(sa.select(t)).all()] for t in TABLES}
    except sa.exc.SQLAlchemyError as exc:
        raise src._db_error(exc, "move: read") from None

    def write(conn: sa.Connection) -> None:
        for table in TABLES:
            items = rows[table.name]
            for i in range(0, len(items), _CHUNK):
                conn.execute(table.insert(), items[i:i + _CHUNK])
        if conn.dialect.name == "postgresql" and rows["audit"]:  # the next audit number follows the copied ones
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('audit', 'id'), :n)"),
                         {"n": max(r["id"] for r in rows["audit"])})
        got = {t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()) for t in TABLES}
        want = {name: len(items) for name, items in rows.items()}
        if got != want:
            raise PlannerError(f"số dòng không khớp sau khi chuyển: {got} ≠ {want}",
                               f"row counts differ after the move: {got} ≠ {want}", dst.where)

    dst._write(write, "move: write")
    counts = dst.counts()
    if counts != {name: len(items) for name, items in rows.items()} or src.counts() != counts:
        raise PlannerError("số dòng không khớp sau khi chuyển", "row counts differ after the move", dst.where)
    if src.backup_json() != dst.backup_json():
        raise PlannerError("bản sao lưu của hai kho khác nhau sau khi chuyển",
                           "the backups of the two stores differ after the move", dst.where)
    log.info("store: moved %s to %s: %s", src.where, dst.where, counts)
    src.close()
    dst.close()
    return MoveReport(src.where, dst.where, counts)


__all__ = ["MoveReport", "move_store"]

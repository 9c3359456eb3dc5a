"""Plan packs saved to the store, so every session (and every app process) has them.

A pack is stored as the zip of its files, exactly as uploaded and checked; saving the same pack id again
adds a version (nothing is overwritten), with its author and time.  The files are checked again when a
version is read back (``archive.read_upload``), so a stored pack is never trusted more than an upload.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa

from ..errors import PlannerError
from ..packs.archive import MAX_UPLOAD_BYTES, read_upload
from ..packs.read import PACK_FILES
from .checks import MAX_AUTHOR, check_text, now
from .schema import packs

T = TypeVar("T")


@dataclass(frozen=True)
class StoredPack:
    """One version of a stored pack: ``pack`` is the id in its pack.toml, ``runtime_id`` the id the app
    loads it under (its id and a hash of its content)."""

    pack: str
    version: int
    name_vi: str
    name_en: str
    author: str
    saved_at: str
    digest: str

    @property
    def runtime_id(self) -> str:
        return f"{self.pack}-{self.digest[:8]}"


def pack_zip(files: dict[str, bytes]) -> bytes:
    """The pack's files (known names only) as one zip, in a fixed order so the same files give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            if name in PACK_FILES:
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, files[name])
    return out.getvalue()


def _key_lock(pack: str) -> int:
    digest = hashlib.blake2b(f"pack\x1f{pack}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


_COLS = (packs.c.pack, packs.c.version, packs.c.name_vi, packs.c.name_en, packs.c.author, packs.c.saved_at,
         packs.c.digest)


class PackStore:
    """The store's methods for plan packs (mixed into ``ScenarioStore``, which provides the transactions,
    roles and audit trail)."""

    _read: Callable[..., Any]
    _write: Callable[..., Any]
    _authorize: Callable[..., None]
    _author: Callable[[str], str]
    _audit: Callable[..., None]

    def save_pack(self, files: dict[str, bytes], author: str = "") -> StoredPack:
        """Check the pack's files as an upload is checked, then store them as a new version of its id."""
        check_text(author, "author", MAX_AUTHOR)
        data = pack_zip(files)
        if len(data) > MAX_UPLOAD_BYTES:
            raise PlannerError("gói quá lớn để lưu", "the pack is too large to save", "pack")
        pack, _ = read_upload([("pack.zip", data)])  # raises PackError listing every problem
        pack_id = pack.meta["id"]
        digest = pack.id.rsplit("-", 1)[1]  # the content hash read_upload gave it
        author = self._author(author)

        def op(conn: sa.Connection) -> StoredPack:
            self._authorize(conn, "pack.save")
            if conn.dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE already holds the lock
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _key_lock(pack_id)})
            latest = conn.execute(sa.select(sa.func.max(packs.c.version)).where(packs.c.pack == pack_id)).scalar()
            stored = StoredPack(pack_id, (latest or 0) + 1, pack.name("vi"), pack.name("en"), author, now(), digest)
            conn.execute(packs.insert().values(pack=stored.pack, version=stored.version, name_vi=stored.name_vi,
                                               name_en=stored.name_en, author=stored.author,
                                               saved_at=stored.saved_at, digest=stored.digest, files=data))
            self._audit(conn, "pack.save", pack_id, stored.runtime_id, author, version=stored.version)
            return stored

        return self._write(op, "pack.save")

    def stored_packs(self) -> list[StoredPack]:
        """The latest version of every stored pack, by id."""
        def op(conn: sa.Connection) -> list[Any]:
            latest = sa.select(packs.c.pack, sa.func.max(packs.c.version).label("v")).group_by(packs.c.pack).subquery()
            return conn.execute(sa.select(*_COLS).join(latest, sa.and_(packs.c.pack == latest.c.pack,
                                                                       packs.c.version == latest.c.v))
                                .order_by(packs.c.pack)).all()
        return [StoredPack(*row) for row in self._read(op, "pack.list")]

    def pack_versions(self, pack_id: str) -> list[StoredPack]:
        def op(conn: sa.Connection) -> list[Any]:
            return conn.execute(sa.select(*_COLS).where(packs.c.pack == pack_id).order_by(packs.c.version)).all()
        return [StoredPack(*row) for row in self._read(op, "pack.versions")]

    def pack_files(self, pack_id: str, version: int | None = None) -> bytes:
        """The zip of a stored version (default: the latest)."""
        def op(conn: sa.Connection) -> Any:
            query = sa.select(packs.c.files).where(packs.c.pack == pack_id)
            if version is not None:
                query = query.where(packs.c.version == version)
            return conn.execute(query.order_by(packs.c.version.desc()).limit(1)).scalar()
        data = self._read(op, "pack.read")
        if data is None:
            raise PlannerError(f"không có gói '{pack_id}' trong kho", f"no pack '{pack_id}' in the store", "pack")
        return bytes(data)

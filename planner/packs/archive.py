"""Packs from outside the code: a copy as a starting point (``pack new``), an uploaded zip or files.

An upload is hostile until proven otherwise: the zip's entries are checked before anything is read
(no absolute or ``..`` paths, no links, a bounded number and size of entries, each read with a hard cap
so a lying header cannot inflate it), nothing is ever written to disk, and only the pack's known file
names are taken.  The uploaded pack gets an id made of its own id and a hash of its content, so two
different uploads never share an id and the same upload always gets the same one.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import stat
import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ..errors import PlannerError
from . import Pack, pack_folder
from .read import MAX_FILE_BYTES, PACK_FILES, PACK_ID_PATTERN, Files, PackError, Problems, check_files

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the zip or the files together, as uploaded
MAX_ENTRIES = 64
MAX_TOTAL_BYTES = 8 * 1024 * 1024  # all entries of a zip, uncompressed


def _entry_name(raw: str) -> PurePosixPath | None:
    """The entry's path inside the zip, or None if it could escape (absolute, ``..``, a drive)."""
    name = raw.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or any(part == ".." for part in path.parts):
        return None
    return path


def _from_zip(data: bytes, upload_name: str, problems: Problems) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        problems.add(f"tệp zip hỏng ({exc})", f"broken zip file ({exc})", upload_name)
        return {}
    if len(entries) > MAX_ENTRIES:
        problems.add(f"tệp zip có {len(entries)} mục (tối đa {MAX_ENTRIES})",
                     f"the zip holds {len(entries)} entries (at most {MAX_ENTRIES})", upload_name)
        return {}
    files: list[tuple[PurePosixPath, zipfile.ZipInfo]] = []
    total = 0
    for info in entries:
        path = _entry_name(info.filename)
        if path is None:
            problems.add("đường dẫn không an toàn trong tệp zip (tuyệt đối hoặc có '..'); không mục nào được đọc",
                         "unsafe path in the zip (absolute or with '..'); nothing was read",
                         f"{upload_name}: {info.filename}")
            return {}
        if info.is_dir():
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            problems.add("tệp zip chứa liên kết (symlink); không mục nào được đọc",
                         "the zip holds a link (symlink); nothing was read", f"{upload_name}: {info.filename}")
            return {}
        total += info.file_size
        if info.file_size > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES:
            problems.add(f"nội dung giải nén quá lớn (mỗi tệp tối đa {MAX_FILE_BYTES:,} byte)",
                         f"uncompressed content too large (at most {MAX_FILE_BYTES:,} bytes a file)",
                         f"{upload_name}: {info.filename}")
            return {}
        files.append((path, info))
    # A zip of the folder has one top folder; a zip of the files has none.  Deeper files are not the pack's.
    tops = {p.parts[0] for p, _ in files if len(p.parts) > 1}
    strip = len(tops) == 1 and all(len(p.parts) == 2 for p, _ in files if p.name in PACK_FILES)
    out: dict[str, bytes] = {}
    for path, info in files:
        parts = path.parts[1:] if strip and len(path.parts) > 1 else path.parts
        if len(parts) != 1 or parts[0] not in PACK_FILES:
            if not path.name.startswith(".") and "__MACOSX" not in path.parts:
                problems.warn("bỏ qua: không phải tệp của gói kế hoạch", "ignored: not a file of a plan pack",
                              f"{upload_name}: {info.filename}")
            continue
        try:
            with archive.open(info) as fh:
                content = fh.read(MAX_FILE_BYTES + 1)  # never more than the cap, whatever the header says
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError) as exc:
            problems.add(f"không đọc được mục trong tệp zip ({exc})", f"cannot read the zip entry ({exc})",
                         f"{upload_name}: {info.filename}")
            continue
        if len(content) > MAX_FILE_BYTES:
            problems.add("nội dung giải nén quá lớn", "uncompressed content too large", f"{upload_name}: {info.filename}")
            return {}
        if parts[0] in out:
            problems.add("tệp có hai lần trong zip", "file twice in the zip", f"{upload_name}: {parts[0]}")
            continue
        out[parts[0]] = content
    return out


def read_upload(uploads: list[tuple[str, bytes]]) -> tuple[Pack, list[PlannerError]]:
    """A pack from uploaded files: one zip (of the folder or of its files) or the files themselves.

    Returns the pack (with an id of its own: ``<id>-<hash>``) and the warnings; raises ``PackError``
    listing every problem.  Nothing is written anywhere.
    """
    pack, warnings, _ = read_upload_files(uploads)
    return pack, warnings


def read_upload_files(uploads: list[tuple[str, bytes]]) -> tuple[Pack, list[PlannerError], dict[str, bytes]]:
    """``read_upload``, and the pack's files as read (by name), for saving them to the store."""
    problems = Problems()
    size = sum(len(data) for _, data in uploads)
    if not uploads:
        raise PackError([PlannerError("chưa chọn tệp nào", "no file chosen", "")])
    if size > MAX_UPLOAD_BYTES:
        raise PackError([PlannerError(f"tệp tải lên quá lớn ({size:,} byte; tối đa {MAX_UPLOAD_BYTES:,})",
                                      f"upload too large ({size:,} bytes; at most {MAX_UPLOAD_BYTES:,})", "")])
    zips = [(n, d) for n, d in uploads if n.lower().endswith(".zip") or d[:4] == b"PK\x03\x04"]
    texts: dict[str, bytes] = {}
    if zips:
        if len(uploads) > 1:
            raise PackError([PlannerError("tải lên một tệp zip, hoặc các tệp CSV và pack.toml, không cả hai",
                                          "upload one zip, or the CSV files and pack.toml, not both", "")])
        texts = _from_zip(zips[0][1], zips[0][0], problems)
    else:
        for name, data in uploads:
            base = PurePosixPath(name.replace("\\", "/")).name
            if base not in PACK_FILES:
                problems.add(f"không phải tệp của gói kế hoạch; tên dùng được: {', '.join(PACK_FILES)}",
                             f"not a file of a plan pack; names allowed: {', '.join(PACK_FILES)}", name)
                continue
            if len(data) > MAX_FILE_BYTES:
                problems.add("tệp quá lớn", "file too large", name)
                continue
            texts[base] = data
    if problems.items:
        raise PackError(problems.items, problems.warnings)
    pack, found = check_files(Files(texts, "upload"))
    if pack is None or found.items:
        raise PackError(found.items or [PlannerError("gói không đọc được", "pack unreadable", "")],
                        problems.warnings + found.warnings)
    digest = hashlib.sha256()
    for name in sorted(texts):
        digest.update(name.encode() + b"\0" + hashlib.sha256(texts[name]).digest())
    return replace(pack, id=f"{pack.id}-{digest.hexdigest()[:8]}"), problems.warnings + found.warnings, texts


def new_pack(folder: Path, source_id: str) -> Path:
    """Copy pack ``source_id`` into ``folder`` (which must not exist, or be empty) as a starting point.

    The copy's id becomes the folder's name and it is not the default pack; nothing is overwritten.
    """
    folder = Path(folder)
    pack_id = folder.name
    if not PACK_ID_PATTERN.match(pack_id):
        raise PlannerError("tên thư mục là mã của gói: chữ thường không dấu, chữ số, dấu gạch ngang (vd. hoa-binh-2026)",
                           "the folder's name is the pack's id: lower-case ASCII letters, digits, dashes "
                           "(e.g. hoa-binh-2026)", str(folder))
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise PlannerError("thư mục đã có và không rỗng: không ghi đè", "folder exists and is not empty: nothing "
                           "overwritten", str(folder))
    source = pack_folder(source_id)
    folder.mkdir(parents=True, exist_ok=True)
    for name in PACK_FILES:
        if (source / name).is_file():
            shutil.copyfile(source / name, folder / name)
    toml = (folder / "pack.toml").read_text(encoding="utf-8")
    toml = re.sub(r'(?m)^id\s*=\s*".*"\s*$', f'id = "{pack_id}"', toml, count=1)
    toml = re.sub(r"(?m)^default\s*=\s*true\s*$", "default = false", toml)
    (folder / "pack.toml").write_text(toml, encoding="utf-8")
    return folder

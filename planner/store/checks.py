"""Checks of what reaches the store, done once at its edge; every failure a ``PlannerError``."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from ..errors import PlannerError

MAX_NAME = 200
MAX_AUTHOR = 200
MAX_NOTE = 2000
MAX_SCENARIO_JSON = 100_000
_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def fold(text: str) -> str:
    """Text for searching: lower case, no diacritics, đ→d, single spaces ("Hải Dương" → "hai duong")."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "d")
    return " ".join(bare.split())


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def check_text(value: Any, key: str, limit: int, required: bool = False, where: str = "") -> str:
    """Text within ``limit`` characters.  A NUL character is refused: PostgreSQL cannot store it, and
    both back-ends must keep exactly the same things."""
    where = where or key
    if not isinstance(value, str):
        raise PlannerError("phải là chuỗi ký tự", "must be text", where)
    if required and not value.strip():
        raise PlannerError("không được để trống", "must not be empty", where)
    if len(value) > limit:
        raise PlannerError(f"dài quá {limit} ký tự", f"longer than {limit} characters", where)
    if "\x00" in value:
        raise PlannerError("chứa ký tự rỗng (NUL)", "contains a NUL character", where)
    return value


def check_id(value: Any, where: str = "scenario_id") -> str:
    if not isinstance(value, str) or not _ID_RE.fullmatch(value):
        shown = str(value)[:40]
        raise PlannerError(f"mã kịch bản không hợp lệ: '{shown}'", f"invalid scenario id: '{shown}'", where)
    return value


def check_version(value: Any, where: str = "version") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PlannerError("số phiên bản phải là số nguyên từ 1", "the version must be a whole number from 1",
                           where)
    return value


def check_time(value: Any, where: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise PlannerError("thời điểm không hợp lệ", "invalid time", where) from None
    return value


def unknown(scenario_id: str) -> PlannerError:
    return PlannerError(f"không có kịch bản đã lưu với mã '{scenario_id}'",
                        f"no saved scenario with id '{scenario_id}'", "scenario_id")

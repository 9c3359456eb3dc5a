"""Backups: every scenario with all its versions and every figure with all its versions, in one JSON
document that restores exactly (the same document comes out of the restored store) on either back-end.
The whole document is checked before anything is written."""

from __future__ import annotations

import json
from typing import Any

from ..errors import PlannerError
from .checks import (
    MAX_AUTHOR,
    MAX_NAME,
    MAX_NOTE,
    MAX_SCENARIO_JSON,
    check_id,
    check_text,
    check_time,
    check_version,
)
from .figures import (
    MAX_FIGURE_NOTE,
    MAX_SOURCE,
    StoredFigure,
    check_basis,
    check_figure_text,
    check_key,
    check_pack,
    check_value,
)

BACKUP_FORMAT = "planner-scenario-store"
BACKUP_FORMAT_VERSION = 2  # 2: with the actual figures; 1 (scenarios only) is still read
MAX_BACKUP_CHARS = 50_000_000


def figure_doc(f: StoredFigure) -> dict[str, Any]:
    return {"pack": f.pack, "indicator": f.indicator, "year": f.year, "version": f.version, "value": f.value,
            "source": f.source, "note": f.note, "author": f.author, "saved_at": f.saved_at, "removed": f.removed,
            "basis": f.basis}


_FIGURE_FIELDS = {"pack", "indicator", "year", "version", "value", "source", "note", "author", "saved_at", "removed"}
# A backup written before figures had a basis has none: its figures were taken as published.


def _parse_figures(items: Any, where: str) -> list[StoredFigure]:
    if not isinstance(items, list):
        raise PlannerError("'figures' phải là một danh sách", "'figures' must be a list", where)
    seen: set[tuple[str, str, int, int]] = set()
    out = []
    for i, f in enumerate(items):
        at = f"{where}: figures[{i}]"
        if not isinstance(f, dict) or set(f) - {"basis"} != _FIGURE_FIELDS:
            raise PlannerError("mục số liệu thiếu hoặc thừa trường", "a figure entry has missing or extra fields", at)
        pack = check_pack(f["pack"], f"{at}.pack")
        indicator, year = check_key(pack, f["indicator"], f["year"], at, known_pack=False)
        version = check_version(f["version"], f"{at}.version")
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
            check_text(f["author"], "author", MAX_AUTHOR, where=f"{at}.author"),
            check_time(f["saved_at"], f"{at}.saved_at"), f["removed"],
            check_basis(f.get("basis", "published"), f"{at}.basis")))
    return out


def parse_backup(text: Any) -> tuple[list[dict[str, Any]], list[StoredFigure]]:
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
        sid = check_id(sc["id"], f"{at}.id")
        if sid in seen:
            raise PlannerError(f"mã kịch bản lặp lại: {sid}", f"duplicate scenario id: {sid}", f"{at}.id")
        seen.add(sid)
        pack = check_text(sc["pack"], "pack", 100, required=True, where=f"{at}.pack")
        check_time(sc["created_at"], f"{at}.created_at")
        check_time(sc["deleted_at"], f"{at}.deleted_at", optional=True)
        if not isinstance(sc["versions"], list) or not sc["versions"]:
            raise PlannerError("'versions' phải là danh sách không rỗng", "'versions' must be a non-empty list",
                               f"{at}.versions")
        numbers: set[int] = set()
        for j, v in enumerate(sc["versions"]):
            vat = f"{at}.versions[{j}]"
            if not isinstance(v, dict) or set(v) != {"version", "name", "author", "note", "saved_at", "scenario"}:
                raise PlannerError("mục phiên bản thiếu hoặc thừa trường",
                                   "a version entry has missing or extra fields", vat)
            number = check_version(v["version"], f"{vat}.version")
            if number in numbers:
                raise PlannerError(f"phiên bản lặp lại: {number}", f"duplicate version: {number}",
                                   f"{vat}.version")
            numbers.add(number)
            check_text(v["name"], "name", MAX_NAME, required=True, where=f"{vat}.name")
            check_text(v["author"], "author", MAX_AUTHOR, where=f"{vat}.author")
            check_text(v["note"], "note", MAX_NOTE, where=f"{vat}.note")
            check_time(v["saved_at"], f"{vat}.saved_at")
            body = check_text(v["scenario"], "scenario", MAX_SCENARIO_JSON, where=f"{vat}.scenario")
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

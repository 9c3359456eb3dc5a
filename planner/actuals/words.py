"""What the reader shares: its limits and fields, the header it looks for, the row and table it builds, and its messages (where in the spreadsheet, in Vietnamese and English)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from planner.errors import PlannerError
from planner.registry import INDICATOR_BY_ID, INDICATORS

MAX_BYTES = 5_000_000  # 5 MB as the upload widget counts it (ui/uploads.py)
MAX_ROWS = 10_000
MAX_COLUMNS = 50  # columns read from a workbook; keeps a sheet claiming 16,384 columns cheap

FIELDS: tuple[str, ...] = ("indicator", "year", "value", "source", "note", "basis", "note_vi", "use", "why_not",
                           "why_not_vi")
REQUIRED: tuple[str, ...] = ("indicator", "year", "value")
_FIELD_VI = {"indicator": "chỉ tiêu", "year": "năm", "value": "giá trị", "source": "nguồn",
             "note": "ghi chú", "basis": "loại số liệu", "note_vi": "ghi chú tiếng Việt", "use": "dùng",
             "why_not": "lý do không dùng", "why_not_vi": "lý do không dùng tiếng Việt"}
_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "chi tieu", "ma chi tieu"),
    "year": ("year", "nam"),
    "value": ("value", "gia tri"),
    "source": ("source", "nguon"),
    "note": ("note", "ghi chu"),
    "basis": ("basis", "loai so lieu", "so lieu la", "kind of figure", "figure is"),
    # A pack's actuals.csv says which figures the projection uses by default (see packs.Observation).
    "note_vi": ("note vi", "ghi chu tieng viet"),
    "use": ("use", "dung", "su dung"),
    "why_not": ("why not", "ly do khong dung"),
    "why_not_vi": ("why not vi", "ly do khong dung tieng viet"),
}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")


@dataclass(frozen=True)
class _Row:
    row: int
    indicator: str
    year: int
    value: float
    source: str
    note: str
    note_vi: str = ""
    use: bool = True
    why_not: str = ""
    why_not_vi: str = ""
    basis: str = "published"


@dataclass(frozen=True)
class _Table:
    header_row: int
    header: list[str]
    columns: dict[str, int]  # field -> column index
    rows: list[tuple[int, list[object]]]  # non-blank data rows with their spreadsheet row number
    ignored: list[str]
    delimiter: str = ""  # "" for a workbook


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _match_header(texts: list[str], name: str = "", rownum: int = 0) -> tuple[dict[str, int], list[str]]:
    """Map header cells to fields; a field named twice (``value`` and ``giá trị``) is an error."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for i, text in enumerate(texts):
        key = _fold(text)
        field = next((f for f, aliases in _ALIASES.items() if key in aliases), None)
        if field is None:
            if text:
                ignored.append(text)
            continue
        if field in columns:
            j = columns[field]
            raise PlannerError(
                f"cột '{_FIELD_VI[field]}' xuất hiện hai lần: {_letter(j)} '{texts[j]}' và "
                f"{_letter(i)} '{text}'",
                f"column '{field}' appears twice: {_letter(j)} '{texts[j]}' and {_letter(i)} '{text}'",
                _where(name, rownum))
        columns[field] = i
    return columns, ignored


def _text(cell: object) -> str:
    """A cell as stripped text: numbers from a workbook keep their shortest form (2023, not 2023.0), and
    the apostrophe that keeps a spreadsheet from running '=…' as a formula is taken off."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    text = str(cell).strip()
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START) else text


def _blank(cells: list[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _fold(text: str) -> str:
    """Lower case without diacritics or extra spaces: 'Chỉ  Tiêu' and 'chi_tieu' both give 'chi tieu'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[_\-]+", " ", text).casefold().split())


def _indicator_names(lang_hint: str | None) -> dict[str, str]:
    """Spellings accepted for each indicator: id, Vietnamese label (with or without diacritics)."""
    names: dict[str, str] = {}
    clashes: set[str] = set()
    for ind in INDICATORS:
        labels = [ind.vi, ind.en] if lang_hint == "en" else [ind.vi]
        spellings = {ind.id.casefold(), _fold(ind.id)}
        for label in labels:
            spellings |= {unicodedata.normalize("NFC", label).casefold(), _fold(label)}
        for key in spellings:
            if names.get(key, ind.id) != ind.id:
                clashes.add(key)
            names[key] = ind.id
    return {k: v for k, v in names.items() if k not in clashes}


def _registry_order(indicator: str) -> int:
    return next(i for i, ind in enumerate(INDICATORS) if ind.id == indicator)


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 → A, 26 → AA)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _col(table: _Table, field: str) -> str:
    i = table.columns[field]
    return f"{_letter(i)} '{table.header[i]}'"


def _where(name: str, row: int | None, col: str | None = None) -> str:
    parts = [name] if name else []
    if row is not None:
        parts.append(f"dòng/row {row}")
    if col:
        parts.append(f"cột/column {col}")
    return ", ".join(parts)


def _label(indicator: str, lang: str) -> str:
    """An indicator as a reader names it: its label, not its id."""
    ind = INDICATOR_BY_ID.get(indicator)
    return ind.label(lang) if ind else indicator


def _g(value: float, lang: str) -> str:
    """A number as ``:g`` writes it, with a decimal comma in Vietnamese."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "vi" else text


def _short(items: list[str], limit: int = 10) -> str:
    more = len(items) - limit
    return ", ".join(items[:limit]) + (f", … (+{more})" if more > 0 else "")


def _names_vi(fields: list[str]) -> str:
    return ", ".join(f"'{_FIELD_VI[f]}' ({f})" for f in fields)


def _names_en(fields: list[str]) -> str:
    return ", ".join(f"'{f}' ({_FIELD_VI[f]})" for f in fields)


def _expected_vi() -> str:
    return (", ".join(f"{_FIELD_VI[f]} ({f})" for f in REQUIRED) + "; tùy chọn: "
            + ", ".join(f"{_FIELD_VI[f]} ({f})" for f in FIELDS if f not in REQUIRED))


def _expected_en() -> str:
    return (", ".join(f"{f} ({_FIELD_VI[f]})" for f in REQUIRED) + "; optional: "
            + ", ".join(f"{f} ({_FIELD_VI[f]})" for f in FIELDS if f not in REQUIRED))


def _too_many(name: str) -> PlannerError:
    return PlannerError(f"tệp có quá {MAX_ROWS:,} dòng số liệu".replace(",", "."),
                        f"the file has more than {MAX_ROWS:,} data rows", name)


def megabytes(size: int, lang: str, decimals: int = 1) -> str:
    """A size in the upload widget's units (10^6 bytes), as it writes sizes: '5 MB', '5,1 MB' / '5.1 MB';
    under 1 MB in kilobytes ('250 KB')."""
    if size < 1_000_000:
        return f"{math.ceil(size / 1000)} KB"
    text = f"{size / 1_000_000:.{decimals}f}".rstrip("0").rstrip(".")
    return (text.replace(".", ",") if lang == "vi" else text) + " MB"


_mb = megabytes


def too_large(size: int, limit: int, where: str) -> PlannerError:
    """The refusal of a file over ``limit`` bytes, in the words the uploader's caption uses (a file just over
    the limit gets the decimals that tell the two apart)."""
    decimals = next((d for d in (1, 2, 3, 4, 5, 6) if _mb(size, "en", d) != _mb(limit, "en", d)), 6)
    return PlannerError(f"tệp quá lớn ({_mb(size, 'vi', decimals)}); tối đa {_mb(limit, 'vi')}",
                        f"file too large ({_mb(size, 'en', decimals)}); the limit is {_mb(limit, 'en')}", where)

"""Actual figures a department uploads (CSV or Excel), read into observations the charts set against plans.

Why a reader of its own: uploads come from Excel on Vietnamese office PCs, so it has to cope with every
encoding, separator and number format Excel writes there, and every bad cell must end in a
``PlannerError`` naming the spreadsheet row (header = row 1) and column, in Vietnamese and English.

Contract
    Columns ``indicator``, ``year``, ``value`` and optional ``source``, ``note``, ``basis``; the Vietnamese
    headers ``chỉ tiêu``, ``năm``, ``giá trị``, ``nguồn``, ``ghi chú``, ``loại số liệu`` work too (case, surrounding spaces and
    diacritics ignored, so ``chi tieu`` or ``NĂM`` match).  Title rows above the header are skipped;
    other columns are ignored with a warning.  An indicator is a registry id or its Vietnamese label
    (case-insensitive; also the English label when ``lang_hint="en"``).  Shares are fractions (0.45);
    a cell written ``45 %`` is read as 0.45.  Years run from the pack's base year to its horizon.
    ``basis`` says what a figure is, in the packs' vocabulary (``planner.packs.BASES``): an id
    (``published``, ``estimate``, ``part_year``, ``other_definition``) or its name in either language
    ("công bố", "ước tính", "một phần năm", "định nghĩa khác"; "published figure", "part of a year" …);
    empty is ``published`` (a department enters the figures it has).  As in a pack, a part-year or
    other-definition figure is kept but not used unless its ``use`` says yes.

Content, not the file name, decides the format: a zip (``PK\\x03\\x04``) is read as an Excel workbook
(first sheet), anything else as text.  Text encodings: a BOM first (UTF-8, UTF-16 LE/BE as in Excel's
"Unicode text"), then strict UTF-8, then Windows-1258; text is normalised to NFC because Windows-1258
stores tone marks as combining characters.  The separator (comma, semicolon or tab) is taken from the
header line; an Excel ``sep=;`` first line is honoured.

Numbers in text cells
    Spaces inside a number are dropped.  With both ``.`` and ``,`` the last one is the decimal mark and
    the other must group thousands: ``1.234,5`` and ``1,234.5`` are both 1234.5.  Several of the same
    mark group thousands (``1.234.567``).  A single mark is a decimal mark (``0,7`` = ``0.7``), with one
    exception, the count rule: for a count indicator (not a share), ``1.234`` or ``1,234`` (1-3 digits
    not starting with 0, one mark, exactly three digits) is read as 1234, because counts are whole and
    Vietnamese Excel writes thousands with a dot; a warning lists the cells read this way.  This also
    covers ``1.000`` (1000, not 1), which a rule on "fractional results only" would misread.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import PlannerError
from .packs import BASES, BASIS_LABELS, UNUSED_BASES, Observation, Pack
from .registry import INDICATOR_BY_ID, INDICATORS

MAX_BYTES = 5_000_000  # 5 MB as the upload widget counts it (ui/uploads.py)
MAX_ROWS = 10_000
MAX_COLUMNS = 50  # columns read from a workbook; keeps a sheet claiming 16,384 columns cheap
_MAX_UNZIPPED = 100 * 1024 * 1024  # bytes a workbook may unpack to (ZipExtFile never reads past this)
_MAX_CSV_CELLS = 1000  # cells in one text row; a longer row is not a table a person typed
_HEADER_SCAN = 20  # non-blank rows searched for the header, so a title row above it does no harm
_SCAN_LIMIT = 10 * MAX_ROWS  # rows read at most, blank ones included: bounds the work on hostile files

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

_NOT_A_FILE_VI = "tệp không phải là tệp CSV hoặc Excel"
_NOT_A_FILE_EN = "the file is not a CSV or Excel file"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
# Control characters that mark a file as binary (\t \n \v \f \r pass).  A Ctrl-Z (DOS end of file) that
# old Windows tools write at the very end of a CSV is taken off first, in ``_decode``.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PLAIN = re.compile(r"[\d.,]*\d[\d.,]*")
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?[eE][+-]?\d{1,3}")
_SEP_LINE = re.compile(r'"?sep=([,;\t|])"?[ \t]*')


@dataclass(frozen=True)
class ActualsResult:
    """What an upload yields: the observations, and notes the user should see but need not act on."""

    observations: tuple[Observation, ...]
    warnings: tuple[PlannerError, ...] = ()


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


# --- Public API --------------------------------------------------------------------------------


def read_actuals(data: bytes, filename: str, pack: Pack, lang_hint: str | None = None, *,
                 percent_fix: bool = False) -> ActualsResult:
    """Read an uploaded CSV/XLSX of actual figures for ``pack``; raise ``PlannerError`` on bad input.

    ``lang_hint`` ("vi"/"en"/None) is the uploader's language: with "en" the English indicator labels
    are accepted as well.  ``percent_fix=True`` divides a share indicator by 100 when every one of its
    values lies in (1, 100], i.e. it was typed as percentages; the fix is recorded as a warning.
    """
    name = Path(filename or "").name
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise PlannerError("dữ liệu tải lên không phải là tệp", "the upload is not file data", name)
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise too_large(len(data), MAX_BYTES, name)
    warnings: list[PlannerError] = []
    suffix = Path(name).suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        if suffix not in ("", ".xlsx", ".xlsm"):
            warnings.append(PlannerError(
                f"tên tệp có đuôi '{suffix}' nhưng nội dung là bảng tính Excel; đã đọc như Excel",
                f"the file is named '{suffix}' but holds an Excel workbook; it was read as Excel", name))
        table = _read_table(_xlsx_rows(data, name), name, "")
    elif data.startswith(_OLE_MAGIC):
        raise PlannerError(
            "đây là tệp Excel 97-2003 (.xls); hãy lưu lại dưới dạng .xlsx hoặc CSV",
            "this is an Excel 97-2003 (.xls) file; save it again as .xlsx or CSV", name)
    else:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            warnings.append(PlannerError(
                f"tên tệp có đuôi '{suffix}' nhưng nội dung là văn bản; đã đọc như CSV",
                f"the file is named '{suffix}' but holds text; it was read as CSV", name))
        text = _decode(data, name)
        if not text.strip():
            raise PlannerError("tệp rỗng", "the file is empty", name)
        body, delim = _delimiter(text)
        table = _read_table(_csv_rows(body, delim, name), name, delim)
    if table.ignored:
        cols = ", ".join(f"'{c}'" for c in table.ignored)
        warnings.append(PlannerError(
            f"đã bỏ qua các cột không dùng: {cols}", f"ignored columns that are not used: {cols}",
            _where(name, table.header_row)))

    names = _indicator_names(lang_hint)
    rows: list[_Row] = []
    counted: list[str] = []
    for rownum, cells in table.rows:
        row, thousands = _parse_row(table, rownum, cells, names, pack, name)
        rows.append(row)
        if thousands:
            counted.append(f"{rownum} ('{thousands}' → {row.value:g})")
    if counted:
        col = _col(table, "value")
        warnings.append(PlannerError(
            "đã đọc dấu chấm/phẩy trong số đếm là dấu phân cách hàng nghìn, dòng "
            + _short(counted),
            "read the dot/comma in a count as a thousands separator, row " + _short(counted),
            _where(name, None, col)))
    rows = _check_shares(rows, table, name, percent_fix, warnings)
    rows = _drop_duplicates(rows, name, warnings)
    outside = sorted({r.indicator for r in rows} - set(pack.indicators), key=_registry_order)
    if outside:
        warnings.append(PlannerError(
            f"gói “{pack.name('vi')}” không mô phỏng các chỉ tiêu "
            + ", ".join(_label(i, "vi") for i in outside) + "; số liệu vẫn được giữ lại",
            f"pack “{pack.name('en')}” does not model " + ", ".join(_label(i, "en") for i in outside)
            + "; the figures are kept", name))
    observations = tuple(Observation(r.indicator, r.year, r.value, source=r.source, estimate=r.basis == "estimate",
                                     note=r.note, note_vi=r.note_vi, use=r.use, why_not=r.why_not,
                                     why_not_vi=r.why_not_vi, basis=r.basis) for r in rows)
    return ActualsResult(observations, tuple(warnings))


def actuals_csv(observations: Iterable[Observation], excel_vi: bool = False) -> bytes:
    """Figures as a file ``read_actuals`` takes back unchanged: UTF-8 with BOM (Excel opens it), the
    English headers, indicator ids, shares as fractions, a dot for decimals and no thousands separator.
    The value comes last: a source of digits alone right of it would read as a decimal comma's split.
    ``excel_vi``: the form a Vietnamese-locale Excel opens (";" between cells, a decimal comma in the
    value only; ``planner.csvforms``), read back just the same."""
    return _table_file(((o.indicator, int(o.year), _inert(o.source), _inert(o.note), o.basis,
                         _plain(float(o.value)).replace(".", "," if excel_vi else "."))
                        for o in observations), ";" if excel_vi else ",")


def _table_file(rows: Iterable[tuple[str, int, str, str, str, str]], delimiter: str = ",") -> bytes:
    """Rows of (indicator, year, source, note, basis, value text) as a CSV with BOM that ``read_actuals`` reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["indicator", "year", "source", "note", "basis", "value"])
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(value: float) -> str:
    """A number with a dot for decimals and never an exponent (the reader takes no '1e-05'), and never
    exactly three decimals, which in a count would read as a thousands separator (2.125 → 2.1250)."""
    text = f"{value:.12f}".rstrip("0").rstrip(".")
    if text in ("", "-0"):
        return "0"
    if "." in text and len(text.split(".")[1]) == 3:
        text += "0"
    return text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Control characters a written cell drops: they would make the file look binary (line breaks and tabs stay).
_WRITE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _inert(text: str) -> str:
    """Text that a spreadsheet will not run as a formula: a leading '=', '+', '-' or '@' gets an
    apostrophe (the reader takes it off again, see ``_text``).  Control characters, which would make
    the file look binary, are dropped; line breaks and tabs stay."""
    text = _WRITE_CONTROL.sub("", unicodedata.normalize("NFC", text))
    # A text that already starts with the apostrophe of an inert formula ("'=") gets one more, so the
    # reader, which takes one off, gives it back as it was.
    return "'" + text if text.lstrip("'").startswith(_FORMULA_START) else text


inert_text = _inert  # the same rule for the store's workbook of figures (planner/store/figures.py)


def read_typed_figure(indicator: str, year: int, value: str, pack: Pack, lang: str, source: str = "",
                      note: str = "", basis: str = "published") -> ActualsResult:
    """One figure typed into a form, read by the same rules as a file (so "61,3", "1.234" and "45 %"
    read as they do there).  A share typed without a % sign is taken as a percentage: the form asks
    for shares in %.  Raises ``PlannerError`` naming the form's value box in the user's language."""
    where = "ô Giá trị" if lang == "vi" else "the Value box"
    text = str(value).strip()
    if not text:
        raise PlannerError("chưa nhập giá trị", "no value typed", where)
    ind = INDICATOR_BY_ID.get(indicator)
    share = ind is not None and ind.is_share
    parsed = _number(text.removesuffix("%").strip(), count=not share)
    if parsed is None:
        raise PlannerError(f"'{text}' không phải là số", f"'{text}' is not a number", where)
    notes: list[PlannerError] = []
    if share:
        if not 0 <= parsed[0] <= 100:
            raise PlannerError(f"tỷ lệ ghi theo %, từ 0 đến 100; đã nhập '{text}'",
                               f"a share is typed in %, from 0 to 100; '{text}' was typed", where)
        if "%" not in text:
            if 0 < parsed[0] < 1:
                notes.append(PlannerError(
                    f"đã hiểu '{text}' là {text} %; nếu ý là phân số (vd. 0,45 = 45 %), hãy nhập lại theo %",
                    f"'{text}' was read as {text} %; if a fraction was meant (e.g. 0.45 = 45 %), type it in %",
                    where))
            text += " %"
    elif not float(parsed[0]).is_integer():
        raise PlannerError(f"số đếm phải là số nguyên; đã nhập '{text}'",
                           f"a count is a whole number; '{text}' was typed", where)
    elif parsed[2]:  # a dot or comma in a count: a thousands separator
        notes.append(PlannerError(f"đã đọc '{text}' là {parsed[0]:.0f} (dấu chấm, phẩy phân cách hàng nghìn)",
                                  f"read '{text}' as {parsed[0]:.0f} (the dot or comma separates thousands)", where))
    try:
        result = read_actuals(_table_file([(indicator, year, source.strip(), note.strip(), basis, text)]), "", pack, lang)
    except PlannerError as exc:  # the reader names a file's row and column: here there is one box
        raise PlannerError(exc.vi, exc.en, where) from None
    # The reader's own notes speak of a file's rows and columns; the one that can arise here (thousands)
    # is said above in the form's words.
    return ActualsResult(result.observations, tuple(notes))


def with_figure(observations: Iterable[Observation], figure: Observation) -> tuple[tuple[Observation, ...], bool]:
    """The figures with ``figure`` added, in registry and year order; one of the same indicator and year
    is replaced (typing a figure again corrects it).  Also says whether one was replaced."""
    existing = tuple(observations)
    kept = [o for o in existing if (o.indicator, o.year) != (figure.indicator, figure.year)]
    replaced = len(kept) < len(existing)
    ordered = sorted([*kept, figure], key=lambda o: (_registry_order(o.indicator), o.year))
    return tuple(ordered), replaced


def read_actuals_path(path: str | Path, pack: Pack, lang_hint: str | None = None, *,
                      percent_fix: bool = False) -> ActualsResult:
    """``read_actuals`` for a file on disk (the CLI and tests); the size is checked before reading."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise too_large(size, MAX_BYTES, str(path))
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlannerError("không tìm thấy tệp", "file not found", str(path)) from None
    except IsADirectoryError:
        raise PlannerError("đây là thư mục, không phải tệp", "this is a folder, not a file", str(path)) from None
    except OSError as exc:
        raise PlannerError(f"không đọc được tệp: {exc.strerror}", f"cannot read the file: {exc.strerror}",
                           str(path)) from None
    return read_actuals(data, path.name, pack, lang_hint, percent_fix=percent_fix)


# --- Bytes to rows -----------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    """Bytes to NFC text: BOM, then strict UTF-8, then Windows-1258 (what Excel writes in Vietnam)."""
    boms = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
    candidates: list[tuple[bytes, str]] = []
    for bom, codec in boms:
        if data.startswith(bom):
            candidates = [(data[len(bom):], codec)]
            break
    else:
        codec16 = _bomless_utf16(data)
        candidates = [(data, codec16)] if codec16 else [(data, "utf-8"), (data, "cp1258")]
    for raw, codec in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        text = unicodedata.normalize("NFC", text).lstrip("\ufeff")
        end = text.find("\x1a")  # Ctrl-Z: the end of a file written by old DOS/Windows tools
        if end >= 0 and not text[end:].strip("\x1a\r\n"):
            text = text[:end]
        if _BINARY.search(text):
            break  # binary content that happens to decode (a PNG in Windows-1258, say)
        return text
    raise PlannerError(
        f"{_NOT_A_FILE_VI} (hoặc bảng mã không phải UTF-8, UTF-16, Windows-1258)",
        f"{_NOT_A_FILE_EN} (or its text encoding is not UTF-8, UTF-16 or Windows-1258)", name)


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as ASCII with a zero byte beside every character."""
    head = data[:4000]
    if len(head) < 4 or len(head) % 2 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _delimiter(text: str) -> tuple[str, str]:
    """The separator: an Excel ``sep=`` line, else the one that yields a header among , ; and tab."""
    first, _, rest = text.partition("\n")
    hint = _SEP_LINE.fullmatch(first.rstrip("\r"))
    if hint:
        return rest, hint.group(1)
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    order = sorted((",", ";", "\t"), key=lambda d: -line.count(d))
    for delim in order:  # all three, since a title line above the header may hold any of them
        if _header_in(_csv_rows(text, delim, "")):
            return text, delim
    return text, order[0]


def _header_in(rows: Iterator[tuple[int, list[object]]]) -> bool:
    seen = 0
    try:
        for rownum, cells in rows:
            if rownum > _SCAN_LIMIT or seen >= _HEADER_SCAN:
                return False
            if _blank(cells):
                continue
            seen += 1
            if set(REQUIRED) <= set(_match_header([_text(c) for c in cells])[0]):
                return True
    except PlannerError:
        return False
    return False


def _csv_rows(text: str, delim: str, name: str) -> Iterator[tuple[int, list[object]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rownum = 0
    try:
        for rownum, record in enumerate(reader, start=1):
            while record and not record[-1].strip():
                record.pop()  # Excel pads rows with empty cells up to the widest row
            if len(record) > _MAX_CSV_CELLS:
                raise PlannerError(f"dòng có hơn {_MAX_CSV_CELLS} ô", f"the row has over {_MAX_CSV_CELLS} cells",
                                   _where(name, rownum))
            yield rownum, record
    except csv.Error as exc:
        raise _csv_error(exc, _where(name, rownum + 1)) from None


def _csv_error(exc: csv.Error, where: str) -> PlannerError:
    """Python's CSV error in the user's language (its own text is English only)."""
    text = str(exc)
    if "field larger than field limit" in text:
        limit = csv.field_size_limit()
        return PlannerError(f"có một ô dài hơn {limit:,} ký tự".replace(",", "."),
                            f"a cell is longer than {limit:,} characters", where)
    if "new-line character" in text:
        return PlannerError("có dấu xuống dòng trong một ô không đặt trong ngoặc kép",
                            "a line break inside a cell that is not in quotes", where)
    return PlannerError("lỗi định dạng CSV (dấu ngoặc kép hoặc dấu phân cách đặt sai chỗ)",
                        f"malformed CSV ({text})", where)


def _xlsx_rows(data: bytes, name: str) -> Iterator[tuple[int, list[object]]]:
    """Rows of the first sheet, as cached values (``data_only``): formulas give their last result."""
    import openpyxl  # imported here so a CSV-only caller never pays for it

    # openpyxl can fail on a damaged or non-Excel zip in many ways (zip, XML, key, value errors);
    # every one of them means the same thing to the user, so they are caught together.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        unpacked = -1  # reported below, by the workbook check
    if unpacked > _MAX_UNZIPPED:  # a "zip bomb" would exhaust memory inside openpyxl
        raise PlannerError(
            f"bảng tính quá lớn khi giải nén ({_mb(unpacked, 'vi')}); tối đa {_mb(_MAX_UNZIPPED, 'vi')}",
            f"the workbook is too large once unpacked ({_mb(unpacked, 'en')}); the limit is "
            f"{_mb(_MAX_UNZIPPED, 'en')}", name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001
        raise PlannerError(f"{_NOT_A_FILE_VI} (tệp nén nhưng không phải bảng tính .xlsx)",
                           f"{_NOT_A_FILE_EN} (a zip archive but not an .xlsx workbook)", name) from None
    try:
        if not book.worksheets:
            raise PlannerError("bảng tính không có trang tính nào", "the workbook has no sheet", name)
        cells = book.worksheets[0].iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        rownum = 0
        while True:
            try:
                values = next(cells)
            except StopIteration:
                return
            except Exception:  # noqa: BLE001 (see above)
                raise PlannerError(f"{_NOT_A_FILE_VI} (bảng tính bị hỏng)",
                                   f"{_NOT_A_FILE_EN} (the workbook is damaged)",
                                   _where(name, rownum + 1)) from None
            rownum += 1
            row = list(values)
            while row and (row[-1] is None or (isinstance(row[-1], str) and not row[-1].strip())):
                row.pop()
            yield rownum, [unicodedata.normalize("NFC", c) if isinstance(c, str) else c for c in row]
    finally:
        book.close()


def _read_table(rows: Iterable[tuple[int, list[object]]], name: str, delimiter: str) -> _Table:
    """Find the header, map it to fields, and collect the non-blank data rows (within the limits)."""
    it = iter(rows)
    first: tuple[int, list[str]] | None = None
    seen = 0
    header: tuple[int, list[str], dict[str, int], list[str]] | None = None
    for rownum, cells in it:
        if _blank(cells):
            if rownum > _SCAN_LIMIT:
                break
            continue
        texts = [_text(c) for c in cells]
        columns, ignored = _match_header(texts, name, rownum)
        first = first or (rownum, texts)
        if set(REQUIRED) <= set(columns):
            header = rownum, texts, columns, ignored
            break
        seen += 1
        if seen >= _HEADER_SCAN:
            break
    if first is None:
        raise PlannerError("tệp rỗng", "the file is empty", name)
    if header is None:
        rownum, texts = first
        columns, _ = _match_header(texts, name, rownum)
        missing = [f for f in REQUIRED if f not in columns]
        found = ", ".join(f"'{t}'" for t in texts if t) or "—"
        raise PlannerError(
            f"thiếu cột {_names_vi(missing)}. Cần các cột: {_expected_vi()}; tìm thấy: {found}",
            f"missing column {_names_en(missing)}. Expected columns: {_expected_en()}; found: {found}",
            _where(name, rownum))
    header_row, texts, columns, ignored = header
    data: list[tuple[int, list[object]]] = []
    for rownum, cells in it:
        if rownum - header_row > _SCAN_LIMIT:
            raise _too_many(name)
        if _blank(cells):
            continue
        data.append((rownum, cells))
        if len(data) > MAX_ROWS:
            raise _too_many(name)
    if not data:
        raise PlannerError("không có dòng số liệu nào dưới dòng tiêu đề",
                           "no data rows below the header", _where(name, header_row))
    return _Table(header_row, texts, columns, data, ignored, delimiter)


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


# --- Rows to observations ----------------------------------------------------------------------


def _parse_row(table: _Table, rownum: int, cells: list[object], names: dict[str, str], pack: Pack,
               name: str) -> tuple[_Row, str]:
    """One data row checked cell by cell; returns the row and the text read by the count rule, if any."""
    width = len(table.header)
    extra = [i for i in range(width, len(cells)) if not _blank([cells[i]])]
    if extra and table.delimiter != ",":
        raise PlannerError(
            f"dòng có ô ở cột {_letter(extra[0])}, bên phải cột cuối cùng của tiêu đề; hãy đặt tên cho "
            "cột đó hoặc xóa nó",
            f"the row has a cell in column {_letter(extra[0])}, right of the header's last column; give "
            "that column a header or delete it",
            _where(name, rownum, _letter(extra[0])))
    if extra:
        raise PlannerError(
            f"dòng có {len(cells)} ô nhưng tiêu đề chỉ có {width} cột; số thập phân có dấu phẩy trong "
            "tệp phân cách bằng dấu phẩy phải đặt trong ngoặc kép (\"0,7\"), hoặc dùng dấu chấm phẩy",
            f"the row has {len(cells)} cells but the header only {width} columns; a decimal comma in a "
            "comma-separated file must be quoted (\"0,7\"), or use semicolons",
            _where(name, rownum, _letter(extra[0])))

    def cell(field: str) -> object:
        i = table.columns.get(field)
        return cells[i] if i is not None and i < len(cells) else None

    def at(field: str) -> str:
        return _where(name, rownum, _col(table, field))

    raw_ind = _text(cell("indicator"))
    if not raw_ind:
        raise PlannerError("thiếu mã chỉ tiêu", "the indicator is missing", at("indicator"))
    indicator = names.get(unicodedata.normalize("NFC", raw_ind).casefold()) or names.get(_fold(raw_ind))
    if indicator is None:
        known = ", ".join(i.id for i in INDICATORS)
        raise PlannerError(f"chỉ tiêu lạ '{raw_ind}'; các mã hợp lệ: {known}",
                           f"unknown indicator '{raw_ind}'; known ids: {known}", at("indicator"))
    share = INDICATOR_BY_ID[indicator].is_share

    raw_year = cell("year")
    year_num = _number(raw_year, count=False)
    if year_num is None or year_num[1] or year_num[0] != int(year_num[0]):
        shown = _text(raw_year) or "(trống / empty)"
        raise PlannerError(f"năm '{shown}' không phải là số nguyên",
                           f"year '{shown}' is not a whole number", at("year"))
    year = int(year_num[0])
    if not pack.base_year <= year <= pack.horizon:
        raise PlannerError(
            f"năm {year} nằm ngoài khoảng {pack.base_year}–{pack.horizon} của gói “{pack.name('vi')}”",
            f"year {year} is outside {pack.base_year}–{pack.horizon} of pack “{pack.name('en')}”", at("year"))

    raw_value = cell("value")
    if _blank([raw_value]):
        raise PlannerError("thiếu giá trị", "the value is missing", at("value"))
    parsed = _number(raw_value, count=not share)
    if parsed is None:
        raise PlannerError(f"'{_text(raw_value)}' không phải là số", f"'{_text(raw_value)}' is not a number",
                           at("value"))
    value, percent, thousands = parsed
    if percent and not share:
        raise PlannerError(
            f"'{_text(raw_value)}' là phần trăm nhưng '{_label(indicator, 'vi')}' là số đếm",
            f"'{_text(raw_value)}' is a percentage but '{_label(indicator, 'en')}' is a count", at("value"))
    if value < 0:
        kind_vi, kind_en = ("tỷ lệ", "a share") if share else ("số đếm", "a count")
        raise PlannerError(f"giá trị âm {_g(value, 'vi')}: '{_label(indicator, 'vi')}' là {kind_vi}, không thể âm",
                           f"negative value {value:g}: '{_label(indicator, 'en')}' is {kind_en} and cannot be negative",
                           at("value"))
    # The separator check: "htx,2023,1,5" in a comma file puts the "5" of "1,5" under source.
    nxt = table.columns["value"] + 1
    if (not isinstance(raw_value, (int, float)) and _delim_split(table, nxt, cells)
            and re.fullmatch(r"[+-]?\d+", _text(raw_value))):
        raise PlannerError(
            f"ô bên phải giá trị chỉ chứa chữ số ('{_text(cells[nxt])}'): có vẻ số thập phân có dấu phẩy "
            "đã bị tách thành hai ô; hãy đặt số trong ngoặc kép (\"1,5\") hoặc dùng dấu chấm phẩy",
            f"the cell right of the value holds only digits ('{_text(cells[nxt])}'): a decimal comma "
            "seems to have split the number in two; quote it (\"1,5\") or use semicolons",
            at("value"))
    use_text = _fold(_text(cell("use")))
    if use_text not in ("", "yes", "true", "1", "co", "x", "no", "false", "0", "khong"):
        raise PlannerError(f"cột 'dùng' phải là yes/có hoặc no/không, không phải '{_text(cell('use'))}'",
                           f"column 'use' must be yes or no, not '{_text(cell('use'))}'", at("use"))
    basis = basis_of(_text(cell("basis")), at("basis") if "basis" in table.columns else name)
    # As in a pack: a part-year or other-definition figure is kept but used only when ``use`` says so.
    use = use_text not in ("no", "false", "0", "khong") if use_text else basis not in UNUSED_BASES
    row = _Row(rownum, indicator, year, value, _text(cell("source")), _text(cell("note")),
               _text(cell("note_vi")), use, _text(cell("why_not")), _text(cell("why_not_vi")), basis)
    return row, (_text(raw_value) if thousands else "")


# Every spelling of a basis a person may write: its id and its names in both languages, folded (so
# "Công bố", "cong bo" and "Published figure" all match), and the short forms of the names.
_BASIS_SHORT = {"cong bo": "published", "so lieu chinh thuc": "published", "official": "published",
                "part year": "part_year", "partial year": "part_year"}


def _basis_spellings() -> dict[str, str]:
    spellings = {_fold(spelling): basis for basis, names in BASIS_LABELS.items() for spelling in (basis, *names)}
    return {**spellings, **_BASIS_SHORT}


def basis_of(text: str, where: str = "") -> str:
    """A basis written by a person, as its id; empty is ``published``.  Anything else is refused with the
    values allowed, in both languages."""
    if not text.strip():
        return "published"
    found = _basis_spellings().get(_fold(text))
    if found is None:
        allowed_vi = ", ".join(f"{BASIS_LABELS[b][0].lower()} ({b})" for b in BASES)
        allowed_en = ", ".join(f"{BASIS_LABELS[b][1].lower()} ({b})" for b in BASES)
        raise PlannerError(f"loại số liệu '{text}' không hợp lệ; dùng: {allowed_vi}",
                           f"unknown kind of figure (basis) '{text}'; use: {allowed_en}", where)
    return found


def _delim_split(table: _Table, index: int, cells: list[object]) -> bool:
    """True in a comma file when the column right of ``value`` is source/note and holds only digits."""
    if table.delimiter != "," or index >= len(cells) or index not in (table.columns.get("source"), table.columns.get("note")):
        return False
    return isinstance(cells[index], str) and re.fullmatch(r"\d+", cells[index].strip()) is not None


def _check_shares(rows: list[_Row], table: _Table, name: str, percent_fix: bool,
                  warnings: list[PlannerError]) -> list[_Row]:
    """Shares must lie in [0, 1]; an indicator typed wholly as percentages is fixed only on request."""
    col = _col(table, "value")
    for ind in sorted({r.indicator for r in rows if INDICATOR_BY_ID[r.indicator].is_share},
                      key=_registry_order):
        mine = [r for r in rows if r.indicator == ind]
        over = [r for r in mine if r.value > 1]
        if not over:
            continue
        if not all(1 < r.value <= 100 for r in mine):
            r = over[0]
            raise PlannerError(
                f"tỷ lệ '{_label(ind, 'vi')}' = {_g(r.value, 'vi')} lớn hơn 1; tỷ lệ ghi dưới dạng phân số "
                "(0,45 là 45 %)",
                f"share '{_label(ind, 'en')}' = {r.value:g} is over 1; shares are fractions (0.45 means 45 %)",
                _where(name, r.row, col))
        lines = _short([str(r.row) for r in mine])
        if not percent_fix:
            raise PlannerError(
                f"mọi giá trị của tỷ lệ '{_label(ind, 'vi')}' (dòng {lines}) đều trong khoảng (1; 100] nên "
                "có vẻ là phần trăm; tỷ lệ phải là phân số (0,45 chứ không phải 45). Hãy đánh dấu ô "
                "“chia cho 100” để đọc chúng là phần trăm, hoặc sửa tệp",
                f"every value of share '{_label(ind, 'en')}' (rows {lines}) lies in (1, 100], so they look "
                "like percentages; shares are fractions (0.45, not 45). Tick “divide by 100” to read them "
                "as percentages, or fix the file",
                _where(name, mine[0].row, col))
        warnings.append(PlannerError(
            f"đã chia các giá trị của '{_label(ind, 'vi')}' (dòng {lines}) cho 100 vì chúng là phần trăm",
            f"divided the values of '{_label(ind, 'en')}' (rows {lines}) by 100 as they are percentages",
            _where(name, None, col)))
        rows = [replace(r, value=r.value / 100) if r.indicator == ind else r for r in rows]
    return rows


def _drop_duplicates(rows: list[_Row], name: str, warnings: list[PlannerError]) -> list[_Row]:
    """One figure per indicator and year: repeats of the same value go, different values are an error."""
    kept: dict[tuple[str, int], _Row] = {}
    dropped: list[str] = []
    out: list[_Row] = []
    for r in rows:
        first = kept.get((r.indicator, r.year))
        if first is None:
            kept[(r.indicator, r.year)] = r
            out.append(r)
        elif math.isclose(first.value, r.value, rel_tol=1e-12, abs_tol=0.0):
            dropped.append(f"{r.row} (= {first.row})")
        else:
            raise PlannerError(
                f"'{_label(r.indicator, 'vi')}' năm {r.year} có hai giá trị khác nhau: dòng {first.row} "
                f"({_g(first.value, 'vi')}) "
                f"và dòng {r.row} ({_g(r.value, 'vi')}); hãy giữ một",
                f"'{_label(r.indicator, 'en')}' {r.year} has two different values: row {first.row} ({first.value:g}) "
                f"and row {r.row} ({r.value:g}); keep one",
                f"{name + ', ' if name else ''}dòng/rows {first.row}, {r.row}")
    if dropped:
        warnings.append(PlannerError(
            "đã bỏ các dòng lặp lại cùng chỉ tiêu, năm và giá trị: " + _short(dropped),
            "dropped rows repeating the same indicator, year and value: " + _short(dropped), name))
    return out


# --- Cells -------------------------------------------------------------------------------------


def _number(cell: object, count: bool) -> tuple[float, bool, bool] | None:
    """A cell as (value, was a percentage, read by the count rule), or None when it is not a number."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)):
        value = float(cell)
        return (value, False, False) if math.isfinite(value) else None
    if not isinstance(cell, str):
        return None  # dates, times and other cell types
    text = _SPACES.sub("", cell).replace("\u2212", "-")
    percent = text.endswith("%")
    text = text.removesuffix("%")
    sign = -1.0 if text.startswith("-") else 1.0
    body = text[1:] if text[:1] in "+-" else text
    parsed = _unsigned(body, count and not percent)
    if parsed is None:
        return None
    value, thousands = parsed
    value = sign * value / (100 if percent else 1)
    return (value, percent, thousands) if math.isfinite(value) else None


def _unsigned(body: str, count: bool) -> tuple[float, bool] | None:
    """Digits with dots and commas per the rules in the module docstring; (value, count rule used)."""
    if _SCIENTIFIC.fullmatch(body):
        return float(body.replace(",", ".")), False
    if not _PLAIN.fullmatch(body):
        return None
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        thou = "," if dec == "." else "."
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thou)}\d{{3}})+{re.escape(dec)}\d+", body):
            return None
        return float(body.replace(thou, "").replace(dec, ".")), False
    if not dots and not commas:
        return float(body), False
    mark = "." if dots else ","
    if dots + commas > 1:
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+", body):
            return None
        return float(body.replace(mark, "")), False
    whole, frac = body.split(mark)
    if count and re.fullmatch(r"[1-9]\d{0,2}", whole) and len(frac) == 3:
        return float(whole + frac), True
    return float(f"{whole or '0'}.{frac or '0'}"), False


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

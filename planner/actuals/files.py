"""From bytes to rows: the file's format and encoding (CSV in any Excel encoding, or a workbook)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator

from planner.actuals.words import MAX_COLUMNS, MAX_ROWS, REQUIRED, _blank, _match_header, _mb, _text, _where
from planner.errors import PlannerError

_MAX_UNZIPPED = 100 * 1024 * 1024  # bytes a workbook may unpack to (ZipExtFile never reads past this)
_MAX_CSV_CELLS = 1000  # cells in one text row; a longer row is not a table a person typed
_HEADER_SCAN = 20  # non-blank rows searched for the header, so a title row above it does no harm
_SCAN_LIMIT = 10 * MAX_ROWS  # rows read at most, blank ones included: bounds the work on hostile files

_NOT_A_FILE_VI = "tệp không phải là tệp CSV hoặc Excel"
_NOT_A_FILE_EN = "the file is not a CSV or Excel file"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
# Control characters that mark a file as binary (\t \n \v \f \r pass).  A Ctrl-Z (DOS end of file) that
# old Windows tools write at the very end of a CSV is taken off first, in ``_decode``.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SEP_LINE = re.compile(r'"?sep=([,;\t|])"?[ \t]*')


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

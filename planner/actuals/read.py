"""Reading a department's table of actual figures into observations: the header, each row, the checks."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from planner.actuals.cells import _number, basis_of
from planner.actuals.files import (
    _HEADER_SCAN,
    _OLE_MAGIC,
    _SCAN_LIMIT,
    _ZIP_MAGIC,
    _csv_rows,
    _decode,
    _delimiter,
    _xlsx_rows,
)
from planner.actuals.words import (
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED,
    _blank,
    _col,
    _expected_en,
    _expected_vi,
    _fold,
    _g,
    _indicator_names,
    _label,
    _letter,
    _match_header,
    _names_en,
    _names_vi,
    _registry_order,
    _Row,
    _short,
    _Table,
    _text,
    _too_many,
    _where,
    too_large,
)
from planner.actuals.write import _table_file
from planner.errors import PlannerError
from planner.packs import UNUSED_BASES, Observation, Pack
from planner.registry import INDICATOR_BY_ID, INDICATORS


@dataclass(frozen=True)
class ActualsResult:
    """What an upload yields: the observations, and notes the user should see but need not act on."""

    observations: tuple[Observation, ...]
    warnings: tuple[PlannerError, ...] = ()


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

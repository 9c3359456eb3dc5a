"""Uploads of actual figures: every format Excel writes in Vietnam reads the same; bad input fails clearly."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.actuals import MAX_BYTES, MAX_ROWS, ActualsResult, read_actuals, read_actuals_path
from planner.errors import PlannerError
from planner.packs import Observation, load_pack
from planner.registry import INDICATOR_BY_ID

PACK = load_pack("hai-duong-2023")  # base year 2022, horizon 2045

NOTE = "Số liệu tháng 9/2023, “hoạt động hiệu quả”; Sở KH&ĐT"
ROWS = [  # indicator, year, value (as written in a point-decimal file), source, note
    ("htx", "2023", "524", "baohaiduong.vn", NOTE),
    ("good_fair_share", "2023", "0.58", "Sở Kế hoạch và Đầu tư", "Đánh giá, xếp loại"),
    ("tht", "2024", "812", "", ""),
    ("digital_share", "2025", "0.215", "Ước tính", "ghi chú: ước"),
]
EXPECTED = (
    Observation("htx", 2023, 524.0, source="baohaiduong.vn", note=NOTE),
    Observation("good_fair_share", 2023, 0.58, source="Sở Kế hoạch và Đầu tư", note="Đánh giá, xếp loại"),
    Observation("tht", 2024, 812.0),
    Observation("digital_share", 2025, 0.215, source="Ước tính", note="ghi chú: ước"),
)
EN_HEADER = ["indicator", "year", "value", "source", "note"]
VI_HEADER = ["Chỉ tiêu", " NĂM ", "Giá trị", "Nguồn", "Ghi chú"]
VI_LETTERS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý")


def csv_text(header: list[str], rows: list[tuple[str, ...]], sep: str = ",", decimal: str = ".",
             newline: str = "\n") -> str:
    """A table as Excel would save it: fields holding the separator or quotes are quoted."""
    def field(text: str) -> str:
        if any(ch in text for ch in (sep, '"', "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [sep.join(field(h) for h in header)]
    for ind, year, value, source, note in rows:
        lines.append(sep.join(field(f) for f in (ind, year, value.replace(".", decimal), source, note)))
    return newline.join(lines) + newline


def cp1258(text: str) -> bytes:
    """Encode like Windows does for Vietnamese: base letter (ê, ơ ...) then a combining tone mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return bytes(out)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def read(text: str | bytes, name: str = "actuals.csv", **kw: object) -> ActualsResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_actuals(data, name, PACK, **kw)


def fails(text: str | bytes, name: str = "actuals.csv", **kw: object) -> PlannerError:
    with pytest.raises(PlannerError) as info:
        read(text, name, **kw)
    err = info.value
    assert err.vi != err.en and VI_LETTERS & set(err.vi.lower()), "the message must be in Vietnamese"
    return err


def small(rows: str, header: str = "indicator,year,value,source,note") -> str:
    return header + "\n" + rows


# --- Round trips -------------------------------------------------------------------------------

ENCODINGS = {
    "utf-8": lambda: csv_text(EN_HEADER, ROWS).encode("utf-8"),
    "utf-8-bom": lambda: csv_text(EN_HEADER, ROWS, newline="\r\n").encode("utf-8-sig"),
    "utf-16-le-tab": lambda: ("\ufeff" + csv_text(VI_HEADER, ROWS, sep="\t", newline="\r\n"))
    .encode("utf-16-le"),
    "utf-16-be-tab": lambda: ("\ufeff" + csv_text(EN_HEADER, ROWS, sep="\t")).encode("utf-16-be"),
    "cp1258-vi-headers": lambda: cp1258(csv_text(VI_HEADER, ROWS, newline="\r\n")),
    "semicolon-decimal-comma": lambda: csv_text(VI_HEADER, ROWS, sep=";", decimal=",").encode("utf-8"),
    "comma-quoted-decimal-comma": lambda: csv_text(EN_HEADER, ROWS, sep=",", decimal=",").encode("utf-8"),
}


@pytest.mark.parametrize("kind", ENCODINGS)
def test_same_table_round_trips_from_every_text_format(kind: str) -> None:
    data = ENCODINGS[kind]()
    if kind == "cp1258-vi-headers":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # the test must really exercise the Windows-1258 path
    result = read(data)
    assert result.observations == EXPECTED
    assert result.warnings == ()
    assert all(not o.estimate for o in result.observations)


def test_cp1258_note_comes_back_composed() -> None:
    result = read(cp1258(csv_text(VI_HEADER, ROWS)))
    note = result.observations[0].note
    assert note == NOTE and unicodedata.is_normalized("NFC", note)


def test_xlsx_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "thuc_hien.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(VI_HEADER)
    for ind, year, value, source, note in ROWS:
        sheet.append([ind, int(year), float(value), source or None, note or None])
    book.save(path)
    result = read_actuals_path(path, PACK)
    assert result.observations == EXPECTED
    assert result.warnings == ()


def test_xlsx_text_cells_and_title_rows_and_row_numbers() -> None:
    data = xlsx_bytes([["Báo cáo số liệu thực hiện"], [], EN_HEADER, ["htx", "2023", "1.234", None, None],
                       ["htx", 2024, "abc"]])
    err = fails(data, "bao_cao.xlsx")
    assert "row 5" in err.where and "C 'value'" in err.where


def test_xlsx_named_csv_and_text_named_xlsx_are_read_by_content() -> None:
    as_csv = read(xlsx_bytes([EN_HEADER, ["htx", 2023, 524]]), "actuals.csv")
    as_xlsx = read(small("htx,2023,524,,\n"), "actuals.xlsx")
    assert as_csv.observations == as_xlsx.observations == (Observation("htx", 2023, 524.0),)
    assert as_csv.warnings and as_xlsx.warnings  # the mismatch is pointed out, not fatal


def test_headers_without_diacritics_labels_and_sep_line() -> None:
    text = "sep=;\nchi tieu;nam;gia tri\nSố hợp tác xã;2023;524\nso to hop tac;2023;800\n"
    result = read(text)
    assert [(o.indicator, o.value) for o in result.observations] == [("htx", 524.0), ("tht", 800.0)]
    with pytest.raises(PlannerError):
        read(small("Cooperatives (HTX),2023,524\n", "indicator,year,value"))
    english = read(small("Cooperatives (HTX),2023,524\n", "indicator,year,value"), lang_hint="en")
    assert english.observations[0].indicator == "htx"


@pytest.mark.parametrize(("indicator", "text", "expected"), [
    ("good_fair_share", "0,7", 0.7),
    ("good_fair_share", "0.7", 0.7),
    ("good_fair_share", "0,125", 0.125),
    ("good_fair_share", "45 %", 0.45),
    ("htx", "1.234,5", 1234.5),
    ("htx", "1,234.5", 1234.5),
    ("htx", "1.234", 1234.0),  # count rule: Vietnamese thousands
    ("htx", "1,234", 1234.0),
    ("htx", "1.000", 1000.0),
    ("htx", "1.234.567", 1234567.0),
    ("htx", "1 234", 1234.0),
    ("htx", "0.5", 0.5),
    ("htx", "12.5", 12.5),
])
def test_number_formats(indicator: str, text: str, expected: float) -> None:
    result = read(f"indicator;year;value\n{indicator};2023;{text}\n")
    assert result.observations[0].value == pytest.approx(expected)


def test_count_rule_is_reported() -> None:
    result = read("indicator;year;value\nhtx;2023;1.234\n")
    assert result.observations[0].value == 1234.0
    assert len(result.warnings) == 1 and "1234" in result.warnings[0].en


# --- Bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "row", "column"), [
    (small("htx,2023,524,,\nhtx,2024,abc,,\n"), 3, "C"),
    (small("htx,2023,,,\n"), 2, "C"),
    (small("htx,2023.5,524,,\n"), 2, "B"),
    (small("htx,năm 2023,524,,\n"), 2, "B"),
    (small("htx,2021,524,,\n"), 2, "B"),
    (small("htx,2046,524,,\n"), 2, "B"),
    (small("htx,2023,524,,\nhợp tác xã,2024,530,,\n"), 3, "A"),
    (small("htx,2023,-5,,\n"), 2, "C"),
    (small("good_fair_share,2023,-0.1,,\n"), 2, "C"),
    (small("good_fair_share,2023,0.5,,\ngood_fair_share,2024,45,,\n"), 3, "C"),
    (small("good_fair_share,2023,1.5,,\n"), 2, "C"),
    (small("good_fair_share,2023,250,,\n"), 2, "C"),
    (small("htx,2023,5 %,,\n"), 2, "C"),
    ("indicator,year,value\nhtx,2023,1,5\n", 2, "D"),  # unquoted decimal comma in a comma file
    (small("htx,2023,1,5,\n"), 2, "C"),
    ("indicator;year;value\nhtx;2023;524;extra\n", 2, "D"),
])
def test_bad_cells_name_row_and_column(text: str, row: int, column: str) -> None:
    err = fails(text)
    assert f"row {row}" in err.where and f"column {column}" in err.where
    # Each language names the place in its own words only.
    assert err.message("vi").startswith(f"actuals.csv, dòng {row}, cột {column}")
    assert err.message("en").startswith(f"actuals.csv, row {row}, column {column}")
    assert "row" not in err.message("vi") and "dòng" not in err.message("en")


def test_unknown_indicator_lists_known_ids() -> None:
    err = fails(small("htx_total,2023,524,,\n"))
    assert "htx_total" in err.vi and "good_fair_share" in err.vi and "members_share" in err.en


def test_missing_columns_list_the_expected_ones() -> None:
    err = fails("indicator,yr,value\nhtx,2023,524\n")
    assert "row 1" in err.where
    assert "năm" in err.vi and "giá trị" in err.vi and "'yr'" in err.vi
    assert "year" in err.en and "source" in err.en and "note" in err.en


def test_column_given_twice() -> None:
    err = fails("indicator,year,value,giá trị\nhtx,2023,524,524\n")
    assert "row 1" in err.where and "giá trị" in err.vi


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n", "\ufeff".encode("utf-16-le")])
def test_empty_file(data: bytes) -> None:
    err = fails(data)
    assert "empty" in err.en and "rỗng" in err.vi


def test_no_data_rows() -> None:
    err = fails("indicator,year,value\n\n,,\n")
    assert "no data rows" in err.en and "row 1" in err.where


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    b"PK\x03\x04" + b"\x00" * 100,
    b"\x81\x8d\x8e\x90" * 10,
])
def test_not_a_csv_or_excel_file(data: bytes) -> None:
    err = fails(data, "actuals.xlsx")
    assert "not a CSV or Excel file" in err.en or ".xls" in err.en


def test_zip_that_is_not_a_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    err = fails(buf.getvalue(), "actuals.xlsx")
    assert "not a CSV or Excel file" in err.en and "không phải là tệp CSV hoặc Excel" in err.vi


def test_zip_bomb_is_refused_before_unpacking() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", b"x" * (110 * 1024 * 1024))
    err = fails(buf.getvalue(), "actuals.xlsx")
    assert "too large once unpacked" in err.en


def test_title_row_above_header_and_separator_found_past_it() -> None:
    text = "Báo cáo, năm 2024\n\nchỉ tiêu;năm;giá trị\nhtx;2023;524\ngood_fair_share;2023;0,58\nhtx;2024;x\n"
    err = fails(text)
    assert "row 6" in err.where and "C 'giá trị'" in err.where
    result = read(text.rsplit("htx;2024", 1)[0])
    assert [o.value for o in result.observations] == [524.0, 0.58]


def test_size_limit() -> None:
    err = fails(b"indicator,year,value\n" + b" " * MAX_BYTES)
    assert "too large" in err.en


def test_row_limit() -> None:
    at_limit = read("indicator,year,value\n" + "htx,2023,524\n" * MAX_ROWS)
    assert at_limit.observations == (Observation("htx", 2023, 524.0),)
    err = fails("indicator,year,value\n" + "htx,2023,524\n" * (MAX_ROWS + 1))
    assert "10,000" in err.en and "10.000" in err.vi


def test_missing_path() -> None:
    with pytest.raises(PlannerError) as info:
        read_actuals_path("/nonexistent/actuals.csv", PACK)
    assert "not found" in info.value.en


# --- Percentages and duplicates ----------------------------------------------------------------

PERCENT = small("good_fair_share,2023,58,,\ngood_fair_share,2024,62.5,,\nhtx,2023,524,,\n")


def test_percentages_need_the_flag() -> None:
    err = fails(PERCENT)
    assert "divide by 100" in err.en and "chia cho 100" in err.vi  # the option the Data page offers
    assert "Tick" in err.en and "đánh dấu" in err.vi
    assert "row 2" in err.where and "rows 2, 3" in err.en


def test_percent_fix_on_request() -> None:
    result = read(PERCENT, percent_fix=True)
    values = {(o.indicator, o.year): o.value for o in result.observations}
    assert values == {("good_fair_share", 2023): pytest.approx(0.58),
                      ("good_fair_share", 2024): pytest.approx(0.625), ("htx", 2023): 524.0}
    assert len(result.warnings) == 1 and "100" in result.warnings[0].en


def test_percent_fix_leaves_fractions_alone() -> None:
    result = read(small("good_fair_share,2023,0.58,,\n"), percent_fix=True)
    assert result.observations[0].value == 0.58 and result.warnings == ()


def test_identical_duplicates_dropped_with_warning() -> None:
    result = read(small("htx,2023,524,a,\nhtx,2024,530,,\nhtx,2023,524,b,\n"))
    assert [(o.year, o.value, o.source) for o in result.observations] == [(2023, 524.0, "a"), (2024, 530.0, "")]
    assert len(result.warnings) == 1 and "4 (= 2)" in result.warnings[0].en


def test_conflicting_duplicates_name_both_rows() -> None:
    err = fails(small("htx,2023,524,,\nhtx,2024,530,,\nhtx,2023,525,,\n"))
    assert "row 2" in err.en and "row 4" in err.en and "dòng 2" in err.vi and "dòng 4" in err.vi
    assert "rows 2, 4" in err.where


def test_unmodelled_indicator_kept_with_warning() -> None:
    assert "members_share" not in PACK.indicators
    result = read(small("members_share,2023,0.3,,\n"))
    assert result.observations[0].indicator == "members_share" and result.warnings


# --- Properties --------------------------------------------------------------------------------

PREFIXES = [b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"sep=;\n",
            b"indicator,year,value\n"]
TOKENS = ["indicator", "year", "value", "source", "note", "chỉ tiêu", "Năm", "GIÁ TRỊ", "nguồn", "ghi chu",
          "htx", "tht", "good_fair_share", "digital_share", "Số hợp tác xã", "xyz", "2022", "2023", "2045",
          "2046", "1999", "2023.0", "0", "0,7", "0.7", "1.234", "1,234", "1.234,5", "1,234.5", "45", "45 %",
          "100", "-3", "1e3", "1e999", "NaN", "inf", "abc", "", " ", '"', '""', "1..2", ",", ".", "%", "−1",
          "Đ", "ệ", "\u0301"]


def check(result: ActualsResult) -> None:
    """What every accepted upload promises, whatever the input looked like."""
    keys = [(o.indicator, o.year) for o in result.observations]
    assert len(keys) == len(set(keys))
    for o in result.observations:
        assert o.indicator in INDICATOR_BY_ID and PACK.base_year <= o.year <= PACK.horizon
        assert o.value >= 0 and (o.value <= 1 or not INDICATOR_BY_ID[o.indicator].is_share)
        assert not o.estimate
    assert all(isinstance(w, PlannerError) for w in result.warnings)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.binary(max_size=600), st.sampled_from(["a.csv", "a.xlsx", ""]),
       st.booleans())
def test_any_bytes_give_result_or_planner_error(prefix: bytes, body: bytes, name: str, fix: bool) -> None:
    try:
        result = read_actuals(prefix + body, name, PACK, percent_fix=fix)
    except PlannerError:
        return
    check(result)


INDICATOR_TOKENS = ["htx", "tht", "HTX", "good_fair_share", "digital_share", "Số hợp tác xã", "xyz", ""]
YEAR_TOKENS = ["2022", "2023", "2024", "2045", "2046", "1999", "2023.0", "năm", ""]
VALUE_TOKENS = ["0", "0,7", "0.7", "0.58", "1.234", "1,234", "1.234,5", "1,234.5", "45", "62,5", "45 %",
                "100", "-3", "1e3", "1e999", "NaN", "inf", "abc", "", "1..2", "%", "−1"]


def mostly(good: st.SearchStrategy[str], tokens: list[str]) -> st.SearchStrategy[str]:
    """Plausible cells most of the time, any token sometimes: both outcomes get exercised."""
    return st.one_of(good, good, good, good, good, st.sampled_from(tokens))


@st.composite
def csv_uploads(draw: st.DrawFn) -> bytes:
    """Small tables from plausible tokens: mostly well formed, so both outcomes are exercised."""
    sep = draw(st.sampled_from([",", ";", "\t"]))
    good_header = st.sampled_from([EN_HEADER[:3], EN_HEADER, VI_HEADER, ["chi tieu", "nam", "gia tri", "nguon"]])
    header = draw(st.one_of(good_header, good_header, good_header,
                            st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6)))
    good_row = st.tuples(
        mostly(st.sampled_from(["htx", "tht", "good_fair_share", "Số hợp tác xã"]), INDICATOR_TOKENS),
        mostly(st.integers(2022, 2045).map(str), YEAR_TOKENS),
        mostly(st.sampled_from(["0,7", "0.58", "0", "45", "62,5", "1.234", "1 234,5"]), VALUE_TOKENS),
        st.lists(st.sampled_from(TOKENS), max_size=1)).map(lambda t: [t[0], t[1], t[2], *t[3]])
    rows = draw(st.lists(st.one_of(good_row, good_row, good_row, good_row,
                                   st.lists(st.sampled_from(TOKENS), max_size=7)), max_size=6))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote = draw(st.booleans())
    text = newline.join(sep.join(f'"{c}"' if quote and '"' not in c else c for c in r)
                        for r in [header, *rows])
    encode = draw(st.sampled_from([lambda t: t.encode("utf-8"), lambda t: t.encode("utf-8-sig"),
                                   lambda t: ("\ufeff" + t).encode("utf-16-le"),
                                   lambda t: cp1258(t.replace("\u2212", "-"))]))
    return encode(text)


@settings(max_examples=400, deadline=None)
@given(csv_uploads(), st.booleans(), st.sampled_from([None, "vi", "en"]))
def test_random_csv_gives_result_or_planner_error(data: bytes, fix: bool, hint: str | None) -> None:
    try:
        result = read_actuals(data, "a.csv", PACK, hint, percent_fix=fix)
    except PlannerError as err:
        assert err.vi and err.en
        return
    check(result)


def group(n: int, mark: str) -> str:
    """An integer with a thousands mark every three digits."""
    return f"{n:,}".replace(",", mark)


@st.composite
def good_tables(draw: st.DrawFn) -> tuple[bytes, dict[tuple[str, int], float]]:
    """Valid figures written the ways Excel writes them, with the values they must read back as."""
    keys = draw(st.lists(st.tuples(st.sampled_from(["htx", "tht", "new_htx", "good_fair_share",
                                                    "linkage_share"]), st.integers(2022, 2045)),
                         min_size=1, max_size=12, unique=True))
    vi_numbers = draw(st.booleans())  # decimal comma and dot thousands, else the other way round
    dec, thou = ("," if vi_numbers else "."), ("." if vi_numbers else ",")
    expected: dict[tuple[str, int], float] = {}
    rows = []
    for ind, year in keys:
        if INDICATOR_BY_ID[ind].is_share:
            permille = draw(st.integers(0, 1000))
            if draw(st.booleans()):
                text = f"{permille / 10:g}".replace(".", dec) + draw(st.sampled_from(["%", " %"]))
            else:
                text = f"{permille / 1000:g}".replace(".", dec)
            expected[(ind, year)] = permille / 1000
        else:
            n = draw(st.integers(0, 2_000_000))
            text = group(n, thou) if draw(st.booleans()) else str(n)
            expected[(ind, year)] = float(n)
        rows.append((ind, str(year), text, draw(st.sampled_from(["", "Sở NN&PTNT", "ước tính"])), ""))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(st.sampled_from([EN_HEADER, VI_HEADER]))
    text = csv_text(header, rows, sep=sep, newline=draw(st.sampled_from(["\n", "\r\n"])))
    encode = draw(st.sampled_from([lambda t: t.encode("utf-8"), lambda t: t.encode("utf-8-sig"),
                                   lambda t: ("\ufeff" + t).encode("utf-16-le"), cp1258]))
    return encode(text), expected


@settings(max_examples=200, deadline=None)
@given(good_tables())
def test_well_formed_tables_read_back_exactly(table: tuple[bytes, dict[tuple[str, int], float]]) -> None:
    data, expected = table
    result = read_actuals(data, "a.csv", PACK)
    got = {(o.indicator, o.year): o.value for o in result.observations}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key


# --- The session's figures as a file, and figures typed into a form ---------------------------------

@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["htx", "tht", "good_fair_share", "linkage_share"]),
                          st.integers(2022, 2045), st.floats(0, 100_000, allow_nan=False),
                          st.text(st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
                                  max_size=40)),
                max_size=12, unique_by=lambda r: (r[0], r[1])))
def test_downloaded_figures_read_back_unchanged(rows) -> None:
    """Fractional counts, shares from 0 to 1, and sources or notes with commas, quotes, line breaks, digits
    alone or a leading '=' all come back as they were, in Unicode's composed form (NFC), which is the form
    the reader keeps every text in (see test_text_comes_back_in_composed_form)."""
    from planner.actuals import actuals_csv

    pack = load_pack("hai-duong-2023")
    figures = tuple(Observation(ind, year, round(value / 100_000, 6) if INDICATOR_BY_ID[ind].is_share
                                else round(value, 4), source=text.strip(), note=text.strip())
                    for ind, year, value, text in rows)
    if not figures:
        return
    back = read_actuals(actuals_csv(figures), "so-lieu.csv", pack).observations
    key = lambda o: (o.indicator, o.year)  # noqa: E731
    nfc = lambda text: unicodedata.normalize("NFC", text)  # noqa: E731
    assert [(o.indicator, o.year, o.source, o.note) for o in sorted(back, key=key)] == \
        [(o.indicator, o.year, nfc(o.source), nfc(o.note)) for o in sorted(figures, key=key)]
    assert [o.value for o in sorted(back, key=key)] == pytest.approx([o.value for o in sorted(figures, key=key)])


def test_text_comes_back_in_composed_form() -> None:
    """The decision for characters that NFC changes: every text the reader returns is NFC (Windows-1258
    files store tone marks as separate combining characters, and a name must match however it was typed),
    so the writer writes NFC too and a file read back equals the file written.  A CJK compatibility
    ideograph such as U+F900 becomes its canonical twin U+8C48, which looks the same; a decomposed
    "Dương" becomes the composed one."""
    from planner.actuals import actuals_csv

    decomposed = unicodedata.normalize("NFD", "Sở Công Thương, Hải Dương")
    figures = (Observation("htx", 2024, 530, source="\uf900", note=decomposed),)
    data = actuals_csv(figures)
    assert "\uf900" not in data.decode("utf-8-sig") and "\u8c48" in data.decode("utf-8-sig")
    back = read_actuals(data, "x.csv", PACK).observations
    assert [(o.source, o.note) for o in back] == [("\u8c48", "Sở Công Thương, Hải Dương")]
    assert actuals_csv(back) == data  # written again, byte for byte the same file


@pytest.mark.parametrize("ending", [b"\x1a", b"\r\n\x1a", b"\x1a\r\n", b"\x1a\x1a"])
def test_a_csv_ending_with_ctrl_z_reads(ending: bytes) -> None:
    """Old Windows tools end a text file with Ctrl-Z (DOS end of file): it is not data, nor a sign of a
    binary file."""
    data = b"indicator,year,value\r\nhtx,2023,524\r\ntht,2023,800" + ending
    back = read_actuals(data, "dos.csv", PACK).observations
    assert [(o.indicator, o.year, o.value) for o in back] == [("htx", 2023, 524.0), ("tht", 2023, 800.0)]
    with pytest.raises(PlannerError):  # in the middle of a file it still marks binary content
        read_actuals(b"indicator,year,value\r\nhtx,2023,5\x1a24\r\n", "x.csv", PACK)


def test_csv_errors_are_in_the_users_language() -> None:
    """Python's own CSV messages are English only; the reader says them in Vietnamese too."""
    huge = b"indicator,year,value,note\nhtx,2023,524,\"" + b"x" * 140_000 + b"\"\n"
    err = fails(huge)
    assert "field larger" not in err.message("vi") and "dài hơn 131.072 ký tự" in err.message("vi")
    assert "longer than 131,072 characters" in err.message("en")


def test_messages_name_indicators_not_ids_in_vietnamese() -> None:
    err = fails(small("good_fair_share,2023,45,,\ngood_fair_share,2024,50,,\n"))
    assert "good_fair_share" not in err.message("vi") and "percent_fix" not in err.message("vi")
    assert "HTX" in err.message("vi") and "“chia cho 100”" in err.message("vi")


def test_a_downloaded_file_keeps_formulas_inert_for_a_spreadsheet() -> None:
    from planner.actuals import actuals_csv

    data = actuals_csv([Observation("htx", 2024, 2.125, source="=HYPERLINK(\"x\")", note="+1"),
                        Observation("tht", 2024, 3, source="20\x1b24")])  # a control character is dropped
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",'+1," in text and ",2.1250" in text
    back = read_actuals(data, "x.csv", PACK).observations
    assert [(o.source, o.note, o.value) for o in back] == [('=HYPERLINK("x")', "+1", 2.125), ("2024", "", 3.0)]


def test_a_typed_figure_corrects_the_one_of_its_indicator_and_year() -> None:
    from planner.actuals import with_figure

    old = (Observation("htx", 2024, 530), Observation("htx", 2025, 540))
    figures, replaced = with_figure(old, Observation("htx", 2024, 531))
    assert replaced and [(o.year, o.value) for o in figures] == [(2024, 531), (2025, 540)]
    figures, replaced = with_figure(old, Observation("good_fair_share", 2024, 0.6))
    assert not replaced and [o.indicator for o in figures] == ["htx", "htx", "good_fair_share"]


@pytest.mark.parametrize(("indicator", "text", "expected"), [
    ("good_fair_share", "61,3", 0.613), ("good_fair_share", "61.3 %", 0.613), ("good_fair_share", "0", 0.0),
    ("htx", "1.234", 1234.0), ("htx", "530", 530.0),
])
def test_typed_values_read_as_in_a_file_and_shares_in_percent(indicator, text, expected) -> None:
    from planner.actuals import read_typed_figure

    result = read_typed_figure(indicator, 2024, text, load_pack("hai-duong-2023"), "vi")
    assert result.observations[0].value == pytest.approx(expected)
    assert all(w.where == "ô Giá trị" for w in result.warnings)
    assert all("dòng" not in w.message("vi") and "row" not in w.message("en") for w in result.warnings)


@pytest.mark.parametrize(("indicator", "text"), [("htx", "abc"), ("htx", "-1"), ("good_fair_share", "101"),
                                                   ("good_fair_share", "-2 %"), ("htx", "  "), ("htx", "61,3"),
                                                   ("good_fair_share", "abc")])
def test_bad_typed_values_name_the_value_box(indicator, text) -> None:
    from planner.actuals import read_typed_figure

    with pytest.raises(PlannerError) as err:
        read_typed_figure(indicator, 2024, text, load_pack("hai-duong-2023"), "vi")
    assert err.value.message("vi").startswith("ô Giá trị: ")


def test_a_typed_share_below_one_without_percent_is_read_in_percent_with_a_note() -> None:
    from planner.actuals import read_typed_figure

    result = read_typed_figure("good_fair_share", 2024, "0,45", PACK, "vi")
    assert result.observations[0].value == pytest.approx(0.0045)
    assert "đã hiểu '0,45' là 0,45 %" in result.warnings[0].message("vi")
    assert read_typed_figure("htx", 2024, "530", PACK, "vi", source="2024").observations[0].source == "2024"
    with pytest.raises(PlannerError, match="the Value box: 'abc' is not a number"):  # no % the user did not type
        read_typed_figure("good_fair_share", 2024, "abc", PACK, "en")
    note = read_typed_figure("htx", 2024, "1.300", PACK, "vi").warnings[0].message("vi")
    assert note == "ô Giá trị: đã đọc '1.300' là 1300 (dấu chấm, phẩy phân cách hàng nghìn)"

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

The package: ``read`` (the table and its rows), ``files`` (bytes to rows: format, encoding,
separator), ``cells`` (one cell: numbers, a figure's basis), ``words`` (limits, fields, messages) and
``write`` (CSV back out).  The public names are imported here.
"""

from planner.actuals.cells import basis_of
from planner.actuals.read import (
           ActualsResult,
           read_actuals,
           read_actuals_path,
           read_typed_figure,
           with_figure,
)
from planner.actuals.words import FIELDS, MAX_BYTES, MAX_COLUMNS, MAX_ROWS, REQUIRED, megabytes, too_large
from planner.actuals.write import actuals_csv, inert_text

__all__ = ["FIELDS", "MAX_BYTES", "MAX_COLUMNS", "MAX_ROWS", "REQUIRED", "ActualsResult", "actuals_csv", "basis_of", "inert_text",
           "megabytes", "read_actuals", "read_actuals_path", "read_typed_figure", "too_large", "with_figure"]

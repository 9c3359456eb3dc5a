"""Writing a report to a file: the format checked, the folder checked, written atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import PlannerError

FORMATS = ("html", "xlsx", "docx")


def report_bytes(data: dict[str, Any], fmt: str, lang: str = "vi") -> bytes:
    """The scenario's report in one of :data:`FORMATS`."""
    if fmt == "html":
        from .html import html_report

        return html_report(data, lang).encode("utf-8")
    if fmt == "xlsx":
        from .xlsx import xlsx_report

        return xlsx_report(data, lang)
    if fmt == "docx":
        from .docx import docx_report

        return docx_report(data, lang)
    raise PlannerError(f"định dạng '{fmt}' không hỗ trợ; dùng {', '.join(FORMATS)}",
                       f"format '{fmt}' not supported; use {', '.join(FORMATS)}", "--format")


def write_report(data: dict[str, Any], fmt: str, out: Path, lang: str = "vi") -> Path:
    """Write the scenario's report (``html``, ``xlsx`` or ``docx``) to ``out``; return the path written.

    Bad output paths raise ``PlannerError`` naming the path (the CLI turns it into exit code 2); the
    file appears whole or not at all (written beside it, then renamed).
    """
    if fmt not in FORMATS:
        report_bytes(data, fmt, lang)  # raises the message naming the formats
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise PlannerError("đây là một thư mục, cần tên tệp", "this is a directory, a file name is needed", str(out))
    if not folder.is_dir():
        raise PlannerError("thư mục chứa tệp không tồn tại", "the folder for the file does not exist", str(out))
    content = report_bytes(data, fmt, lang)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=f".{fmt}", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise PlannerError(f"không ghi được tệp ({exc.strerror or exc.__class__.__name__})",
                           f"cannot write the file ({exc.strerror or exc.__class__.__name__})", str(out)) from None
    return out

"""The choice of CSV form beside the app's CSV downloads: the one a Vietnamese Excel opens, or the contract's.

One choice for the session (key ``csv_form``), first set from the language: Vietnamese Excel in Vietnamese,
the contract's form in English (``planner.csvforms``).
"""

from __future__ import annotations

import streamlit as st

from planner.csvforms import EXCEL_VI, FORMS, MACHINE, in_form
from ui.state import lang, tr

KEY = "csv_form"
CHOSEN = "csv_form_chosen"  # kept apart from the widget's key, which Streamlit drops on a page without it


def _remember() -> None:
    if st.session_state.get(KEY) in FORMS:
        st.session_state[CHOSEN] = st.session_state[KEY]


def chosen() -> str:
    return st.session_state.get(CHOSEN) or (EXCEL_VI if lang() == "vi" else MACHINE)


def picker() -> str:
    """The segmented control; returns the form chosen."""
    st.session_state[KEY] = chosen()
    labels = {EXCEL_VI: tr("Excel tiếng Việt (dấu ;)", "Vietnamese Excel (;)"),
              MACHINE: tr("Chuẩn cho máy (dấu ,)", "Standard, for machines (,)")}
    st.segmented_control(
        tr("Dạng tệp CSV", "CSV form"), list(FORMS), key=KEY, format_func=labels.get, on_change=_remember,
        help=tr("Excel cài tiếng Việt dùng dấu phẩy cho số thập phân và dấu chấm phẩy giữa các ô: chọn “Excel tiếng "
                "Việt” để tệp mở đúng cột (0,7). Dạng chuẩn (dấu phẩy giữa các ô, dấu chấm thập phân) dành cho "
                "chương trình và dòng lệnh. Ứng dụng đọc lại được cả hai.",
                "Excel set to Vietnamese uses the decimal comma and a semicolon between cells: “Vietnamese "
                "Excel” opens in the right columns there (0,7). The standard form (commas between cells, a dot "
                "for decimals) is for programs and the command line. The app reads both back."))
    return chosen()


__all__ = ["picker", "chosen", "in_form"]

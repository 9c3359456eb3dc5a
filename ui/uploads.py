"""File uploaders with one size limit each, said once, in the user's language.

Streamlit's browser side refuses a file over the widget's ``max_upload_size`` with its own English words
("File must be 5.0MB or smaller"), beside the file the user had before and without a rerun, so that
file's message would stay on screen.  So the widget's ``max_upload_size`` is only a ceiling for the
transfer, ``CEILING`` times the app's limit: a file over the limit but under the ceiling reaches the app,
whose check refuses it in the user's language, and that message replaces the previous one.  Streamlit's
English line under the button ("20MB per file • CSV") is hidden; the limit the app applies and the file
types are written once, in the user's language, in a caption.  Only a file over the ceiling still meets
Streamlit's English refusal (see the README).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from planner.actuals import megabytes
from ui.state import lang, tr

MB = 1_000_000  # the widget's megabyte (Chromium on Windows counts 2^20: a slightly higher ceiling)
CEILING = 4  # the widget's transfer ceiling, in multiples of the app's limit (whole megabytes)


def ceiling_mb(limit_bytes: int) -> int:
    """The widget's ``max_upload_size`` for an uploader whose app limit is ``limit_bytes``."""
    return max(1, -(-CEILING * limit_bytes // MB))


def uploader(label: str, key: str, types: Sequence[str], limit_bytes: int, on_change: Callable[[], None],
             help: str | None = None) -> None:
    """``st.file_uploader`` whose files up to ``CEILING`` times the app's limit reach the app's own check,
    with Streamlit's English line under the button hidden and one caption with the file types and the
    limit in the user's language.  Static CSS only (the key is the app's own), scoped to this widget."""
    st.html(f"""<style>
.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
</style>""")
    st.file_uploader(label, type=list(types), key=key, on_change=on_change, max_upload_size=ceiling_mb(limit_bytes),
                     help=help)
    st.caption(", ".join(t.upper() for t in types) + " · " + tr("tối đa ", "at most ") + megabytes(limit_bytes, lang()))

"""The method in plain words on the Data page: the same text every report carries
(``planner/texts/method.<lang>.md``), one paragraph per section."""

from __future__ import annotations

import streamlit as st

from planner.text import method_sections
from ui.state import escape_markdown


def show_method(lang: str) -> None:
    for i, (heading, text) in enumerate(method_sections(lang), start=1):
        st.markdown(f"**{i}\\. {escape_markdown(heading)}\\.** {escape_markdown(text)}")

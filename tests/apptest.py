"""Opening the real app in AppTest: one way for every page's tests.

The app runs against a scenario store in a temporary file (PLANNER_DB), so the real database is
never touched; ``state.store()`` is cached per process, so that cache is cleared first.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def open_app(monkeypatch, db: Path, page: str | None = None, query: dict | None = None,
             lang: str | None = None, session: dict | None = None, timeout: float = 90) -> AppTest:
    """Run app.py (with ``query`` as the link's parameters), switch to ``page``, set ``session`` keys
    (e.g. a lazy expander opened, as a user would), and switch the language through the sidebar."""
    monkeypatch.setenv("PLANNER_DB", str(db))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page or session:
        if page:
            at.switch_page(page)
        for key, value in (session or {}).items():  # set before the page's first run, as if already opened
            at.session_state[key] = value
        at.run()
    if lang:  # through the sidebar's switch, as a user does
        at.button_group(key="language_choice").set_value(lang).run()
    assert not at.exception, at.exception
    return at

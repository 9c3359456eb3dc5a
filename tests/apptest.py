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


def html_tables(at: AppTest) -> list:
    """The page's HTML tables (``ui.scorecard.html_table``) as DataFrames of their cells' text, each
    with ``.attrs["styles"]``: the inline CSS of every cell, by (row, column)."""
    import html as html_lib
    import re

    import pandas as pd

    out = []
    for element in at.main.html:
        for table in re.findall(r"<table\b.*?</table>", element.proto.body, flags=re.S):
            header = [html_lib.unescape(h) for h in re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", table, flags=re.S)]
            rows, styles = [], {}
            for i, row in enumerate(re.findall(r"<tr>(.*?)</tr>", re.sub(r"<thead>.*?</thead>", "", table, flags=re.S),
                                               flags=re.S)):
                cells = re.findall(r'<td(?: style="([^"]*)")?>(.*?)</td>', row, flags=re.S)
                rows.append([html_lib.unescape(text) for _, text in cells])
                styles.update({(i, j): html_lib.unescape(css) for j, (css, _) in enumerate(cells) if css})
            frame = pd.DataFrame(rows, columns=header)
            frame.attrs["styles"] = styles
            out.append(frame)
    return out


def live_panel(at: AppTest) -> dict[str, str]:
    """The Assumptions page's live panel (``ui.live``, one HTML element): its headline's label, value
    ("k/n"), change from the preset ("" when none), captions and changed assumptions, as text."""
    import html as html_lib
    import re

    def text(fragment: str) -> str:
        return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()

    for element in at.main.html:
        body = element.proto.body
        if 'class="live-panel"' not in body:
            continue
        delta = re.search(r'<span class="live-delta[^"]*">(.*?)</span>', body, flags=re.S)
        return {"label": text(re.search(r'<div class="live-label">(.*?)</div>', body, flags=re.S)[1]),
                "value": text(re.search(r'<span class="live-value">(.*?)</span>', body, flags=re.S)[1]),
                "delta": text(delta[1]) if delta else "",
                "captions": [text(c) for c in re.findall(r'<p class="live-caption">(.*?)</p>', body, flags=re.S)],
                "changed": [text(c) for c in re.findall(r"<li>(.*?)</li>", body, flags=re.S)]}
    raise AssertionError("no live panel on the page")

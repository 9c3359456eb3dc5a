"""The meeting room in a real Chromium: offline, the Overview's address, a presentation without the sidebar."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser import SHOTS, streamlit_server, wait_for_app, wait_idle

pytestmark = pytest.mark.browser

PAGES = ("", "gia-dinh", "quy-dao", "so-sanh", "do-nhay", "du-lieu", "trinh-chieu")
LOCAL = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    db = tmp_path_factory.mktemp("db") / "scenarios.sqlite"
    with streamlit_server(env={"PLANNER_DB": str(db)}) as url:
        warm = browser.new_page()  # see tests/test_browser.py: a fresh server's first deep link misfires
        warm.goto(url)
        wait_for_app(warm)
        warm.close()
        yield url


def new_page(browser, width: int = 1440, height: int = 1000, **kw):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN", **kw)
    return context, context.new_page()


def test_no_request_leaves_the_machine(browser, server):
    """Every outside request is blocked; every page in both languages loads without one failing."""
    context, page = new_page(browser)
    outside: list[str] = []
    failed: list[str] = []

    def route(r) -> None:
        if urlparse(r.request.url).hostname in LOCAL or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("requestfailed", lambda req: failed.append(req.url))
    try:
        for lang in ("vi", "en"):
            for name in PAGES:
                page.goto(f"{server}/{name}?lang={lang}")
                wait_for_app(page)
                page.wait_for_timeout(600)
        icon = page.evaluate("() => [...document.querySelectorAll('link[rel*=icon]')].map(l => l.href)")
    finally:
        context.close()
    assert outside == [], outside
    assert [u for u in failed if urlparse(u).hostname not in LOCAL] == []
    assert icon and all(urlparse(h).hostname in LOCAL or h.startswith("data:") for h in icon), icon


def test_the_overview_address_opens_the_overview(browser, server):
    context, page = new_page(browser)
    try:
        page.goto(f"{server}/tong-quan?lang=vi&htx_new_per_year=30")
        wait_for_app(page)
        page.wait_for_timeout(500)
        body = page.inner_text("body")
        assert "Page not found" not in body and "Không tìm thấy" not in body
        assert page.locator("h1").first.inner_text().strip() == "Tổng quan"
        assert "htx_new_per_year=30" in page.url  # the link's scenario came along
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_a_presentation_never_shows_the_sidebar(browser, server, width, height):
    context, page = new_page(browser, width, height)
    try:
        page.goto(f"{server}/trinh-chieu")
        wait_for_app(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        seen = []
        for i in range(24):
            page.keyboard.press("PageDown" if i % 8 < 5 else "PageUp")
            wait_idle(page)
            seen.append(sidebar.count() > 0 and sidebar.first.is_visible()
                        and sidebar.first.bounding_box() is not None
                        and sidebar.first.bounding_box()["x"] + sidebar.first.bounding_box()["width"] > 5)
        assert not any(seen), seen
        SHOTS.mkdir(parents=True, exist_ok=True)
    finally:
        context.close()

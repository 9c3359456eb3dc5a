"""The meeting room in a real Chromium: offline, the Overview's address, a presentation without the sidebar."""

from __future__ import annotations

import re
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
        # Streamlit says an unknown page in a modal dialog or a toast: neither may open
        assert page.locator('[role="dialog"], [data-testid="stToast"], [data-testid="stDialog"]').count() == 0
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


def test_one_upload_limit_said_once_and_a_refusal_replaces_the_last_message(browser, server):
    context, page = new_page(browser)
    try:
        page.goto(f"{server}/du-lieu")
        wait_for_app(page)
        page.get_by_role("tab", name="Số liệu thực tế (tải lên, nhập)").click()
        page.wait_for_timeout(400)
        box = page.locator(".st-key-actuals_upload")
        assert not box.locator('[data-testid="stFileUploaderDropzoneInstructions"]').is_visible()
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert main.count("tối đa 5 MB") == 1 and "per file" not in main
        files = box.locator("input[type=file]")
        files.set_input_files(files=[{"name": "a.csv", "mimeType": "text/csv",
                                      "buffer": b"indicator,year,value\nhtx,2023,524\n"}])
        wait_idle(page)
        assert "Đã đọc 1 dòng số liệu từ tệp a.csv" in page.inner_text("body")
        files.set_input_files(files=[{"name": "big.csv", "mimeType": "text/csv",
                                      "buffer": b"indicator,year,value\n" + b" " * 5_100_000}])
        wait_idle(page)
        page.wait_for_timeout(500)
        body = page.inner_text("body")
        assert "big.csv: tệp quá lớn (5,1 MB); tối đa 5 MB" in body
        assert "Đã đọc 1 dòng" not in body and "must be" not in body
    finally:
        context.close()


def test_tables_offer_no_download_of_their_own(browser, server):
    """A name typed as =HYPERLINK(…) must not reach a spreadsheet as a live formula through a table's toolbar."""
    context, page = new_page(browser)
    try:
        page.goto(f"{server}/du-lieu")
        wait_for_app(page)
        table = page.locator('[data-testid="stDataFrame"]').first
        table.hover()
        page.wait_for_timeout(400)
        toolbar = page.locator('[data-testid="stElementToolbar"]')
        assert toolbar.get_by_role("button", name=re.compile("Download|Tải", re.I)).count() == 0
    finally:
        context.close()


@pytest.mark.parametrize(("width", "shown"), [(390, False), (1440, True)])
def test_the_sidebar_covers_no_page_on_a_phone(browser, server, width, shown):
    """On a 390-pixel phone the sidebar starts shut (it would cover the scorecard); on a desk screen it is open."""
    context, page = new_page(browser, width=width, height=844)
    try:
        page.goto(f"{server}/")
        wait_for_app(page)
        page.wait_for_timeout(1000)
        box = page.locator('[data-testid="stSidebar"]').bounding_box()
    finally:
        context.close()
    visible = box is not None and box["width"] > 0 and box["x"] + box["width"] > 0
    assert visible is shown, box


SLIDE_BOXES = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const bottom = sel => { const e = document.querySelector(sel); return e ? e.getBoundingClientRect().bottom : null; };
  return {scroll: main.scrollHeight, client: main.clientHeight, height: innerHeight,
          chart: bottom('.st-key-present_chart'), seek: bottom('.st-key-present_seek'),
          downloads: bottom('[data-testid="stExpander"]')};
}"""


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_every_slide_fits_the_screen_without_scrolling(browser, server, width, height):
    """The chart with its axis and legend, 'What would it take?' and the downloads: all on screen, no scrolling."""
    context, page = new_page(browser, width, height)
    try:
        page.goto(f"{server}/trinh-chieu")
        wait_for_app(page)
        seen = []
        for _ in range(6):
            page.keyboard.press("PageDown")
            wait_idle(page)
            # a slide is measured once drawn: no element of the previous one left, its chart on screen
            page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')"
                                   " && !!document.querySelector('.st-key-present_chart canvas, .st-key-present_chart svg')",
                                   timeout=30_000)
            page.wait_for_timeout(300)
            seen.append(page.evaluate(SLIDE_BOXES))
    finally:
        context.close()
    for s in seen:
        assert s["scroll"] <= s["client"] + 2, s
        assert all(b is None or b <= s["height"] for b in (s["chart"], s["seek"], s["downloads"])), s


def test_on_a_phone_the_results_come_before_the_sliders_and_close(browser, server):
    """At 390x844 the scorecard starts on the first screen, in a short box, and the first slider follows it
    within half a screen (before, the results sat two screens below the sliders)."""
    context, page = new_page(browser, 390, 844)
    try:
        page.goto(f"{server}/gia-dinh")
        wait_for_app(page)
        page.locator('.st-key-live_results').first.wait_for()
        page.wait_for_timeout(800)
        results = page.locator('.st-key-live_results').first.bounding_box()
        slider = page.locator('[data-testid="stSlider"]').first.bounding_box()
    finally:
        context.close()
    assert results is not None and slider is not None
    assert results["y"] < 844 and results["y"] < slider["y"] < 1.5 * 844, (results, slider)


def test_on_a_phone_compare_shows_the_probabilities(browser, server):
    """At 390 pixels every probability cell of Compare's first table lies within the screen's width."""
    context, page = new_page(browser, 390, 844)
    try:
        page.goto(f"{server}/so-sanh")
        wait_for_app(page)
        table = page.locator('[data-testid="stTable"]').first
        table.wait_for()
        right = page.evaluate("""() => Math.max(...[...document.querySelectorAll('[data-testid="stTable"] tr')]
            .map(r => r.lastElementChild.getBoundingClientRect().right))""")
    finally:
        context.close()
    assert right <= 390, right

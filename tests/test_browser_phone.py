"""A 390×844 phone in a real Chromium: every chart's title, subtitle, legend and axis text inside the chart,
none cut short with "…"; on the Assumptions page the first slider on the first screen."""

from __future__ import annotations

import pytest

from tests.browser import streamlit_server, wait_for_app, wait_idle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Vega draws SVG here: each text element's box is compared with its chart's box and the screen's width.
CUT_TEXTS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].flatMap(chart => {
  const box = chart.getBoundingClientRect();
  const right = Math.min(box.right, innerWidth) + 1, left = Math.max(box.left, 0) - 1;
  return [...chart.querySelectorAll('svg text')].map(t => [t.textContent, t.getBoundingClientRect()])
    .filter(([s, r]) => r.width > 0 && (r.right > right || r.left < left || s.includes('…')))
    .map(([s, r]) => `${s} [${Math.round(r.left)}, ${Math.round(r.right)}] in [${Math.round(box.left)}, ${Math.round(box.right)}]`);
})"""

# Two texts of one chart drawn over each other (labels Vega hides for overlap have opacity 0).
OVERLAPS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].flatMap(chart => {
  const texts = [...chart.querySelectorAll('svg text')].filter(t => parseFloat(getComputedStyle(t).opacity) > 0)
    .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([s, r]) => r.width > 0 && s.trim());
  const out = [];
  texts.forEach(([a, r], i) => texts.slice(i + 1).forEach(([b, q]) => {
    if (Math.min(r.right, q.right) - Math.max(r.left, q.left) > 2 && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 2)
      out.push(`${a} × ${b}`);
  }));
  return out;
})"""

# Every chart on the page drawn (an SVG with its text), the count steady for a moment.
ALL_DRAWN = """(n) => { const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]');
  return charts.length >= n && [...charts].every(c => c.querySelectorAll('svg text').length > 3); }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    db = tmp_path_factory.mktemp("db") / "scenarios.sqlite"
    with streamlit_server(env={"PLANNER_DB": str(db)}) as url:
        warm = browser.new_page()  # a fresh server's first deep link misfires (see tests/test_browser.py)
        warm.goto(url)
        wait_for_app(warm)
        warm.close()
        yield url


def phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    return context, context.new_page()


def charts_drawn(page, at_least: int) -> None:
    page.wait_for_function(ALL_DRAWN, arg=at_least, timeout=60_000)
    page.wait_for_timeout(800)  # a chart that fits its width lays out once more after the first draw


def misdrawn(page, charts: int) -> list:
    """Once ``charts`` charts are drawn: every chart text cut or past its chart, and every two that overprint."""
    charts_drawn(page, charts)
    return page.evaluate(CUT_TEXTS) + page.evaluate(OVERLAPS)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_trajectory_charts_fit_a_phone(browser, server, lang):
    """The fan and running-total charts: long titles and subtitles wrap, legends stack in one column, and
    no two texts overprint (the 2030 and 2045 milestone labels did)."""
    context, page = phone_page(browser)
    try:
        page.goto(f"{server}/quy-dao?lang={lang}")
        wait_for_app(page)
        cut = misdrawn(page, 12)
    finally:
        context.close()
    assert cut == [], cut


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_compare_and_sensitivity_charts_fit_a_phone(browser, server, lang):
    context, page = phone_page(browser)
    try:
        page.goto(f"{server}/so-sanh?lang={lang}")
        wait_for_app(page)
        cut = misdrawn(page, 1)
        page.goto(f"{server}/do-nhay?lang={lang}")
        wait_for_app(page)
        page.locator(".st-key-sens_tornado_button button").click()
        wait_idle(page)
        cut += misdrawn(page, 1)
    finally:
        context.close()
    assert cut == [], cut


def test_the_present_chart_fits_a_phone(browser, server):
    """The projector's larger type wraps too: a slide's chart keeps its title and legend on a phone."""
    context, page = phone_page(browser)
    try:
        page.goto(f"{server}/trinh-chieu?lang=vi")
        wait_for_app(page)
        page.keyboard.press("PageDown")
        wait_idle(page)
        cut = misdrawn(page, 1)
    finally:
        context.close()
    assert cut == [], cut


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_on_a_phone_the_first_slider_is_on_the_first_screen(browser, server, lang):
    """The results box comes first, short, and the first slider (its label and its handle) follows it
    within the first 844 pixels, without scrolling."""
    context, page = phone_page(browser)
    try:
        page.goto(f"{server}/gia-dinh?lang={lang}")
        wait_for_app(page)
        page.locator(".st-key-live_results").first.wait_for()
        page.wait_for_timeout(800)
        results = page.locator(".st-key-live_results").first.bounding_box()
        slider = page.locator('[data-testid="stSlider"]').first.bounding_box()
        handle = page.locator('[data-testid="stSlider"] [data-testid="stSliderThumbValue"]').first.locator(
            "xpath=..").bounding_box()  # the thumb, which carries its value
        help_shown = page.get_by_text("Kịch bản mẫu là gì?" if lang == "vi" else "What is a preset?").is_visible()
    finally:
        context.close()
    assert results["y"] < slider["y"], (results, slider)
    assert handle is not None and handle["y"] + handle["height"] <= PHONE["height"], (slider, handle)
    assert help_shown  # the presets' explanation is folded, not gone


def test_on_a_desk_the_presets_explanation_stays_open(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{server}/gia-dinh?lang=en")
        wait_for_app(page)
        shown = page.get_by_text("A preset sets every assumption to its values").first.is_visible()
        folded = page.get_by_text("What is a preset?").is_visible()
    finally:
        context.close()
    assert shown and not folded


# A table wider than the screen must scroll sideways (its own box, or the one around it), not be clipped.
CLIPPED_TABLES = """() => [...document.querySelectorAll('[data-testid="stTable"] table')]
  .filter(t => t.getBoundingClientRect().width > innerWidth
          && !['auto', 'scroll'].includes(getComputedStyle(t.parentElement).overflowX))
  .map(t => t.getBoundingClientRect().width)"""
# Text a box cuts short with an ellipsis (Streamlit's metric labels do on a narrow column).
ELLIPSIS = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"] *')]
  .filter(e => e.children.length === 0 && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_overview_on_a_phone_cuts_nothing(browser, server, lang):
    """The headline numbers side by side with their whole labels (they stacked into a screen of boxes); the
    scorecard scrolls sideways rather than losing columns at the screen's edge."""
    context, page = phone_page(browser)
    try:
        page.goto(f"{server}/?lang={lang}")
        wait_for_app(page)
        page.wait_for_timeout(500)
        clipped, cut = page.evaluate(CLIPPED_TABLES), page.evaluate(ELLIPSIS)
        metrics = [b["y"] for b in (m.bounding_box() for m in page.locator(
            '[data-testid="stMain"] [data-testid="stMetric"]').all()[:3])]
    finally:
        context.close()
    assert clipped == [] and cut == [], (clipped, cut)
    assert len(metrics) == 3 and max(metrics) - min(metrics) < 20, metrics  # the three headline numbers in a row

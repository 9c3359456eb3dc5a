"""The whole app in a real Chromium, driven as a user would, with screenshots of every page."""

from __future__ import annotations

import re

import pytest

from planner.packs import load_pack
from tests.browser import SHOTS, streamlit_server, wait_for_app, wait_idle
from tests.conftest import ALL_PACKS

pytestmark = pytest.mark.browser

PAGES = ("", "gia-dinh", "quy-dao", "so-sanh", "do-nhay", "du-lieu", "trinh-chieu")




@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    db = tmp_path_factory.mktemp("db") / "scenarios.sqlite"
    with streamlit_server(env={"PLANNER_DB": str(db)}) as url:
        # A fresh server's first session must open the main page: a deep link first shows Streamlit's
        # spurious "Page not found" dialog over the right page (streamlit/streamlit#9992).
        warm = browser.new_page()
        warm.goto(url)
        wait_for_app(warm)
        warm.close()
        yield url


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="vi-VN")
    pg = context.new_page()
    yield pg
    context.close()


def headline(page) -> str:
    """The 'k/n targets likely met' metric: the sidebar's, or on the assumptions page the one beside the sliders."""
    if "/gia-dinh" in page.url:
        return page.locator('.live-headline .live-value').first.inner_text().strip()
    return page.locator('[data-testid="stSidebar"] [data-testid="stMetricValue"]').first.inner_text().strip()


def test_scorecard_in_vietnamese(page, server):
    page.goto(f"{server}/")
    wait_for_app(page)
    body = page.inner_text("body")
    assert "Bảng điểm các chỉ tiêu" in body
    assert "Thành lập mới 180 hợp tác xã" in body
    assert re.fullmatch(r"\d+/11", headline(page))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview-vi.png"), full_page=True)


def test_every_page_renders_without_an_error(page, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        page.goto(f"{server}/{name}")
        wait_for_app(page)
        page.wait_for_timeout(800)  # charts draw after the run
        assert page.locator('[data-testid="stException"]').count() == 0, name
        page.screenshot(path=str(SHOTS / f"{name or 'tong-quan'}.png"), full_page=True)


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_every_page_of_every_pack_renders_and_lists_every_target(page, server, pack_id):
    pack = load_pack(pack_id)
    page.goto(f"{server}/?pack={pack_id}")
    wait_for_app(page)
    body = page.inner_text("body")
    for target in pack.targets:  # projected or not, every target of the plan is on the scorecard
        assert target.label_vi in body, target.id
    projected = len(pack.modelled_targets)
    assert re.fullmatch(rf"\d+/{projected}", headline(page))
    for name in PAGES[1:]:
        page.goto(f"{server}/{name}?pack={pack_id}")
        wait_for_app(page)
        wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, (pack_id, name)


def test_slider_moves_headline_and_link_reproduces_it(page, server, browser):
    page.goto(f"{server}/gia-dinh")
    wait_for_app(page)
    before = headline(page)
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Số HTX thành lập mới mỗi năm")
    slider.get_by_role("slider").first.focus()
    page.keyboard.press("End")  # the largest number of foundings: the founding target becomes likely
    wait_idle(page)
    page.wait_for_function(f"() => !document.body.innerText.includes('{before}') || true")
    page.wait_for_timeout(500)
    after = headline(page)
    assert after != before
    assert "htx_new_per_year=" in page.url

    fresh = browser.new_context(viewport={"width": 1600, "height": 1000})
    other = fresh.new_page()
    other.goto(page.url.replace("/gia-dinh", "/"))
    wait_for_app(other)
    assert headline(other) == after
    fresh.close()


def test_results_stay_in_view_beside_the_lower_sliders(page, server):
    """The headline and the probabilities stick to the top while the page scrolls to a long group's end."""
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(f"{server}/gia-dinh")
    wait_for_app(page)
    last = page.locator('[data-testid="stSlider"]').filter(has_text="Tỷ lệ liên hiệp HTX giải thể mỗi năm")
    last.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    assert last.bounding_box()["y"] > 0
    metric = page.locator(".st-key-live_results .live-value").bounding_box()
    assert 0 <= metric["y"] < 900, metric
    scorecard = page.locator(".st-key-live_results .live-scorecard").bounding_box()
    assert scorecard["y"] + scorecard["height"] <= 900, scorecard


def test_bad_link_values_give_a_notice_not_an_error(page, server):
    page.goto(f"{server}/?pack=hai-duong-2023&htx_new_per_year=abc&quality_upgrade_rate=9&zzz=1")
    wait_for_app(page)
    body = page.inner_text("body")
    assert "Liên kết có giá trị không dùng được" in body
    assert page.locator('[data-testid="stException"]').count() == 0


def test_switch_to_english(page, server):
    page.goto(f"{server}/")
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    wait_idle(page)
    page.wait_for_selector("text=Target scorecard", timeout=30_000)
    assert "180 new cooperatives founded" in page.inner_text("body")
    assert "lang=en" in page.url
    page.screenshot(path=str(SHOTS / "overview-en.png"), full_page=True)


def test_save_reload_find_and_compare_with_a_preset(page, server):
    name = "Kịch bản thử trình duyệt"
    page.goto(f"{server}/gia-dinh?htx_new_per_year=30")
    wait_for_app(page)
    page.get_by_text("Lưu, tìm và mở kịch bản; tệp JSON").click()
    wait_idle(page)
    page.get_by_label("Tên kịch bản (bắt buộc)", exact=True).fill(name)
    page.get_by_label("Người lập", exact=True).fill("Phòng Kinh tế tập thể")
    page.get_by_role("button", name="Lưu", exact=True).click()
    wait_idle(page)
    page.wait_for_selector("text=phiên bản 1", timeout=30_000)

    # A reload is a new session: the scenario comes back from the link, the save from the database.
    page.goto(f"{server}/gia-dinh")
    wait_for_app(page)
    page.get_by_text("Lưu, tìm và mở kịch bản; tệp JSON").click()
    wait_idle(page)
    page.get_by_label("Tìm theo tên, người lập, ghi chú").fill("thu trinh duyet")  # without diacritics
    page.keyboard.press("Enter")
    wait_idle(page)
    picked = page.get_by_label("Chọn kịch bản", exact=True)
    assert name in (picked.input_value() if picked.evaluate("e => e.tagName") == "INPUT" else picked.inner_text())
    page.get_by_role("button", name="Mở bản mới nhất").click()
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('htx_new_per_year=30')", timeout=30_000)

    page.goto(page.url.replace("/gia-dinh", "/so-sanh"))
    wait_for_app(page)
    page.get_by_role("combobox", name="Kịch bản để so sánh").click()
    page.get_by_role("option", name=f"Đã lưu: {name} (v1)").click()
    page.keyboard.press("Escape")
    wait_idle(page)
    page.wait_for_timeout(1000)
    body = page.inner_text("body")
    assert f"Đã lưu: {name} (v1)" in body and "Kịch bản mẫu: Nhịp kế hoạch" in body
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(SHOTS / "compare-saved.png"), full_page=True)

"""Actual figures in a real Chromium: uploaded on the Data page, stored for everyone, and used by a
fresh browser's Overview."""

from __future__ import annotations

import pytest

from tests.browser import SHOTS, streamlit_server, wait_for_app, wait_idle

pytestmark = pytest.mark.browser

FOUNDINGS = "chỉ tiêu,năm,giá trị,nguồn\nnew_htx,2023,30,Sở Tài chính\nnew_htx,2024,35,Sở Tài chính\n" \
            "new_htx,2025,32,Sở Tài chính\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory, browser):
    db = tmp_path_factory.mktemp("db") / "scenarios.sqlite"
    with streamlit_server(env={"PLANNER_DB": str(db)}) as url:
        warm = browser.new_page()  # a fresh server's first session opens the main page (streamlit#9992)
        warm.goto(url)
        wait_for_app(warm)
        warm.close()
        yield url


def scorecard_text(page) -> str:
    return page.locator('[data-testid="stMain"] [data-testid="stTable"]').first.inner_text()


def test_a_stored_figure_is_seen_by_a_fresh_browser(browser, server, tmp_path):
    first = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="vi-VN")
    page = first.new_page()
    page.goto(f"{server}/?preset=plan-pace")
    wait_for_app(page)
    assert "đã thành lập 97/180" not in scorecard_text(page)
    page.goto(f"{server}/du-lieu?preset=plan-pace")
    wait_for_app(page)
    page.get_by_role("tab", name="Số liệu thực tế (tải lên, nhập)").click()
    path = tmp_path / "so-lieu.csv"
    path.write_text(FOUNDINGS, encoding="utf-8")
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Chọn tệp số liệu") \
        .locator('input[type="file"]').set_input_files(str(path))
    page.get_by_text("Đã đọc 3 dòng số liệu").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Số liệu dùng cho dự báo").click()
    page.get_by_label("Người nhập (ghi vào mọi thay đổi)").fill("Phòng Kinh tế tập thể")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Lưu chung 3 số liệu đang thử").click()
    page.get_by_text("Đã lưu chung: 3 số liệu mới").wait_for(timeout=30_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "du-lieu-so-lieu-dung.png"), full_page=True)
    first.close()

    fresh = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="vi-VN")
    page = fresh.new_page()
    page.goto(f"{server}/?preset=plan-pace")
    wait_for_app(page)
    text = scorecard_text(page)
    assert "đã thành lập 97/180 đến năm 2025" in text
    page.screenshot(path=str(SHOTS / "tong-quan-so-lieu-luu.png"), full_page=True)
    fresh.close()

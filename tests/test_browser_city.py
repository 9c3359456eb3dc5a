"""A city deployment in the real browser: two app processes on one PostgreSQL, sign-in through a real
local OpenID Connect provider (oidc-provider-mock), a viewer and an editor, each doing what their role
allows; a save in one process is in the other's list without a restart; Enter does not save early."""

from __future__ import annotations

import os
import re

import pytest

from planner.store import Actor, ScenarioStore
from tests.browser import SHOTS, free_port, streamlit_server, wait_idle

pytestmark = pytest.mark.browser

ADMIN = "quan.tri@haiphong.gov.vn"
EDITOR = ("lan@haiphong.gov.vn", "Trần Thị Lan")
VIEWER = ("lanh.dao@haiphong.gov.vn", "Lãnh đạo thành phố")
SECTION = "Lưu, tìm và mở kịch bản; tệp JSON"


@pytest.fixture(scope="module")
def provider():
    """A real OpenID Connect provider on a free local port, with the city's three accounts."""
    try:
        from oidc_provider_mock import User, run_server_in_thread
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("oidc-provider-mock is missing: the sign-in suite cannot run")
        pytest.skip("oidc-provider-mock not installed (outside CI)")
    users = [User(sub=email, claims={"email": email, "name": name})
             for email, name in (EDITOR, VIEWER, (ADMIN, "Quản trị"))]
    with run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def city(tmp_path_factory, pg_cluster, provider, browser):
    """Two `streamlit run` processes, ports of their own, one PostgreSQL database, sign-in configured."""
    db = pg_cluster.new_database()
    base = ScenarioStore(db, admins=[ADMIN])
    base.as_actor(Actor(ADMIN)).set_role(EDITOR[0], "editor")
    base.save({"pack": "hai-duong-2023", "preset": "trend"}, "Kịch bản của Sở", author="Sở Tài chính")
    base.close()
    folder = tmp_path_factory.mktemp("secrets")
    urls = []
    with _app(folder, "a", db, provider) as a, _app(folder, "b", db, provider) as b:
        urls = [a, b]
        for url in urls:  # a fresh server's first page is its main page (streamlit/streamlit#9992)
            warm = browser.new_page()
            warm.goto(url)
            warm.wait_for_selector("text=Đăng nhập", timeout=60_000)
            warm.close()
        yield {"a": a, "b": b, "db": db}


def _app(folder, name: str, db: str, provider: str):
    port = free_port()
    secrets = folder / f"secrets-{name}.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "browser-test-cookie-secret-{name}-0123456789"\n'
        'client_id = "planner"\nclient_secret = "browser-test-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        f'[planner]\nadmins = ["{ADMIN}"]\n', encoding="utf-8")
    return streamlit_server(env={"PLANNER_DB": db}, port=port, args=("--secrets.files", str(secrets)))


def sign_in(browser, url: str, email: str):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{url}/gia-dinh")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("text=Authorize Client", timeout=30_000)  # the provider's own page
    page.get_by_role("button", name=email, exact=True).click()
    page.wait_for_url(re.compile(re.escape(url)), timeout=30_000)
    page.wait_for_selector(f"text={email}", timeout=60_000)  # the sidebar names the signed-in account
    if "/gia-dinh" not in page.url:
        page.goto(f"{url}/gia-dinh")
        page.wait_for_selector(f"text={email}", timeout=60_000)
    wait_idle(page)
    page.get_by_text(SECTION).click()
    wait_idle(page)
    return context, page


def picked_name(page) -> str:
    picked = page.get_by_label("Chọn kịch bản", exact=True)
    return picked.input_value() if picked.evaluate("e => e.tagName") == "INPUT" else picked.inner_text()


def test_a_viewer_reads_and_downloads_but_has_no_save(city, browser) -> None:
    context, page = sign_in(browser, city["a"], VIEWER[0])
    try:
        body = page.inner_text("body")
        assert "Quyền: xem" in body and "có quyền xem" in body
        assert page.get_by_role("button", name="Lưu", exact=True).count() == 0
        assert page.get_by_role("button", name="Xóa", exact=True).count() == 0
        assert "Kịch bản của Sở" in picked_name(page)  # the list is read from the shared database
        assert page.get_by_role("button", name="Mở bản mới nhất").count() == 1
        assert "Quản trị" not in page.locator('[data-testid="stNavSectionHeader"], header').all_inner_texts()
        page.screenshot(path=str(SHOTS / "city-viewer.png"), full_page=True)
    finally:
        context.close()


def test_an_editor_saves_as_itself_and_the_other_process_sees_it(city, browser) -> None:
    context, page = sign_in(browser, city["a"], EDITOR[0])
    try:
        assert "Quyền: biên tập" in page.inner_text("body")
        assert page.get_by_label("Người lập", exact=True).count() == 0  # the identity is the author
        name = page.get_by_label("Tên kịch bản (bắt buộc)", exact=True)
        name.fill("Từ máy A")
        name.press("Enter")  # Enter in the name box must not save before the note is typed
        wait_idle(page)
        assert "Đã lưu kịch bản" not in page.inner_text("body")
        page.get_by_label("Ghi chú", exact=True).fill("ghi chú gõ sau")
        page.get_by_role("button", name="Lưu", exact=True).click()
        wait_idle(page)
        page.wait_for_selector("text=phiên bản 1", timeout=30_000)
    finally:
        context.close()
    [saved] = [s for s in ScenarioStore(city["db"]).list() if s.name == "Từ máy A"]
    assert saved.note == "ghi chú gõ sau" and saved.author == f"{EDITOR[1]} <{EDITOR[0]}>"

    context, page = sign_in(browser, city["b"], VIEWER[0])  # the second process, never restarted
    try:
        page.get_by_label("Tìm theo tên, người lập, ghi chú").fill("tu may a")
        page.keyboard.press("Enter")
        wait_idle(page)
        assert "Từ máy A" in picked_name(page)
        page.screenshot(path=str(SHOTS / "city-second-process.png"), full_page=True)
    finally:
        context.close()

"""Saved scenarios in the app (AppTest): limits said and text kept, another session's newer version and a
taken name said before saving, Delete confirmed; sign-in and roles (viewer, editor, admin), the audit page."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from planner.store import Actor, Forbidden, ScenarioStore
from tests.apptest import ROOT, open_app

PAGE = "pages/assumptions.py"
PACK = "hai-duong-2023"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret-not-real",
        "client_id": "planner", "client_secret": "test-client-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ADMIN = "chu.tich@haiphong.gov.vn"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "scenarios.sqlite"


def start(monkeypatch, db: Path) -> AppTest:
    return open_app(monkeypatch, db, PAGE, session={"saved_section_open": True})


def signed_in(monkeypatch, db: Path, email: str | None, name: str = "", page: str = PAGE) -> AppTest:
    """The app with [auth] configured, as ``email`` (None: not signed in)."""
    monkeypatch.setenv("PLANNER_DB", str(db))
    monkeypatch.setenv("PLANNER_ADMINS", ADMIN)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email, "name": name}
    at.run()
    if email is not None:
        at.switch_page(page)
        at.session_state["saved_section_open"] = True
        at.run()
    assert not at.exception, at.exception
    return at


def fill(at: AppTest, name: str, note: str = "", author: str | None = "") -> None:
    at.text_input(key="save_name").set_value(name)
    if author is not None:
        at.text_input(key="save_author").set_value(author)
    at.text_area(key="save_note").set_value(note)
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception


def errors(at: AppTest) -> str:
    return " ".join(e.value.replace("\\", "") for e in at.error)


def warnings(at: AppTest) -> str:
    return " ".join(w.value.replace("\\", "") for w in at.warning)


# --- 14.6: too long: say so and keep what was typed -----------------------------------------------

def test_a_name_over_200_characters_is_said_and_kept_and_nothing_saved(monkeypatch, db: Path) -> None:
    at = start(monkeypatch, db)
    long_name = "Kịch bản " + "rất dài " * 30  # 249 characters, pasted
    fill(at, long_name, "ghi chú")
    assert "249" in errors(at) and "200" in errors(at) and "chữ đã gõ vẫn còn" in errors(at)
    assert at.text_input(key="save_name").value == long_name  # kept, not cut and not dropped
    assert at.text_area(key="save_note").value == "ghi chú"
    assert ScenarioStore(db).list() == []


def test_a_note_over_2000_characters_never_saves_the_old_text(monkeypatch, db: Path) -> None:
    at = start(monkeypatch, db)
    fill(at, "Cũ", "ghi chú cũ")
    long_note = "n" * 2345
    fill(at, "Cũ", long_note)  # a version of the open scenario, with a pasted long note
    assert "2.345" in errors(at) and "2.000" in errors(at)
    assert at.text_area(key="save_note").value == long_note
    [only] = ScenarioStore(db).list()
    assert only.version == 1 and only.note == "ghi chú cũ"  # no version with the old text under a new save


# --- 14.17: Enter does not save; Delete asks first -----------------------------------------------

def test_the_save_form_does_not_submit_on_enter(monkeypatch, db: Path) -> None:
    at = start(monkeypatch, db)
    [form] = [f for f in at.get("form") if f.proto.form.form_id == "save_form"]
    assert form.proto.form.enter_to_submit is False  # Enter in the name box waits for the note and Save


# --- 14.13: two users, one scenario -----------------------------------------------------------------

def test_a_newer_version_by_someone_else_is_said_before_saving(monkeypatch, db: Path) -> None:
    at = start(monkeypatch, db)
    fill(at, "Chung", author="Lan")
    store = ScenarioStore(db)
    [mine] = store.list()
    # another session (another person, another process) saves version 2 meanwhile
    store.save({"pack": PACK, "preset": "trend", "levers": {"htx_new_per_year": 33}}, "Chung", author="Chủ tịch",
               scenario_id=mine.id)
    at.run()
    said = warnings(at)
    assert "Chủ tịch" in said and "phiên bản 2" in said and "bạn đang có phiên bản 1" in said
    fill(at, "Chung", "của Lan", author="Lan")  # saving anyway without ticking: refused, nothing written
    assert "Chủ tịch" in errors(at) and "chưa lưu gì" in errors(at)
    assert [v.version for v in store.versions(mine.id)] == [1, 2]
    assert at.text_area(key="save_note").value == "của Lan"  # what was typed stays
    at.checkbox(key="save_over_newer").check()
    fill(at, "Chung", "của Lan", author="Lan")
    assert [v.version for v in store.versions(mine.id)] == [1, 2, 3]
    assert not warnings(at)


def test_a_taken_name_is_said_and_a_second_one_needs_a_tick(monkeypatch, db: Path) -> None:
    at = start(monkeypatch, db)
    fill(at, "Kế hoạch chung")
    at.checkbox(key="save_as_version").uncheck()
    fill(at, "kế hoạch chung", "khác")
    assert "đã có kịch bản tên “Kế hoạch chung”" in errors(at)
    assert len(ScenarioStore(db).list()) == 1
    at.checkbox(key="save_same_name").check()
    fill(at, "kế hoạch chung", "khác")
    assert len(ScenarioStore(db).list()) == 2


# --- Sign-in and roles ---------------------------------------------------------------------------

def test_with_auth_nothing_is_shown_before_sign_in(monkeypatch, db: Path) -> None:
    at = signed_in(monkeypatch, db, None)
    assert [b.key for b in at.button] == ["auth_login"]
    assert not at.main.metric and "Đăng nhập" in at.button[0].label


def test_a_viewer_reads_and_cannot_save_or_delete(monkeypatch, db: Path) -> None:
    store = ScenarioStore(db)
    store.save({"pack": PACK, "preset": "trend"}, "Của phòng", author="Phòng KTTT")
    at = signed_in(monkeypatch, db, "lanh.dao@haiphong.gov.vn", "Lãnh đạo")
    assert not [f for f in at.get("form") if f.proto.form.form_id == "save_form"]
    assert any("quyền xem" in i.value for i in at.info)
    keys = {b.key for b in at.button}
    assert "saved_load" in keys and "saved_delete" not in keys
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin.py")  # not in the viewer's navigation
    # a crafted call with the session's store changes nothing: the store checks the role itself
    from ui import state

    with pytest.raises(Forbidden) as info:
        state._base_store().as_actor(Actor("lanh.dao@haiphong.gov.vn")).save({"pack": PACK, "preset": "trend"}, "x")
    assert "nothing was changed" in str(info.value)
    assert [s.name for s in ScenarioStore(db).list()] == ["Của phòng"]


def test_an_editor_saves_as_the_signed_in_identity(monkeypatch, db: Path) -> None:
    ScenarioStore(db, admins=[ADMIN]).as_actor(Actor(ADMIN)).set_role("lan@haiphong.gov.vn", "editor")
    at = signed_in(monkeypatch, db, "lan@haiphong.gov.vn", "Trần Thị Lan")
    assert "Trần Thị Lan <lan@haiphong.gov.vn>" in [t.value for t in at.main.text]
    fill(at, "Của Lan", "ghi chú", author=None)  # no author box: the identity is the author
    [saved] = ScenarioStore(db).list()
    assert saved.author == "Trần Thị Lan <lan@haiphong.gov.vn>"
    at.button(key="saved_delete").click().run()
    at.button(key="saved_delete_confirm").click().run()
    at.toggle(key="saved_show_deleted").set_value(True).run()
    assert "saved_restore" not in {b.key for b in at.button}  # restoring is an admin's
    assert ScenarioStore(db).audit_log()[0].actor == "lan@haiphong.gov.vn"


def test_an_admin_grants_roles_restores_and_reads_the_audit(monkeypatch, db: Path) -> None:
    store = ScenarioStore(db)
    sid, _ = store.save({"pack": PACK, "preset": "trend"}, "Bị xóa", author="Ai đó")
    store.delete(sid)
    at = signed_in(monkeypatch, db, ADMIN, "Chủ tịch", page="pages/admin.py")
    assert not at.exception
    at.text_input(key="admin_email").set_value("Minh@HaiPhong.gov.vn")
    at.selectbox(key="admin_role").select("editor")
    at.form_submit_button[0].click().run()
    assert ScenarioStore(db).role("minh@haiphong.gov.vn") == "editor"
    at.button(key="admin_restore_scenario").click().run()
    assert [s.name for s in ScenarioStore(db).list()] == ["Bị xóa"]
    [audit] = [d for d in at.main.dataframe if "Ai" in d.value.columns]
    assert list(audit.value["Ai"])[:2] == [ADMIN, ADMIN]
    assert "cấp quyền" in list(audit.value["Việc"]) and "khôi phục kịch bản" in list(audit.value["Việc"])


def test_the_admin_page_is_not_there_for_an_editor(monkeypatch, db: Path) -> None:
    ScenarioStore(db, admins=[ADMIN]).as_actor(Actor(ADMIN)).set_role("lan@haiphong.gov.vn", "editor")
    at = signed_in(monkeypatch, db, "lan@haiphong.gov.vn", page="pages/overview.py")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin.py")  # not registered for an editor
    admin = signed_in(monkeypatch, db, ADMIN, page="pages/overview.py")
    admin.switch_page("pages/admin.py").run()  # registered for an admin
    assert not admin.exception and admin.title[0].value == "Quản trị"


def test_the_secrets_connection_puts_the_store_in_postgresql(monkeypatch, pg_cluster) -> None:
    """Without PLANNER_DB, ``[connections.planner] url`` in the secrets chooses the database."""
    url = pg_cluster.new_database()
    monkeypatch.delenv("PLANNER_DB", raising=False)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.secrets["connections"] = {"planner": {"url": url}}
    at.run()
    at.switch_page(PAGE)
    at.session_state["saved_section_open"] = True
    at.run()
    fill(at, "Trong PostgreSQL", "ghi chú")
    assert [s.name for s in ScenarioStore(url).list()] == ["Trong PostgreSQL"]
    st.cache_resource.clear()

"""Roles in the store: a request above one's role changes nothing; the author is the signed-in identity;
every change is in the audit trail; concurrent sessions are told of each other's versions."""

from __future__ import annotations

import pytest

from planner.errors import PlannerError
from planner.store import Actor, Forbidden, NameTaken, ScenarioStore, VersionConflict

PACK = "hai-duong-2023"
BASE = {"pack": PACK, "preset": "trend", "levers": {"htx_new_per_year": 20}}
ADMIN = Actor("chu.tich@haiphong.gov.vn", "Chủ tịch")
EDITOR = Actor("lan@haiphong.gov.vn", "Trần Thị Lan")
VIEWER = Actor("lanh.dao@haiphong.gov.vn", "Lãnh đạo")


@pytest.fixture
def store(store_target) -> ScenarioStore:
    base = ScenarioStore(store_target(), admins=[ADMIN.email])
    base.as_actor(ADMIN).set_role(EDITOR.email, "editor")
    return base


def test_a_viewer_changes_nothing_whatever_it_calls(store: ScenarioStore) -> None:
    editor = store.as_actor(EDITOR)
    sid, _ = editor.save(BASE, "Của Lan")
    editor.save_figure(PACK, "htx", 2025, 530)
    viewer = store.as_actor(VIEWER)
    assert viewer.role() == "viewer" and not viewer.may("scenario.save")
    before, audit_before = store.backup_json(), store.audit_log()
    calls = {
        "save": lambda: viewer.save(BASE, "Lén lút"),
        "version": lambda: viewer.save(BASE, "v2", scenario_id=sid),
        "delete": lambda: viewer.delete(sid),
        "restore": lambda: viewer.restore(sid),
        "figure": lambda: viewer.save_figure(PACK, "htx", 2025, 999),
        "remove": lambda: viewer.remove_figure(PACK, "htx", 2025),
        "restore figure": lambda: viewer.restore_figure(PACK, "htx", 2025, version=1),
        "import": lambda: viewer.import_figures(PACK, editor.figure_observations(PACK)),
        "grant": lambda: viewer.set_role(VIEWER.email, "admin"),
        "backup": lambda: viewer.restore_json(before),
    }
    for label, call in calls.items():
        with pytest.raises(Forbidden) as info:
            call()
        assert VIEWER.email in info.value.en and "nothing was changed" in info.value.en, label
        assert "không có gì thay đổi" in info.value.vi, label
    assert store.backup_json() == before and store.audit_log() == audit_before
    assert viewer.list()[0].name == "Của Lan" and viewer.load(sid)  # but reads everything


def test_an_editor_saves_and_enters_figures_but_only_an_admin_restores_and_grants(store: ScenarioStore) -> None:
    editor, admin = store.as_actor(EDITOR), store.as_actor(ADMIN)
    sid, _ = editor.save(BASE, "Kịch bản", author="Tên gõ tay (bỏ qua)")
    assert store.get(sid).author == "Trần Thị Lan <lan@haiphong.gov.vn>"
    figure = editor.save_figure(PACK, "htx", 2025, 530, author="gõ tay")
    assert figure.author == "Trần Thị Lan <lan@haiphong.gov.vn>"
    editor.save_figure(PACK, "htx", 2025, 531)
    editor.restore_figure(PACK, "htx", 2025, version=1)  # an older version back: an editor's correction
    editor.remove_figure(PACK, "htx", 2025)
    editor.delete(sid)
    for call in (lambda: editor.restore(sid), lambda: editor.restore_figure(PACK, "htx", 2025),
                 lambda: editor.set_role(EDITOR.email, "admin")):
        with pytest.raises(Forbidden):
            call()
    admin.restore(sid)
    assert admin.restore_figure(PACK, "htx", 2025).value == 530.0
    admin.set_role(VIEWER.email, "editor")
    assert store.as_actor(VIEWER).may("scenario.save")
    actions = [(e.actor, e.action) for e in store.audit_log()]
    assert actions[:3] == [(ADMIN.email, "role.grant"), (ADMIN.email, "figure.restore"),
                           (ADMIN.email, "scenario.restore")]
    assert (EDITOR.email, "scenario.delete") in actions and (EDITOR.email, "figure.remove") in actions
    assert [e.action for e in store.audit_log(actor=EDITOR.email, action="figure.save")] == ["figure.save"] * 2


def test_a_role_taken_away_takes_effect_on_the_next_write(store: ScenarioStore) -> None:
    editor = store.as_actor(EDITOR)
    editor.save(BASE, "Một")
    store.as_actor(ADMIN).set_role(EDITOR.email, "viewer")
    with pytest.raises(Forbidden):
        editor.save(BASE, "Hai")
    assert len(store.list()) == 1


def test_the_first_admin_comes_from_configuration(store: ScenarioStore, monkeypatch) -> None:
    assert store.role(ADMIN.email) == "admin"
    assert store.role("someone@else.vn") == "viewer"
    monkeypatch.setenv("PLANNER_ADMINS", "Boss@City.vn, not-an-email")
    again = ScenarioStore(store.where if store.path else store.url.render_as_string(hide_password=False))
    assert again.role("boss@city.vn") == "admin" and again.admins == frozenset({"boss@city.vn"})
    with pytest.raises(PlannerError):
        store.set_role("not an email", "editor")
    with pytest.raises(PlannerError):
        store.set_role("x@y.vn", "owner")


def test_without_sign_in_everything_is_allowed_with_the_typed_author(store: ScenarioStore) -> None:
    assert store.role() is None and store.may("role.grant")
    sid, _ = store.save(BASE, "Họp", author="Người gõ")
    store.delete(sid)
    store.restore(sid)
    assert store.get(sid).author == "Người gõ"
    assert [(e.actor, e.action) for e in store.audit_log()][:3] == [
        ("", "scenario.restore"), ("", "scenario.delete"), ("Người gõ", "scenario.save")]


def test_a_session_is_told_when_another_saved_a_newer_version(store: ScenarioStore) -> None:
    mine, theirs = store.as_actor(EDITOR), store.as_actor(ADMIN)
    sid, v1 = mine.save(BASE, "Chung")
    assert theirs.save(BASE, "Chung (bản của chủ tịch)", scenario_id=sid, expected_version=v1) == (sid, 2)
    with pytest.raises(VersionConflict) as info:
        mine.save(BASE, "Chung (bản của Lan)", scenario_id=sid, expected_version=v1)
    assert info.value.latest.version == 2 and "Chủ tịch" in info.value.latest.author
    assert "version 2" in info.value.en and "phiên bản 2" in info.value.vi
    assert [v.version for v in store.versions(sid)] == [1, 2]
    assert mine.save(BASE, "Chung (bản của Lan)", scenario_id=sid, expected_version=2) == (sid, 3)


def test_a_second_scenario_of_the_same_name_needs_a_decision(store: ScenarioStore) -> None:
    sid, _ = store.save(BASE, "Kế hoạch Hải Dương")
    with pytest.raises(NameTaken) as info:
        store.save(BASE, "kế hoạch hai duong", unique_name=True)
    assert info.value.existing.id == sid and len(store.list()) == 1
    assert store.find_by_name(PACK, "KẾ HOẠCH HẢI DƯƠNG").id == sid
    store.save(BASE, "kế hoạch hai duong")  # said so, and the user chose a second one
    assert len(store.list()) == 2
    store.save({"pack": "vietnam-nq20", "preset": "trend"}, "Kế hoạch Hải Dương", unique_name=True)  # another pack

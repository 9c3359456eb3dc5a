"""Packs in the app (AppTest): each pack's own words on the Data page, every target on the Overview,
and a pack uploaded on the Data page shown at once for the session (a broken one changes nothing)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from planner.packs import DATA_DIR, load_pack
from tests.apptest import open_app
from tests.conftest import ALL_PACKS

DATA = "pages/data.py"
OVERVIEW = "pages/overview.py"


def markdown(at) -> str:
    return "\n".join(m.value for m in at.main.markdown).replace("\\", "")


def zip_of(pack_id: str, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in (DATA_DIR / pack_id).iterdir():
            archive.write(path, f"{pack_id}/{path.name}")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_the_data_page_shows_the_packs_own_notes_only(monkeypatch, tmp_path, pack_id):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", DATA, query={"pack": pack_id})
    pack = load_pack(pack_id)
    text = markdown(at)
    headings = re.findall(r"^## (.+)$", pack.notes["vi"], flags=re.M)
    assert headings and all(h in text for h in headings)
    assert any(pack.text("area_note", "vi") in i.value.replace("\\", "") for i in at.main.info)
    others = [p for p in ALL_PACKS if p != pack_id]
    for other in others:  # another plan's prose never shows
        for heading in re.findall(r"^## (.+)$", load_pack(other).notes["vi"], flags=re.M):
            if heading not in pack.notes["vi"]:
                assert heading not in text, (other, heading)
    if pack_id != "hai-duong-2023":
        assert "Hải Phòng" not in text and "3413" not in text


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_the_overview_lists_every_target(monkeypatch, tmp_path, pack_id):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", OVERVIEW, query={"pack": pack_id}, lang="en")
    pack = load_pack(pack_id)
    table = at.main.table[0].value
    assert len(table) == len(pack.targets)
    not_projected = [t for t in pack.targets if not t.modelled]
    if not_projected:
        assert "Note" in table.columns
        notes = list(table["Note"])
        assert sum("no projection is made" in n for n in notes) == len(not_projected)
        assert any(f"{len(not_projected)} targets are not projected" in i.value for i in at.main.info)
        likely = at.main.metric[0].value
        assert likely.endswith(f"/{len(pack.targets) - len(not_projected)}")
    else:
        assert "Note" not in table.columns


def test_an_uploaded_pack_is_selected_and_scored_at_once(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", DATA)
    assert at.session_state["scenario"]["pack"] == "hai-duong-2023"
    at.file_uploader(key="pack_upload").upload("hoa-binh.zip", zip_of("hoa-binh-nq20"), "application/zip").run()
    assert not at.exception, at.exception
    pack_id = at.session_state["scenario"]["pack"]
    assert re.fullmatch(r"hoa-binh-nq20-[0-9a-f]{8}", pack_id)
    assert any("14" in s.value and "4" in s.value for s in at.main.success)
    options = at.sidebar.selectbox(key="pack_choice").options
    assert len(options) == len(ALL_PACKS) + 1 and options[-1].endswith("· tải lên")
    at.switch_page(OVERVIEW).run()
    assert not at.exception, at.exception
    assert len(at.main.table[0].value) == 14


def test_a_broken_upload_lists_every_problem_and_changes_nothing(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", DATA)
    before = dict(at.session_state["scenario"])
    bad_targets = (DATA_DIR / "hai-duong-2023" / "targets.csv").read_text(encoding="utf-8").replace(
        "good_fair_share,share,gt,0.70", "good_fair_share,share,gt,70").replace("new_tht,new,ge", "new_cows,new,ge")
    files = {p.name: p.read_bytes() for p in (DATA_DIR / "hai-duong-2023").iterdir()}
    uploader = at.file_uploader(key="pack_upload")
    for name, data in {**files, "targets.csv": bad_targets.encode()}.items():
        uploader.upload(name, data)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["scenario"] == before
    errors = [e.value.replace("\\", "") for e in at.main.error]
    assert len(errors) == 1 and "(2 lỗi)" in errors[0] and "không có gì thay đổi" in errors[0]
    assert "ngưỡng 70 của một tỷ lệ phải là phân số" in errors[0] and "chỉ số lạ 'new_cows'" in errors[0]
    assert len(at.sidebar.selectbox(key="pack_choice").options) == len(ALL_PACKS)


def test_a_zip_with_an_escaping_path_is_refused(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", DATA)
    data = zip_of("hoa-binh-nq20", {"../../etc/targets.csv": b"id\n"})
    at.file_uploader(key="pack_upload").upload("evil.zip", data, "application/zip").run()
    assert not at.exception
    assert at.session_state["scenario"]["pack"] == "hai-duong-2023"
    assert any("đường dẫn không an toàn" in e.value.replace("\\", "") for e in at.main.error)


def test_an_uploaded_pack_saved_to_the_store_is_there_for_a_new_session(monkeypatch, tmp_path):
    db = tmp_path / "s.sqlite"
    at = open_app(monkeypatch, db, DATA)
    at.file_uploader(key="pack_upload").upload("hb.zip", zip_of("hoa-binh-nq20"), "application/zip").run()
    pack_id = at.session_state["scenario"]["pack"]
    at.text_input(key="pack_save_author").input("Sở Tài chính")  # typed in the form, sent with its button
    at.button(key="FormSubmitter:pack_save_form-Lưu gói vào kho").click().run()
    assert not at.exception, at.exception
    assert any("Đã lưu gói hoa-binh-nq20, bản 1 (Sở Tài chính), vào kho" in s.value.replace("\\", "")
               for s in at.main.success)
    fresh = open_app(monkeypatch, db, OVERVIEW, query={"pack": pack_id})
    assert fresh.session_state["scenario"]["pack"] == pack_id
    options = fresh.sidebar.selectbox(key="pack_choice").options
    assert any(o.endswith("kho, bản 1 (Sở Tài chính)") for o in options)
    assert len(fresh.main.table[0].value) == 14

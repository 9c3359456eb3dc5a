"""Saved scenarios: save (each save a new version), search, load, versions, delete/restore, JSON files.

Everything a person typed (name, author, note, a file name) is shown as plain text: in a dataframe,
as a selectbox option or with ``st.text``; never through Markdown or HTML.  Every action runs in a
widget callback, so the sidebar (app.py, drawn before the page) already sees the new scenario, and a
bad file or a store error leaves the scenario as it was.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd
import streamlit as st

from planner.actuals import too_large
from planner.errors import PlannerError
from planner.packs import load_pack
from planner.scenario import dumps, loads, minimal
from planner.store import MAX_AUTHOR, MAX_NAME, MAX_NOTE, NameTaken, SavedScenario, fold
from ui import figures, state, uploads
from ui.levers import SAVED_OPEN_KEY, apply_scenario, escape_markdown, show_error
from ui.state import tr

MAX_IMPORT_BYTES = 250_000  # a scenario file is a few hundred bytes; this is generous
VIETNAM_TIME = timezone(timedelta(hours=7))  # no daylight saving time in Vietnam

LOADED = "saved_loaded"  # {"id", "version", "name"} of the scenario last loaded or saved
FLASH = "saved_flash"  # (kind, vi, en) of the last action, shown once
ERROR = "saved_error"  # PlannerError of the last failed action
NOTICE = "saved_notice"  # (vi, en) about a file of another pack
QUERY_KEY = "saved_query"
DELETED_KEY = "saved_show_deleted"
PICK_KEY = "saved_pick"
VERSION_KEY = "saved_version_pick"
UPLOAD_KEY = "scenario_upload"
NAME_KEY, AUTHOR_KEY, NOTE_KEY, AS_VERSION_KEY = "save_name", "save_author", "save_note", "save_as_version"
OVER_NEWER_KEY = "save_over_newer"  # "I know someone saved a newer version: save mine on top"
SAME_NAME_KEY = "save_same_name"  # "I know the name is taken: save a second scenario of that name"
NAME_TAKEN = "saved_name_taken"  # the last save was refused because the name is taken
CONFIRM_DELETE = "saved_confirm_delete"  # id of the scenario whose Delete awaits a yes


# --- Pure helpers (tested directly) -------------------------------------------------------------

def safe_file_name(name: str, default: str = "kich-ban") -> str:
    """A file name from a scenario name: ASCII letters, digits and dashes only ("Hải Dương" → "hai-duong")."""
    bare = fold(name or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", bare).strip("-")[:60].strip("-")
    return slug or default


def read_scenario_upload(data: bytes, filename: str) -> dict[str, Any]:
    """A scenario from an uploaded JSON file; raises ``PlannerError`` (size, encoding, JSON, content)."""
    where = (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:80] or "upload.json"
    if len(data) > MAX_IMPORT_BYTES:
        raise too_large(len(data), MAX_IMPORT_BYTES, where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlannerError("tệp không phải văn bản UTF-8", "the file is not UTF-8 text", where) from None
    return loads(text, where)


def local_time(iso: str, lang: str) -> str:
    """A stored UTC time in Vietnam's time: 27/11/2026 11:05 (vi) or 2026-11-27 11:05 (en)."""
    try:
        moment = datetime.fromisoformat(iso).astimezone(VIETNAM_TIME)
    except (TypeError, ValueError):
        return str(iso)
    return moment.strftime("%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M")


# --- Callbacks ------------------------------------------------------------------------------------

def _flash(vi: str, en: str, kind: str = "success") -> None:
    st.session_state[FLASH] = (kind, vi, en)
    st.session_state.pop(ERROR, None)


def _fail(exc: PlannerError) -> None:
    st.session_state[ERROR] = exc
    st.session_state[NAME_TAKEN] = isinstance(exc, NameTaken)
    st.session_state.pop(FLASH, None)


def _notice_other_pack(old_pack: str, data: dict[str, Any]) -> None:
    if data["pack"] != old_pack:
        name_vi, name_en = load_pack(data["pack"]).name("vi"), load_pack(data["pack"]).name("en")
        st.session_state[NOTICE] = (
            f"Kịch bản này thuộc gói kế hoạch khác: đã chuyển sang gói “{name_vi}” cùng với kịch bản.",
            f"This scenario belongs to another plan pack: the app switched to “{name_en}” with it.")
    else:
        st.session_state.pop(NOTICE, None)


def _too_long(label_vi: str, label_en: str, text: str, limit: int) -> PlannerError | None:
    """A name or note over its limit: said, with the count, and the typed text is kept in its box."""
    if len(text) <= limit:
        return None
    return PlannerError(
        f"{label_vi} dài {len(text):,} ký tự, tối đa {limit:,}. Chưa lưu gì; chữ đã gõ vẫn còn trong ô, "
        "hãy rút gọn rồi lưu lại.".replace(",", "."),
        f"the {label_en} is {len(text):,} characters long, the limit is {limit:,}. Nothing was saved; what "
        "you typed is still in the box: shorten it and save again.", tr(label_vi, label_en.capitalize()))


def _save() -> None:
    name = st.session_state.get(NAME_KEY, "")
    author = st.session_state.get(AUTHOR_KEY, "")
    note = st.session_state.get(NOTE_KEY, "")
    loaded = _open_scenario()
    as_version = bool(st.session_state.get(AS_VERSION_KEY)) and loaded is not None
    try:
        if not name.strip():
            raise PlannerError("hãy đặt tên cho kịch bản", "give the scenario a name", tr("Tên", "Name"))
        for problem in (_too_long("tên kịch bản", "name", name, MAX_NAME),
                        _too_long("người lập", "author", author, MAX_AUTHOR),
                        _too_long("ghi chú", "note", note, MAX_NOTE)):
            if problem:
                raise problem
        data = {**state.scenario(), "name": name, "note": note}
        # Saved with the figures in force and their fingerprint: opened later, it can tell they changed.
        # A version of the open scenario carries the latest version this session has seen, so a newer
        # one saved meanwhile by someone else stops the save unless the user said to go ahead.
        expected = None
        if as_version and not st.session_state.get(OVER_NEWER_KEY):
            expected = loaded.get("latest", loaded["version"])
        scenario_id, version = state.store().save(
            minimal(figures.engine_data(data)), name, author, note, scenario_id=loaded["id"] if as_version else None,
            expected_version=expected, unique_name=not as_version and not st.session_state.get(SAME_NAME_KEY))
        state.set_scenario(data)
    except PlannerError as exc:  # a conflict or a taken name too: the form then asks what to do
        _fail(exc)
        return
    st.session_state[LOADED] = {"id": scenario_id, "version": version, "latest": version, "name": name,
                                "pack": data["pack"]}
    st.session_state[AS_VERSION_KEY] = True  # the next save of this scenario adds a version
    st.session_state[PICK_KEY] = scenario_id
    for key in (VERSION_KEY, OVER_NEWER_KEY, SAME_NAME_KEY, NAME_TAKEN):
        st.session_state.pop(key, None)
    _flash(f"Đã lưu kịch bản: phiên bản {version}.", f"Scenario saved: version {version}.")


def _load(scenario_id: str, version: int | None = None) -> None:
    old_pack = state.scenario()["pack"]
    try:
        data = state.store().load(scenario_id, version)
        record = state.store().get(scenario_id)
        apply_scenario(data)
    except PlannerError as exc:
        _fail(exc)
        return
    shown = version or record.version
    st.session_state[LOADED] = {"id": scenario_id, "version": shown, "latest": record.version, "name": record.name,
                                "pack": data["pack"]}
    st.session_state[NAME_KEY] = record.name
    if state.store().actor is None:  # signed in, the author is the identity, not a field
        st.session_state[AUTHOR_KEY] = record.author
    st.session_state.pop(OVER_NEWER_KEY, None)
    st.session_state[NOTE_KEY] = data.get("note", "")
    st.session_state[AS_VERSION_KEY] = True
    _notice_other_pack(old_pack, data)
    _flash(f"Đã mở kịch bản đã lưu, phiên bản {shown}: mọi giả định đã được khôi phục.",
           f"Saved scenario opened, version {shown}: every assumption restored.")


def _ask_delete(scenario_id: str) -> None:
    st.session_state[CONFIRM_DELETE] = scenario_id


def _cancel_delete() -> None:
    st.session_state.pop(CONFIRM_DELETE, None)


def _delete(scenario_id: str) -> None:
    st.session_state.pop(CONFIRM_DELETE, None)
    try:
        state.store().delete(scenario_id)
    except PlannerError as exc:
        _fail(exc)
        return
    loaded = st.session_state.get(LOADED)
    if loaded and loaded["id"] == scenario_id:
        st.session_state.pop(LOADED, None)
    _flash("Đã xóa kịch bản (vẫn giữ lại: bật “Hiện cả kịch bản đã xóa” để khôi phục).",
           "Scenario deleted (it is kept: turn on “Show deleted scenarios” to restore it).", "info")


def _restore(scenario_id: str) -> None:
    try:
        state.store().restore(scenario_id)
    except PlannerError as exc:
        _fail(exc)
        return
    _flash("Đã khôi phục kịch bản.", "Scenario restored.")


def _import() -> None:
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:
        return
    old_pack = state.scenario()["pack"]
    try:
        data = read_scenario_upload(upload.getvalue(), upload.name)
        apply_scenario(data)
    except PlannerError as exc:
        _fail(exc)
        return
    st.session_state.pop(LOADED, None)
    _notice_other_pack(old_pack, data)
    _flash("Đã nhập kịch bản từ tệp: mọi giả định đã được thay.",
           "Scenario imported from the file: every assumption replaced.")


# --- Drawing ------------------------------------------------------------------------------------

def _messages() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(escape_markdown(tr(*notice)), icon=":material/swap_horiz:")
    flash = st.session_state.pop(FLASH, None)
    if flash:
        kind, vi, en = flash
        (st.success if kind == "success" else st.info)(tr(vi, en))
    error = st.session_state.pop(ERROR, None)
    if isinstance(error, PlannerError):
        show_error(error)


def _recovered_warning() -> None:
    try:
        moved = state.store().recovered_from
    except PlannerError as exc:
        show_error(exc)
        return
    if moved:
        st.warning(escape_markdown(tr(
            f"Kho kịch bản đã lưu bị hỏng. Tệp hỏng được giữ lại (không xóa) ở {moved}; một kho mới đã được tạo. "
            "Hãy báo cho người quản trị để khôi phục các kịch bản cũ từ bản sao lưu.",
            f"The saved-scenario database was damaged. The damaged file was moved aside and kept at {moved}; "
            "a new one was started. Tell the administrator so the old scenarios can be restored from a backup.")),
            icon=":material/warning:")


def _open_scenario() -> dict | None:
    """The saved scenario now open (loaded or last saved), if it belongs to the current pack."""
    loaded = st.session_state.get(LOADED)
    return loaded if loaded and loaded.get("pack") == state.scenario()["pack"] else None


def newer_version(loaded: dict | None) -> SavedScenario | None:
    """The open scenario's record when someone else saved a version after the latest this session saw."""
    if not loaded:
        return None
    try:
        record = state.store().get(loaded["id"])
    except PlannerError:
        return None
    return record if record.version > loaded.get("latest", loaded["version"]) and not record.deleted else None


def _newer_warning(loaded: dict | None) -> None:
    """Said as soon as the page is drawn, before the user saves on top of someone else's version."""
    record = newer_version(loaded)
    if record is None:
        return
    lang = state.lang()
    mine = loaded.get("latest", loaded["version"])
    st.warning(escape_markdown(tr(
        f"Trong lúc bạn làm việc, {record.author or 'một người khác'} đã lưu phiên bản {record.version} của "
        f"“{record.name}” lúc {local_time(record.saved_at, lang)} (bạn đang có phiên bản {mine}). Mở phiên bản "
        f"mới nhất để xem thay đổi của họ, hoặc đánh dấu ô bên dưới để vẫn lưu bản của bạn thành phiên bản "
        f"{record.version + 1} (phiên bản của họ vẫn được giữ).",
        f"While you were working, {record.author or 'someone else'} saved version {record.version} of "
        f"“{record.name}” at {local_time(record.saved_at, lang)} (you have version {mine}). Open the latest "
        f"version to see their changes, or tick the box below to save yours as version {record.version + 1} "
        "anyway (their version is kept).")), icon=":material/group:")


def _save_form() -> None:
    loaded = _open_scenario()
    store = state.store()
    if not store.may("scenario.save"):
        st.info(tr("Tài khoản của bạn có quyền xem: xem, mở và tải mọi kịch bản được, nhưng không lưu được. "
                   "Hãy nhờ người quản trị cấp quyền biên tập nếu cần lưu.",
                   "Your account is a viewer: you can see, open and download every scenario but not save. Ask "
                   "an administrator for the editor role if you need to save."), icon=":material/visibility:")
        return
    newer = newer_version(loaded)
    taken = st.session_state.get(NAME_TAKEN)
    # Enter in a box does not submit: the name is typed first, the note after, and Save saves.
    with st.form("save_form", clear_on_submit=False, border=True, enter_to_submit=False):
        st.text_input(tr("Tên kịch bản (bắt buộc)", "Scenario name (required)"), key=NAME_KEY,
                      help=tr(f"Tối đa {MAX_NAME} ký tự.", f"At most {MAX_NAME} characters."))
        if store.actor is not None:
            st.caption(tr("Người lập (tài khoản đăng nhập):", "Author (the signed-in account):"))
            st.text(store.actor.label)
        else:
            st.text_input(tr("Người lập", "Author"), key=AUTHOR_KEY,
                          help=tr(f"Tối đa {MAX_AUTHOR} ký tự.", f"At most {MAX_AUTHOR} characters."))
        st.text_area(tr("Ghi chú", "Note"), key=NOTE_KEY, height=80,
                     help=tr(f"Tối đa {MAX_NOTE:,} ký tự.".replace(",", "."), f"At most {MAX_NOTE:,} characters."))
        if loaded:
            st.checkbox(tr("Lưu thành phiên bản mới của kịch bản đang mở (bỏ chọn để lưu thành kịch bản mới)",
                           "Save as a new version of the open scenario (clear to save as a new scenario)"),
                        key=AS_VERSION_KEY)
            st.caption(tr("Kịch bản đang mở:", "Open scenario:"))
            st.text(f"{loaded['name']} · v{loaded['version']}")
            if newer is not None:
                st.checkbox(tr(f"Vẫn lưu bản của tôi thành phiên bản {newer.version + 1}",
                               f"Save mine as version {newer.version + 1} anyway"), key=OVER_NEWER_KEY)
        if taken:
            st.checkbox(tr("Vẫn lưu thành một kịch bản mới cùng tên", "Save a second scenario with the same name anyway"),
                        key=SAME_NAME_KEY)
        st.form_submit_button(tr("Lưu", "Save"), icon=":material/save:", type="primary", on_click=_save)


def _list_frame(rows: list[SavedScenario]) -> pd.DataFrame:
    lang = state.lang()
    records = []
    for row in rows:
        try:
            pack_name = load_pack(row.pack).name(lang)
        except PlannerError:
            pack_name = row.pack
        records.append({
            tr("Tên", "Name"): row.name,
            tr("Người lập", "Author"): row.author,
            tr("Gói kế hoạch", "Plan pack"): pack_name,
            tr("Lưu lúc (giờ Việt Nam)", "Saved (Vietnam time)"): local_time(row.saved_at, lang),
            tr("Số phiên bản", "Versions"): row.version,
            tr("Trạng thái", "Status"): tr("Đã xóa", "Deleted") if row.deleted else tr("Đang dùng", "Active"),
        })
    return pd.DataFrame(records)


def _saved_list() -> None:
    query = st.text_input(tr("Tìm theo tên, người lập, ghi chú", "Search by name, author, note"), key=QUERY_KEY,
                          max_chars=200, placeholder=tr("ví dụ: hai duong lac quan", "e.g. optimistic"))
    show_deleted = st.toggle(tr("Hiện cả kịch bản đã xóa", "Show deleted scenarios"), key=DELETED_KEY)
    try:
        rows = state.store().list(query or "", include_deleted=bool(show_deleted))
    except PlannerError as exc:
        show_error(exc)
        return
    if not rows:
        st.caption(tr("Không có kịch bản đã lưu nào khớp.", "No saved scenario matches.")
                   if query else tr("Chưa có kịch bản nào được lưu.", "No scenario saved yet."))
        return
    st.dataframe(_list_frame(rows), hide_index=True, width="stretch", key="saved_table")

    by_id = {row.id: row for row in rows}
    ids = list(by_id)
    if st.session_state.get(PICK_KEY) not in by_id:
        st.session_state[PICK_KEY] = ids[0]
    picked = st.selectbox(tr("Chọn kịch bản", "Choose a scenario"), ids, key=PICK_KEY,
                          format_func=lambda i: f"{by_id[i].name} · v{by_id[i].version}"
                          + (tr(" (đã xóa)", " (deleted)") if by_id[i].deleted else ""))
    row = by_id[picked]
    if row.note:
        st.text(row.note)
    store = state.store()
    with st.container(horizontal=True):
        if row.deleted:
            if store.may("scenario.restore"):
                st.button(tr("Khôi phục", "Restore"), key="saved_restore", icon=":material/restore_from_trash:",
                          on_click=_restore, args=(row.id,))
            else:
                st.caption(tr("Chỉ người quản trị khôi phục được kịch bản đã xóa.",
                              "Only an administrator can restore a deleted scenario."))
        else:
            st.button(tr("Mở bản mới nhất", "Open the latest version"), key="saved_load", type="primary",
                      icon=":material/file_open:", on_click=_load, args=(row.id,))
            if store.may("scenario.delete"):
                st.button(tr("Xóa", "Delete"), key="saved_delete", icon=":material/delete:",
                          on_click=_ask_delete, args=(row.id,))
    if row.deleted:
        return
    if st.session_state.get(CONFIRM_DELETE) == row.id:  # one click asks; the second, on purpose, deletes
        st.warning(escape_markdown(tr(
            f"Xóa kịch bản “{row.name}” ({row.version} phiên bản)? Kịch bản được giữ lại và có thể khôi phục.",
            f"Delete the scenario “{row.name}” ({row.version} versions)? It is kept and can be restored.")),
            icon=":material/delete:")
        with st.container(horizontal=True):
            st.button(tr("Có, xóa", "Yes, delete"), key="saved_delete_confirm", type="primary",
                      icon=":material/delete:", on_click=_delete, args=(row.id,))
            st.button(tr("Không xóa", "Keep it"), key="saved_delete_cancel", on_click=_cancel_delete)
    try:
        versions = state.store().versions(row.id)
    except PlannerError as exc:
        show_error(exc)
        return
    if len(versions) > 1:
        by_version = {v.version: v for v in versions}
        numbers = sorted(by_version, reverse=True)
        if st.session_state.get(VERSION_KEY) not in by_version:
            st.session_state[VERSION_KEY] = numbers[0]
        lang = state.lang()
        with st.container(horizontal=True, vertical_alignment="bottom"):
            chosen = st.selectbox(
                tr("Các phiên bản", "Versions"), numbers, key=VERSION_KEY,
                format_func=lambda n: f"v{n} · {local_time(by_version[n].saved_at, lang)} · "
                f"{by_version[n].name}" + (f" · {by_version[n].author}" if by_version[n].author else ""))
            st.button(tr("Mở phiên bản này", "Open this version"), key="saved_load_version",
                      icon=":material/history:", on_click=_load, args=(row.id, chosen))


def _files() -> None:
    data = state.scenario()
    col1, col2 = st.columns(2)
    with col1:
        try:
            dumps(data)  # one that cannot be written shows why, instead of a button
        except PlannerError as exc:
            show_error(exc)
        else:
            # Made when pressed, from the scenario as it is then: sliders above rerun only their own
            # section, so bytes made when this section was drawn could miss the latest moves.
            st.download_button(tr("Tải kịch bản hiện tại (JSON)", "Download the current scenario (JSON)"),
                               data=state.scenario_file_maker(), file_name=safe_file_name(data.get("name", "")) + ".json",
                               mime="application/json", icon=":material/download:", key="scenario_download",
                               on_click="ignore")
            st.caption(tr("Tệp chỉ ghi những giả định khác với kịch bản mẫu; mở lại bằng ô bên cạnh hoặc "
                          "dùng với dòng lệnh (python -m planner assess --scenario tệp.json).",
                          "The file holds only the assumptions that differ from the preset; open it again "
                          "beside this, or use it with the command line (python -m planner assess --scenario file.json)."))
    with col2:
        uploads.uploader(tr("Mở kịch bản từ tệp JSON", "Open a scenario from a JSON file"), UPLOAD_KEY, ["json"],
                         MAX_IMPORT_BYTES, _import,
                         help=tr("Kịch bản của gói kế hoạch khác được mở cùng với gói đó (có thông báo).",
                                 "A scenario of another plan pack is opened together with that pack (with a notice)."))

OPEN_KEY = SAVED_OPEN_KEY


def saved_section() -> None:
    """The whole section: warning about a recovered store, messages, save form, list, files."""
    st.header(tr("Kịch bản đã lưu", "Saved scenarios"), divider="gray")
    _recovered_warning()
    _messages()
    _newer_warning(_open_scenario())
    # A lazy expander: closed, it draws nothing, which keeps the page light for the sliders above.
    section = st.expander(tr("Lưu, tìm và mở kịch bản; tệp JSON", "Save, find and open scenarios; JSON files"),
                          key=OPEN_KEY, on_change="rerun", icon=":material/save:")
    with section:
        if not section.open:
            return
        left, right = st.columns([2, 3], gap="large")
        with left:
            st.subheader(tr("Lưu kịch bản hiện tại", "Save the current scenario"))
            _save_form()
        with right:
            st.subheader(tr("Tìm và mở", "Find and open"))
            _saved_list()
        st.subheader(tr("Tệp kịch bản", "Scenario files"))
        _files()

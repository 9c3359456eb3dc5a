"""The Data page's plan-pack section: the pack's own notes, its untracked figures, and uploading a pack.

An uploaded pack (a zip of the folder, or its files) is checked exactly as ``pack validate`` checks a
folder; a good one is added to this session's choice of packs and selected, so its scorecard shows at
once; a broken one shows every problem, one per line, and changes nothing.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from planner.errors import PlannerError
from planner.packs import Pack, load_pack, register
from planner.packs.archive import MAX_UPLOAD_BYTES, read_upload_files
from planner.packs.read import PACK_FILES, PackError
from planner.text import target_value
from ui import state, uploads
from ui.state import escape_markdown, tr

UPLOAD_KEY = "pack_upload"
STATUS = "pack_upload_status"  # {"ok": bool, "name", "problems": [PlannerError], "warnings": [...], "pack"}
FILES = "pack_upload_files"  # (runtime id, {file name: bytes}) of the last good upload
SAVED = "pack_save_status"
AUTHOR_KEY = "pack_save_author"


def _on_upload() -> None:
    uploads = st.session_state.get(UPLOAD_KEY) or []
    if not uploads:
        return
    names = ", ".join(u.name for u in uploads)
    try:
        pack, warnings, files = read_upload_files([(u.name, u.getvalue()) for u in uploads])
    except PackError as exc:
        st.session_state[STATUS] = {"ok": False, "name": names, "problems": exc.problems, "warnings": exc.warnings}
        return
    except PlannerError as exc:
        st.session_state[STATUS] = {"ok": False, "name": names, "problems": [exc], "warnings": []}
        return
    register(pack)
    state.add_session_pack(pack.id)
    state.set_pack(pack.id)
    st.session_state[STATUS] = {"ok": True, "name": names, "pack": pack.id, "warnings": warnings,
                                "targets": len(pack.targets), "modelled": sum(t.modelled for t in pack.targets)}
    st.session_state[FILES] = (pack.id, files)  # kept so an editor can save exactly what was checked
    st.session_state.pop(SAVED, None)


def _on_save() -> None:
    kept = st.session_state.get(FILES)
    if not kept:
        return
    pack_id, files = kept
    try:
        stored = state.store().save_pack(files, author=st.session_state.get(AUTHOR_KEY, "") or "")
    except PlannerError as exc:
        st.session_state[SAVED] = {"ok": False, "error": exc}
        return
    state.stored_changed()
    st.session_state[SAVED] = {"ok": True, "pack": stored.pack, "version": stored.version, "author": stored.author}


def pack_zip(pack: Pack) -> bytes | None:
    """The pack's own files as a zip (a starting point for another plan); None for an uploaded pack."""
    folder = Path(pack.folder) if pack.folder and pack.folder != "upload" else None
    if folder is None or not folder.is_dir():
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in PACK_FILES:
            if (folder / name).is_file():
                archive.write(folder / name, f"{pack.id}/{name}")
    return out.getvalue()


def show_notes(pack: Pack) -> None:
    """The pack's own prose (area, administrative changes, its readings of the plan), as written."""
    lang = state.lang()
    text = pack.notes_in(lang)
    if not text:
        st.caption(tr("Gói này không có ghi chú riêng (notes.vi.md, notes.en.md).",
                      "This pack has no notes of its own (notes.vi.md, notes.en.md)."))
        return
    if not pack.notes.get(lang):
        st.caption(tr("Ghi chú của gói chỉ có bằng tiếng Anh.", "The pack's notes exist in Vietnamese only."))
    st.markdown(text)


def show_tracked(pack: Pack) -> None:
    """Figures of the indicators the pack declares itself (never projected, only tracked)."""
    if not pack.declared:
        return
    lang = state.lang()
    st.subheader(tr("Chỉ số chỉ theo dõi (không dự báo)", "Indicators tracked, not projected"))
    st.caption(tr("Gói khai báo các chỉ số này trong indicators.csv; mô hình không dự báo chúng. Chỉ tiêu trên các "
                  "chỉ số này vẫn có trong bảng điểm và được đọc bằng số liệu thực tế.",
                  "The pack declares these indicators in indicators.csv; the engine does not project them. Targets "
                  "on them stay on the scorecard, read on actual figures."))
    by_indicator = {}
    for o in pack.tracked:
        by_indicator.setdefault(o.indicator, []).append(o)
    rows = []
    for ind in pack.declared.values():
        figures = sorted(by_indicator.get(ind.id, []), key=lambda o: o.year)
        shown = "; ".join(f"{o.year}: {_value(pack, ind.id, o.value, lang)}" for o in figures)
        rows.append({tr("Mã", "Id"): ind.id, tr("Chỉ số", "Indicator"): ind.label(lang),
                     tr("Đơn vị", "Unit"): ind.unit(lang),
                     tr("Số liệu", "Figures"): shown or tr("chưa có", "none yet"),
                     tr("Nguồn", "Source"): "; ".join(dict.fromkeys(o.source_in(lang) for o in figures if o.source))})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="tracked_table")


def _value(pack: Pack, indicator: str, value: float, lang: str) -> str:
    target = next((t for t in pack.targets if t.indicator == indicator and t.kind not in ("ratio", "growth")), None)
    if target is not None:
        return target_value(pack, target, value, lang)
    from planner.fmt import number, percent
    return percent(value, 1, lang) if pack.indicator(indicator).is_share else number(value, 0, lang)


def show_upload(pack: Pack) -> None:
    st.subheader(tr("Tải lên một gói kế hoạch", "Upload a plan pack"))
    st.markdown(tr(
        "Một tỉnh, thành phố có thể tự viết gói kế hoạch của mình bằng Excel: các tệp CSV (UTF-8) và pack.toml, "
        "mô tả trong tài liệu docs/packs.md. Tải lên **một tệp zip** của thư mục gói, hoặc **các tệp** của gói "
        "(pack.toml, targets.csv, baseline.csv, presets.csv …). Gói được kiểm tra như lệnh "
        "`python -m planner pack validate`; nếu hợp lệ, gói được chọn ngay và bảng điểm hiện ở trang Tổng quan. "
        "Gói chỉ được giữ trong phiên làm việc này.",
        "A province or city can write its own plan pack with Excel: CSV files (UTF-8) and pack.toml, described "
        "in docs/packs.md. Upload **one zip** of the pack's folder, or **the pack's files** (pack.toml, "
        "targets.csv, baseline.csv, presets.csv …). The pack is checked as `python -m planner pack validate` "
        "checks it; if it is valid it is selected at once and its scorecard shows on the Overview page. The "
        "pack is kept for this session only."))
    col1, col2 = st.columns([3, 2])
    with col1:
        st.file_uploader(tr("Chọn tệp zip hoặc các tệp của gói", "Choose a zip or the pack's files"),
                         type=["zip", "csv", "toml", "md"], accept_multiple_files=True, key=UPLOAD_KEY,
                         on_change=_on_upload, max_upload_size=uploads.ceiling_mb(MAX_UPLOAD_BYTES),
                         help=tr(f"Tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Tên tệp dùng được: "
                                 f"{', '.join(PACK_FILES)}.",
                                 f"At most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. File names allowed: "
                                 f"{', '.join(PACK_FILES)}."))
    with col2:
        data = pack_zip(pack)
        if data is not None:
            st.download_button(tr("Tải gói này về (zip) làm điểm xuất phát", "Download this pack (zip) as a start"),
                               data=data, file_name=f"{pack.id}.zip", mime="application/zip",
                               icon=":material/download:", key="pack_download", on_click="ignore")
            st.caption(tr("Sửa các tệp trong Excel, đổi mã (id) trong pack.toml rồi tải lên lại.",
                          "Edit the files in Excel, change the id in pack.toml, then upload it again."))
    show_stored()
    status = st.session_state.get(STATUS)
    if not status:
        return
    lang = state.lang()
    if status["ok"]:
        st.success(escape_markdown(tr(
            f"Đã đọc gói từ {status['name']}: {status['targets']} chỉ tiêu, {status['modelled']} được dự báo. "
            "Gói đã được chọn.",
            f"Read the pack from {status['name']}: {status['targets']} targets, {status['modelled']} projected. "
            "The pack is now selected.")), icon=":material/check_circle:")
        st.page_link("pages/overview.py", label=tr("Xem bảng điểm", "See the scorecard"), icon=":material/table:")
        _save_section(status["pack"])
    else:
        problems = status["problems"]
        st.error(escape_markdown(tr(f"Gói trong {status['name']} không dùng được ({len(problems)} lỗi); không có gì "
                                    "thay đổi.",
                                    f"The pack in {status['name']} cannot be used ({len(problems)} "
                                    f"problem{'s' if len(problems) != 1 else ''}); nothing changed."))
                 + "\n\n" + "\n".join(f"- {escape_markdown(p.message(lang))}" for p in problems[:50]),
                 icon=":material/error:")
    for warning in status.get("warnings", [])[:20]:
        st.warning(escape_markdown(warning.message(lang)), icon=":material/info:")


def _save_section(pack_id: str) -> None:
    """Saving the uploaded pack to the store: every session then has it, each save a new version."""
    kept = st.session_state.get(FILES)
    saved = st.session_state.get(SAVED)
    if kept and kept[0] == pack_id:
        try:
            allowed = state.store().may("pack.save")
        except PlannerError as exc:
            state.show_error(exc)
            return
        if not allowed:
            st.caption(tr("Chỉ người biên tập lưu được gói cho mọi phiên.", "Only editors can save a pack for every "
                          "session."))
        else:
            with st.form("pack_save_form", border=True):
                st.markdown(tr("**Lưu gói này vào kho** để mọi phiên làm việc đều có (mỗi lần lưu là một phiên "
                               "bản mới; không ghi đè).",
                               "**Save this pack to the store** so every session has it (each save is a new "
                               "version; nothing is overwritten)."))
                if state.store().actor is None:
                    st.text_input(tr("Người lưu", "Saved by"), key=AUTHOR_KEY, max_chars=200)
                st.form_submit_button(tr("Lưu gói vào kho", "Save the pack to the store"), icon=":material/save:",
                                      on_click=_on_save)
    if saved:
        if saved["ok"]:
            who = f" ({saved['author']})" if saved["author"] else ""
            st.success(escape_markdown(tr(f"Đã lưu gói {saved['pack']}, bản {saved['version']}{who}, vào kho.",
                                          f"Saved pack {saved['pack']}, version {saved['version']}{who}, to the store.")),
                       icon=":material/check_circle:")
        else:
            state.show_error(saved["error"])


def show_stored() -> None:
    """The packs saved to the store, each with its versions and authors."""
    heads = state.stored_packs()
    if not heads:
        return
    st.subheader(tr("Gói kế hoạch trong kho", "Plan packs in the store"))
    rows = []
    for runtime_id, version, author, saved_at in heads:
        rows.append({tr("Gói", "Pack"): load_pack(runtime_id).name(state.lang()),
                     tr("Bản", "Version"): version, tr("Người lưu", "Saved by"): author,
                     tr("Lúc lưu (UTC)", "Saved at (UTC)"): saved_at[:16].replace("T", " ")})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="stored_packs_table")

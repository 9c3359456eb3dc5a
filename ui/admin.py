"""The administration page's pieces: roles, deleted scenarios and removed figures to restore, the audit.

Registered in the navigation only for admins (app.py); the store refuses a non-admin's grant or
restore anyway, so a crafted request changes nothing.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from planner.errors import PlannerError
from planner.registry import INDICATOR_BY_ID
from planner.store import ROLES
from ui import state
from ui.auth import role_label
from ui.saved import local_time
from ui.state import tr

FLASH = "admin_flash"
ACTIONS = {
    "scenario.save": ("lưu kịch bản", "saved a scenario"),
    "scenario.delete": ("xóa kịch bản", "deleted a scenario"),
    "scenario.restore": ("khôi phục kịch bản", "restored a scenario"),
    "figure.save": ("nhập số liệu", "entered a figure"),
    "figure.remove": ("xóa số liệu", "removed a figure"),
    "figure.restore": ("khôi phục số liệu", "restored a figure"),
    "figure.import": ("nhập tệp số liệu", "imported figures"),
    "role.grant": ("cấp quyền", "granted a role"),
    "backup.restore": ("nhập bản sao lưu", "restored a backup"),
}


def _run(action, ok_vi: str, ok_en: str) -> None:
    try:
        action()
    except PlannerError as exc:
        st.session_state[FLASH] = ("error", exc)
        return
    st.session_state[FLASH] = ("ok", (ok_vi, ok_en))


def messages() -> None:
    flash = st.session_state.pop(FLASH, None)
    if flash and flash[0] == "ok":
        st.success(tr(*flash[1]))
    elif flash:
        state.show_error(flash[1])


def _grant() -> None:
    email, role = st.session_state.get("admin_email", ""), st.session_state.get("admin_role", "viewer")
    _run(lambda: state.store().set_role(email, role), f"Đã cấp quyền {role_label(role)} cho {email}.",
         f"{email} now has the {role_label(role)} role.")


def roles_section() -> None:
    st.subheader(tr("Quyền của người dùng", "Users' roles"))
    store = state.store()
    grants = store.role_grants()
    if grants:
        lang = state.lang()
        st.dataframe(pd.DataFrame([{tr("Thư điện tử", "E-mail"): g.email, tr("Quyền", "Role"): role_label(g.role),
                                    tr("Cấp bởi", "Granted by"): g.granted_by,
                                    tr("Lúc (giờ Việt Nam)", "When (Vietnam time)"): local_time(g.granted_at, lang)}
                                   for g in grants]), hide_index=True, width="stretch", key="admin_roles")
    admins = sorted(store.admins)
    if admins:
        st.caption(tr("Quản trị theo cấu hình (luôn có quyền quản trị): ", "Admins by configuration (always admins): ")
                   + ", ".join(admins))
    st.caption(tr("Người đăng nhập chưa được cấp quyền chỉ được xem.",
                  "A signed-in person who has not been granted a role may only view."))
    with st.form("admin_grant_form", enter_to_submit=False):
        st.text_input(tr("Thư điện tử", "E-mail"), key="admin_email", placeholder="ten@haiphong.gov.vn")
        st.selectbox(tr("Quyền", "Role"), list(ROLES), key="admin_role", format_func=role_label)
        st.form_submit_button(tr("Cấp quyền", "Grant"), icon=":material/admin_panel_settings:", on_click=_grant)


def deleted_section() -> None:
    st.subheader(tr("Khôi phục mục đã xóa", "Restore deleted items"))
    store = state.store()
    deleted = [s for s in store.list(include_deleted=True) if s.deleted]
    if deleted:
        by_id = {s.id: s for s in deleted}
        picked = st.selectbox(tr("Kịch bản đã xóa", "Deleted scenario"), list(by_id), key="admin_deleted",
                              format_func=lambda i: f"{by_id[i].name} · v{by_id[i].version} · "
                              f"{local_time(by_id[i].deleted_at or '', state.lang())}")
        st.button(tr("Khôi phục kịch bản", "Restore the scenario"), key="admin_restore_scenario",
                  icon=":material/restore_from_trash:",
                  on_click=_run, args=(lambda: state.store().restore(picked), "Đã khôi phục kịch bản.",
                                       "Scenario restored."))
    else:
        st.caption(tr("Không có kịch bản nào bị xóa.", "No deleted scenario."))
    pack = state.pack()
    removed = [f for f in store.figures(pack.id, include_removed=True) if f.removed]
    if removed:
        keys = {f"{f.indicator}|{f.year}": f for f in removed}
        lang = state.lang()
        chosen = st.selectbox(tr("Số liệu thực tế đã xóa", "Removed actual figure"), list(keys), key="admin_removed",
                              format_func=lambda k: f"{INDICATOR_BY_ID[keys[k].indicator].label(lang)} "
                              f"{keys[k].year}: {keys[k].value:g} · {keys[k].author}")
        figure = keys[chosen]
        st.button(tr("Khôi phục số liệu", "Restore the figure"), key="admin_restore_figure",
                  icon=":material/restore_from_trash:",
                  on_click=_run, args=(lambda: state.store().restore_figure(pack.id, figure.indicator, figure.year),
                                       "Đã khôi phục số liệu.", "Figure restored."))
    else:
        st.caption(tr("Không có số liệu thực tế nào bị xóa trong gói này.", "No removed actual figure in this pack."))


def audit_section() -> None:
    st.subheader(tr("Nhật ký thay đổi", "Audit trail"))
    store = state.store()
    left, right = st.columns(2)
    who = left.text_input(tr("Người thực hiện (thư điện tử)", "Who (e-mail)"), key="audit_actor").strip()
    action = right.selectbox(tr("Việc", "Action"), ["", *ACTIONS], key="audit_action",
                             format_func=lambda a: tr(*ACTIONS[a]) if a else tr("Mọi việc", "Every action"))
    entries = store.audit_log(limit=1000, actor=who.casefold() if "@" in who else who, action=action)
    if not entries:
        st.caption(tr("Chưa có thay đổi nào khớp.", "No change matches."))
        return
    lang = state.lang()
    st.dataframe(pd.DataFrame([{
        tr("Lúc (giờ Việt Nam)", "When (Vietnam time)"): local_time(e.at, lang),
        tr("Ai", "Who"): e.actor,
        tr("Việc", "Action"): tr(*ACTIONS.get(e.action, (e.action, e.action))),
        tr("Gói", "Pack"): e.pack,
        tr("Đối tượng", "Item"): e.target,
        tr("Chi tiết", "Details"): ", ".join(f"{k}={v}" for k, v in json.loads(e.detail or "{}").items()),
    } for e in entries]), hide_index=True, width="stretch", key="audit_table")
    st.caption(tr(f"{len(entries)} thay đổi gần nhất.", f"The latest {len(entries)} changes."))


def store_section() -> None:
    store = state.store()
    counts = store.counts()
    st.caption(tr(f"Cơ sở dữ liệu: {store.backend} · {store.where}", f"Database: {store.backend} · {store.where}"))
    st.caption(" · ".join(f"{k}: {v}" for k, v in counts.items()))

"""Quản trị / Administration: roles, restoring deleted items, the audit trail (admins only)."""

import streamlit as st

from planner.errors import PlannerError
from ui import admin, state
from ui.state import tr

st.title(tr("Quản trị", "Administration"))
if state.store().role() not in (None, "admin"):  # not registered for others; a crafted URL sees nothing either
    st.error(tr("Trang này chỉ dành cho người quản trị.", "This page is for administrators only."))
    st.stop()
admin.messages()
try:
    admin.roles_section()
    admin.deleted_section()
    admin.audit_section()
    admin.store_section()
except PlannerError as exc:
    state.show_error(exc)

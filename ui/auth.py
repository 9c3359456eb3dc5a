"""Sign-in, when the secrets have an ``[auth]`` section (OpenID Connect through ``st.login``).

Without ``[auth]`` the app works as it always has: no sign-in, everyone may save, the author is the
name typed in the form.  With it, every page waits for sign-in, the store acts for the signed-in
person (``ScenarioStore.as_actor``) and checks their role on every write; the first admins come from
``[planner] admins = ["…"]`` in the secrets or ``$PLANNER_ADMINS``.  Nothing here is a guard on its
own: hiding a button only spares a user a refusal the store would give anyway.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from planner.store import Actor
from planner.store.roles import ROLE_EN, ROLE_VI
from ui.state import tr

log = logging.getLogger("planner.auth")
NOBODY = Actor("chua-dang-nhap@invalid", "")  # not signed in: reads only, like a viewer


def _secrets_section(name: str) -> Any:
    try:
        return st.secrets.get(name, None)
    except Exception:  # noqa: BLE001 - no secrets file, or a malformed one: no sign-in configured
        return None


def enabled() -> bool:
    """Whether sign-in is configured (an ``[auth]`` section in the secrets)."""
    return _secrets_section("auth") is not None


def configured_admin_list() -> list[str]:
    planner = _secrets_section("planner")
    try:
        admins = planner.get("admins", []) if planner is not None else []
    except AttributeError:
        return []
    return [str(a) for a in admins] if isinstance(admins, (list, tuple)) else []


def _claim(name: str) -> str:
    try:
        value = st.user.get(name)
    except Exception:  # noqa: BLE001
        return ""
    return str(value).strip() if value else ""


def actor() -> Actor | None:
    """The signed-in person, ``NOBODY`` while sign-in is configured but not done, None without sign-in."""
    if not enabled():
        return None
    try:
        logged_in = bool(st.user.is_logged_in)
    except Exception:  # noqa: BLE001
        logged_in = False
    if not logged_in:
        return NOBODY
    email = _claim("email") or _claim("preferred_username") or _claim("sub")
    if "@" not in email:  # a provider without e-mail claims: the subject, made unique per provider
        email = f"{email or 'unknown'}@{_claim('iss').split('//')[-1].split('/')[0] or 'oidc'}"
    return Actor(email.casefold(), _claim("name"))


def gate() -> None:
    """With sign-in configured, stop every page until the person has signed in."""
    if not enabled() or actor() is not NOBODY:
        return
    st.title(tr("Kế hoạch kinh tế tập thể", "Collective economy planner"))
    st.info(tr("Hãy đăng nhập bằng tài khoản của cơ quan để dùng ứng dụng.",
               "Sign in with your department's account to use the app."), icon=":material/login:")
    st.button(tr("Đăng nhập", "Sign in"), key="auth_login", type="primary", icon=":material/login:", on_click=st.login)
    st.stop()


def role_label(role: str | None) -> str:
    return tr(ROLE_VI.get(role or "", ""), ROLE_EN.get(role or "", ""))


def sidebar(role: str | None) -> None:
    """Who is signed in, with which role, and a way out."""
    person = actor()
    if person is None or person is NOBODY:
        return
    st.caption(tr("Đã đăng nhập:", "Signed in:"))
    st.text(person.label)
    st.caption(tr(f"Quyền: {role_label(role)}", f"Role: {role_label(role)}"))
    st.button(tr("Đăng xuất", "Sign out"), key="auth_logout", icon=":material/logout:", on_click=st.logout)

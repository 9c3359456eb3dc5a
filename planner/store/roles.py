"""Who may do what, when sign-in is configured: viewer < editor < admin.

The checks live in the store (``core.py``), inside the write transaction, so a request above one's
role changes nothing whether it comes from a page, a crafted request or a script: the page hiding a
button is a courtesy, not the guard.  Without sign-in (``Actor`` None) everything is allowed, as on
a laptop in a meeting, and the author is the typed name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from ..errors import PlannerError

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
LEVEL = {role: i for i, role in enumerate(ROLES)}
DEFAULT_ROLE = "viewer"  # a signed-in user nobody has granted anything reads and downloads only
ADMINS_ENV = "PLANNER_ADMINS"  # comma-separated e-mails who are always admins (the first admin)
ROLE_VI = {"viewer": "xem", "editor": "biên tập", "admin": "quản trị"}
ROLE_EN = {"viewer": "viewer", "editor": "editor", "admin": "admin"}
_EMAIL = re.compile(r"[^@\s]{1,100}@[^@\s]{1,150}")

# What each action needs, with its words for the refusal.
NEEDS: dict[str, tuple[str, str, str]] = {
    "scenario.save": ("editor", "lưu kịch bản", "save scenarios"),
    "scenario.delete": ("editor", "xóa kịch bản", "delete scenarios"),
    "scenario.restore": ("admin", "khôi phục kịch bản đã xóa", "restore deleted scenarios"),
    "figure.save": ("editor", "nhập số liệu thực tế", "enter actual figures"),
    "figure.remove": ("editor", "xóa số liệu thực tế", "remove actual figures"),
    "figure.restore": ("editor", "khôi phục phiên bản số liệu", "restore a version of a figure"),
    "figure.undelete": ("admin", "khôi phục số liệu đã xóa", "restore removed figures"),
    "figure.import": ("editor", "nhập tệp số liệu thực tế", "import actual figures"),
    "role.grant": ("admin", "cấp quyền", "grant roles"),
    "pack.save": ("editor", "lưu gói kế hoạch cho mọi phiên", "save plan packs for every session"),
    "backup.restore": ("admin", "nhập bản sao lưu", "restore a backup"),
}


@dataclass(frozen=True)
class Actor:
    """A signed-in person: the identity provider's e-mail (the key of their role) and display name."""

    email: str
    name: str = ""

    @property
    def label(self) -> str:
        """What is stored as the author: the name with the e-mail, or the e-mail alone."""
        return f"{self.name} <{self.email}>"[:200] if self.name else self.email


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    pack: str
    target: str
    detail: str


@dataclass(frozen=True)
class RoleGrant:
    email: str
    role: str
    granted_by: str
    granted_at: str


class Forbidden(PlannerError):
    """A request above the actor's role: refused, nothing written."""


def check_email(value: Any, where: str = "email") -> str:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()):
        shown = str(value)[:60]
        raise PlannerError(f"địa chỉ thư điện tử không hợp lệ: '{shown}'", f"invalid e-mail address: '{shown}'", where)
    return value.strip().casefold()


def check_role(value: Any, where: str = "role") -> str:
    if value not in ROLES:
        raise PlannerError(f"vai trò phải là một trong: {', '.join(ROLES)}",
                           f"the role must be one of: {', '.join(ROLES)}", where)
    return value


def configured_admins(extra: tuple[str, ...] | list[str] = ()) -> frozenset[str]:
    """E-mails who are admins whatever the database says: ``$PLANNER_ADMINS`` plus ``extra``
    (the app passes the secrets' list); so a city can never lock itself out."""
    items = [*os.environ.get(ADMINS_ENV, "").split(","), *extra]
    return frozenset(e.strip().casefold() for e in items if isinstance(e, str) and _EMAIL.fullmatch(e.strip()))


def forbidden(actor: Actor, role: str, action: str) -> Forbidden:
    needed, vi, en = NEEDS[action]
    return Forbidden(
        f"tài khoản {actor.email} có quyền {ROLE_VI[role]}, không được {vi} (cần quyền {ROLE_VI[needed]}); "
        "không có gì thay đổi. Hãy nhờ người quản trị cấp quyền.",
        f"the account {actor.email} is a {ROLE_EN[role]} and may not {en} (it needs the {ROLE_EN[needed]} "
        "role); nothing was changed. Ask an administrator for the role.")

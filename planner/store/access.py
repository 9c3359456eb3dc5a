"""The store's roles and audit trail: who may write, who is the author, and the record of every change.

A mixin of ``ScenarioStore`` (core.py): the checks run inside the caller's write transaction.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa

from .checks import now
from .roles import (
    DEFAULT_ROLE,
    LEVEL,
    NEEDS,
    Actor,
    AuditEntry,
    RoleGrant,
    check_email,
    check_role,
    forbidden,
)
from .schema import audit, roles

log = logging.getLogger("planner.store")


class AccessMethods:
    """Roles, authorship and the audit trail (see roles.py for who may do what)."""

    actor: Actor | None
    admins: frozenset[str]

    def _role_of(self, conn: sa.Connection, email: str) -> str:
        if email in self.admins:
            return "admin"
        found = conn.execute(sa.select(roles.c.role).where(roles.c.email == email)).scalar()
        return found or DEFAULT_ROLE

    def role(self, email: str | None = None) -> str | None:
        """The role of ``email`` (default: the actor); None without sign-in (everything allowed)."""
        if email is None:
            if self.actor is None:
                return None
            email = self.actor.email
        email = check_email(email)
        return self._read(lambda conn: self._role_of(conn, email))

    def may(self, action: str) -> bool:
        """Whether the actor may do ``action`` (for drawing the page; the store checks again on writing)."""
        role = self.role()
        return role is None or LEVEL[role] >= LEVEL[NEEDS[action][0]]

    def _authorize(self, conn: sa.Connection, action: str) -> None:
        if self.actor is None:
            return
        role = self._role_of(conn, self.actor.email)
        if LEVEL[role] < LEVEL[NEEDS[action][0]]:
            log.warning("store: refused %s for %s (role %s)", action, self.actor.email, role)
            raise forbidden(self.actor, role, action)

    def _author(self, typed: str) -> str:
        """The signed-in identity when there is one; else the typed name, as before sign-in existed."""
        return self.actor.label if self.actor is not None else typed

    def _audit(self, conn: sa.Connection, action: str, pack: str = "", target: str = "", typed: str = "",
               **detail: Any) -> None:
        actor = self.actor.email if self.actor is not None else typed
        conn.execute(audit.insert().values(at=now(), actor=actor, action=action, pack=pack, target=target,
                                           detail=json.dumps(detail, ensure_ascii=False, sort_keys=True)))

    def set_role(self, email: str, role: str) -> RoleGrant:
        """Grant ``role`` to ``email`` (admins only, when signed in); the grant is audited."""
        email, role = check_email(email), check_role(role)
        by = self.actor.email if self.actor is not None else ""

        def op(conn: sa.Connection) -> RoleGrant:
            self._authorize(conn, "role.grant")
            at = now()
            old = conn.execute(sa.select(roles.c.role).where(roles.c.email == email)).scalar()
            if old is None:
                conn.execute(roles.insert().values(email=email, role=role, granted_by=by, granted_at=at))
            else:
                conn.execute(roles.update().where(roles.c.email == email)
                             .values(role=role, granted_by=by, granted_at=at))
            self._audit(conn, "role.grant", target=email, role=role, before=old)
            return RoleGrant(email, role, by, at)

        return self._write(op, "role.grant")

    def role_grants(self) -> list[RoleGrant]:
        rows = self._read(lambda conn: conn.execute(sa.select(roles).order_by(roles.c.email)).all())
        return [RoleGrant(*row) for row in rows]

    def audit_log(self, limit: int = 500, actor: str = "", action: str = "") -> list[AuditEntry]:
        """The newest changes first: who did what, when."""
        query = sa.select(audit).order_by(audit.c.id.desc()).limit(max(1, min(int(limit), 10_000)))
        if actor:
            query = query.where(audit.c.actor == actor)
        if action:
            query = query.where(audit.c.action == action)
        rows = self._read(lambda conn: conn.execute(query).all())
        return [AuditEntry(*row) for row in rows]

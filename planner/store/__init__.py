"""The store of saved scenarios and actual figures: one interface, SQLite (default) or PostgreSQL.

``ScenarioStore(target)`` where ``target`` is a SQLite path or a URL (``postgresql://…``); by default
``$PLANNER_DB`` or ``<project>/var/scenarios.sqlite``.  See ``core.py`` for the guarantees,
``engine.py`` for the back-ends, ``migrate.py`` for schema upgrades, ``roles.py`` for sign-in roles
and ``move.py`` for copying a store from one back-end to the other.
"""

from __future__ import annotations

from .backup import BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MAX_BACKUP_CHARS
from .checks import MAX_AUTHOR, MAX_NAME, MAX_NOTE, MAX_SCENARIO_JSON, fold
from .core import ScenarioStore
from .engine import BUSY_TIMEOUT_S, ENV_VAR, PROJECT_ROOT, default_store_path, default_store_target, safe_url
from .figures import FigureImport, StoredFigure, observations
from .packs import StoredPack
from .records import NameTaken, RestoreReport, SavedScenario, SavedVersion, VersionConflict
from .roles import ROLES, Actor, AuditEntry, Forbidden, RoleGrant

__all__ = [
    "BACKUP_FORMAT", "BACKUP_FORMAT_VERSION", "BUSY_TIMEOUT_S", "ENV_VAR", "MAX_AUTHOR", "MAX_BACKUP_CHARS",
    "MAX_NAME", "MAX_NOTE", "MAX_SCENARIO_JSON", "PROJECT_ROOT", "ROLES", "Actor", "AuditEntry", "FigureImport",
    "Forbidden", "NameTaken", "RestoreReport", "RoleGrant", "SavedScenario", "SavedVersion", "ScenarioStore",
    "StoredFigure", "StoredPack", "VersionConflict", "default_store_path", "default_store_target", "fold", "observations",
    "safe_url",
]

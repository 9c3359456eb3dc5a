"""What the store hands back about saved scenarios, and the refusals a session can act on."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PlannerError


@dataclass(frozen=True)
class SavedScenario:
    """One saved scenario as shown in a list: its latest version and whether it is deleted."""

    id: str
    pack: str
    version: int
    name: str
    author: str
    note: str
    created_at: str
    saved_at: str
    deleted_at: str | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class SavedVersion:
    """One version of a saved scenario (metadata only; ``load`` gives the scenario itself)."""

    scenario_id: str
    version: int
    name: str
    author: str
    note: str
    saved_at: str


@dataclass(frozen=True)
class RestoreReport:
    """What ``restore_json`` did, so the app can tell the user."""

    scenarios_added: int
    versions_added: int
    versions_skipped: int
    conflicts: int  # skipped versions (of scenarios or figures) whose stored content differs from the backup's
    figures_added: int = 0
    figures_skipped: int = 0


class VersionConflict(PlannerError):
    """Someone else saved a newer version since this session's; nothing was written."""

    def __init__(self, vi: str, en: str, latest: SavedVersion) -> None:
        super().__init__(vi, en, "version")
        self.latest = latest


class NameTaken(PlannerError):
    """An active scenario of the pack already has this name; nothing was written."""

    def __init__(self, vi: str, en: str, existing: SavedScenario) -> None:
        super().__init__(vi, en, "name")
        self.existing = existing

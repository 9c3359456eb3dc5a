"""The engine's outputs for one scenario, as every shell uses them: the scenario run once (projection,
assessment, tidy trajectories), the figures behind the charts, and the plan's targets grouped by the
indicators they read (the Present page's screens, the report's sections).

Pure: no Streamlit, no file formats (those live in :mod:`planner.report`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .assess import TargetResult, assess, count_likely
from .model import Projection, project
from .packs import Observation, Pack, Target
from .registry import ADOPTION, COUNT_KINDS, INDICATORS
from .scenario import Resolved, resolve

TRAJECTORY_COLUMNS = ("year", "indicator", "deterministic", "mean", "p10", "p50", "p90")


def known_years(res: Resolved, indicator: str) -> set[int]:
    """Years whose value is known from actual figures (none without a figure after the base year): every
    year up to the latest figure of a stock or share, the years with a recorded count of foundings."""
    points = res.evidence.points(indicator) if res.evidence is not None else ()
    if indicator.startswith("new_"):
        return {y for y, _ in points}
    last = max((y for y, _ in points), default=None)
    return set(range(res.pack.base_year + 1, last + 1)) if last is not None else set()


def tidy_trajectories(proj: Projection, res: Resolved | None = None) -> pd.DataFrame:
    """Tidy rows of a projection, in registry order: the numbers of ``python -m planner project``.

    With the resolved scenario, years known from actual figures hold the figure (the central path runs
    through it) in every column: those years are not projected, so they have no spread.
    """
    frames = []
    for indicator in (i.id for i in INDICATORS if i.id in proj.draws):
        draws = proj.draws[indicator]
        p10, p50, p90 = np.percentile(draws, [10, 50, 90], axis=0)
        det = proj.deterministic[indicator]
        frame = pd.DataFrame({"year": proj.years.astype(int), "indicator": indicator, "deterministic": det,
                              "mean": draws.mean(axis=0), "p10": p10, "p50": p50, "p90": p90})
        known = known_years(res, indicator) if res is not None else set()
        if known:
            mask = frame["year"].isin(known).to_numpy()
            for column in ("mean", "p10", "p50", "p90"):
                frame.loc[mask, column] = frame.loc[mask, "deterministic"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def trajectory_rows(traj: pd.DataFrame) -> list[dict[str, Any]]:
    """Tidy trajectories as plain rows (ints and floats), the JSON and CSV shape of ``project``."""
    return [{"year": int(r.year), "indicator": r.indicator,
             **{k: float(getattr(r, k)) for k in TRAJECTORY_COLUMNS[2:]}}
            for r in traj.itertuples(index=False)]


@dataclass(frozen=True)
class Computed:
    """One scenario run through the engine: what every report and summary is made from."""

    res: Resolved
    data: dict[str, Any]
    results: list[TargetResult]
    traj: pd.DataFrame  # tidy: year, indicator, deterministic, mean, p10, p50, p90

    @property
    def pack(self) -> Pack:
        return self.res.pack

    @property
    def likely(self) -> int:
        """Likely met and not borderline (the headline's count, which does not change with the seed)."""
        return count_likely(self.results)


def compute(data: dict[str, Any]) -> Computed:
    """Resolve, project and assess a scenario dict (raises ``PlannerError`` on a bad one)."""
    res = resolve(data)
    proj = project(res.pack, res.values, res.settings, evidence=res.evidence)
    results = assess(res.pack, res.values, res.settings, proj=proj)
    return Computed(res, data, results, tidy_trajectories(proj, res))


def observations_frame(pack: Pack, uploaded: Iterable[Observation] = (), lang: str = "en") -> pd.DataFrame:
    """History, the pack's actual figures, uploaded figures and the baseline, tidy (as the charts draw
    them), with each source and note in ``lang`` where the pack gives one."""
    rows = [{"indicator": o.indicator, "year": o.year, "value": o.value, "kind": kind, "source": o.source_in(lang),
             "note": o.note_in(lang), "estimate": o.estimate, "basis": o.basis}
            for kind, obs in (("history", pack.series), ("actual", pack.actuals), ("uploaded", tuple(uploaded)))
            for o in obs if getattr(o, "from_year", None) is None]  # a total over years is no yearly point
    rows += [{"indicator": o.indicator, "year": o.year, "value": o.value, "kind": "history", "source": o.source_in(lang),
              "note": o.note_in(lang), "estimate": o.estimate, "basis": o.basis} for o in pack.baseline.values()
             if not any(r["indicator"] == o.indicator and r["year"] == o.year for r in rows)]
    return pd.DataFrame(rows, columns=["indicator", "year", "value", "kind", "source", "note", "estimate",
                                       "basis"])


def target_indicators(pack: Pack) -> list[str]:
    """Projected indicators with at least one target, in the order of the plan's targets (a target with no
    projection has no chart)."""
    return list(dict.fromkeys(t.indicator for t in pack.targets if t.modelled))


# --- Target groups ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetGroup:
    """Targets grouped by the indicators they read: a screen of the presentation."""

    id: str
    vi: str
    en: str
    indicators: tuple[str, ...]  # in priority order: the first one a pack has is the group's main indicator

    def label(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


TARGET_GROUPS: tuple[TargetGroup, ...] = (
    TargetGroup("founding", "Thành lập và số lượng tổ chức", "Founding and number of organisations",
                ("new_htx", "htx", "new_tht", "tht", "new_lhhtx", "lhhtx")),
    TargetGroup("quality", "Chất lượng hoạt động", "Quality of operation", ("good_fair_share",)),
    TargetGroup("technology", "Công nghệ cao và chuyển đổi số", "High technology and digital transformation",
                ("hightech", "digital_share")),
    TargetGroup("linkage", "Liên kết và xuất khẩu", "Linkage and export", ("linkage_share", "export")),
    # The last group also takes any target whose indicator no other group reads.
    TargetGroup("households", "Hộ, thành viên và tầm nhìn 2045", "Households, members and the 2045 vision",
                ("households_share", "members_share")),
)


def target_groups(pack: Pack) -> list[tuple[TargetGroup, list[Target]]]:
    """The pack's targets by group, in the order of the groups; groups without a target are left out."""
    by_group: dict[str, list[Target]] = {g.id: [] for g in TARGET_GROUPS}
    for target in pack.targets:
        group = next((g for g in TARGET_GROUPS if target.indicator in g.indicators), TARGET_GROUPS[-1])
        by_group[group.id].append(target)
    return [(g, by_group[g.id]) for g in TARGET_GROUPS if by_group[g.id]]


def main_indicator(group: TargetGroup, targets: Sequence[Target]) -> str:
    """The indicator a group's chart shows: the first of the group's indicators that has a target."""
    present = {t.indicator for t in targets}
    return next((i for i in group.indicators if i in present), targets[0].indicator)


def driving_levers(pack: Pack, target: Target) -> tuple[str, ...]:
    """The levers that move a target most directly, the most direct first: foundings for counts, upgrading
    for quality, the push ``p`` (then the ceiling) for an adopting share, export growth for exporters."""
    indicator = target.indicator.removeprefix("new_")
    family = {v: k for k, v in ADOPTION.items()}
    if indicator in COUNT_KINDS:
        wanted: tuple[str, ...] = (f"{indicator}_new_per_year",)
    elif indicator == "good_fair_share":
        wanted = ("quality_upgrade_rate", "quality_dissolution_weak_share")
    elif indicator in family:
        wanted = (f"{family[indicator]}_p", f"{family[indicator]}_ceiling")
    elif indicator == "export":
        wanted = ("export_growth",)
    else:
        wanted = ()
    known = {lv.id for lv in pack.levers}
    return tuple(lever for lever in wanted if lever in known)


def driving_lever(pack: Pack, target: Target) -> str | None:
    """The one lever that drives a target most directly (None when no lever of the pack does)."""
    levers = driving_levers(pack, target)
    return levers[0] if levers else None

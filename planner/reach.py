"""Whether a target can be met at all, and what it would take when one lever is not enough.

Two questions a leader asks after "very unlikely": is it the world or the settings that say so, and
what would have to be true for the target to be likely?  ``blocker`` answers the first for the one
case the model itself rules out (an adoption share whose ceiling is set below the target: the
diffusion never passes its ceiling); ``joint_requirement`` answers the second by moving the
target's levers, one at a time, to their most favourable bound until the target is likely.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .assess import Blocker, blocker, probability, target_values  # noqa: F401  (blocker: re-exported)
from .fmt import indicator_value, lever_value
from .fmt import probability as fmt_probability
from .model import Settings, levers_affecting, project
from .packs import Pack
from .registry import LIKELY_THRESHOLD

SEARCH_DRAWS = 1000  # the greedy search ranks moves with fewer draws; the answer is checked at full draws


def blocker_sentence(pack: Pack, b: Blocker, lang: str) -> str:
    lever, target = pack.lever(b.lever), pack.target(b.target)
    value, need = lever_value(lever, b.value, lang), indicator_value(target.indicator, b.needed, lang)
    if lang == "vi":
        return (f"“{target.label(lang)}” không thể đạt với các giả định đã chọn: giả định “{lever.label(lang)}” là "
                f"{value}, thấp hơn mức chỉ tiêu cần ({need}); tỷ lệ không bao giờ vượt mức trần.")
    return (f"“{target.label(lang)}” cannot be met with the chosen assumptions: “{lever.label(lang)}” is {value}, "
            f"below what the target needs ({need}); the share never passes its ceiling.")


@dataclass(frozen=True)
class Requirement:
    target: str
    moves: tuple[tuple[str, float], ...]  # (lever, value) set together, in the order they were needed
    probability: float  # with those moves, at the scenario's draws
    reachable: bool  # probability ≥ the likelihood wanted
    start_probability: float

    def as_dict(self) -> dict:
        return asdict(self)


def joint_requirement(pack: Pack, values: dict[str, float], target_id: str, settings: Settings | None = None,
                      wanted: float = LIKELY_THRESHOLD, evidence=None) -> Requirement:
    """Levers moved to their favourable bounds, greedily (the largest gain first), until P ≥ ``wanted``.

    Each step tries every lever not yet moved at its bound in the direction that helps (the one with
    the higher probability) and keeps the best; the search stops when the target is likely or no
    lever is left.  Moves that add nothing are dropped from the answer.
    """
    settings = settings or Settings()
    target = pack.target(target_id)
    search = Settings(min(settings.draws, SEARCH_DRAWS), settings.seed, settings.uncertainty, settings.window_start)

    def prob(vals: dict[str, float], s: Settings) -> float:
        return probability(target, project(pack, vals, s, wanted={target.indicator}, evidence=evidence), pack, s)

    def score(vals: dict[str, float]) -> tuple[float, float]:
        # The probability first; where it is 0 everywhere, the central path's progress breaks ties
        # (every target is "more is better"), so the search still finds its way toward the target.
        proj = project(pack, vals, search, wanted={target.indicator}, evidence=evidence)
        det = float(target_values(target, proj, pack, search, deterministic=True))
        return round(probability(target, proj, pack, search), 9), det

    current = dict(values)
    p_start = prob(current, settings)
    now = score(current)
    moves: list[tuple[str, float]] = []
    # The target's own levers first (support for quality, for adoption …); the levers it depends on
    # only through the HTX stock (founding fewer HTX to lift a share) only if those are not enough.
    affecting = levers_affecting(target.indicator, pack)
    own = [lv for lv in affecting if target.indicator in lv.drives]
    rest = [lv for lv in affecting if lv not in own]
    left = own
    while now[0] < wanted and (left or rest):
        if not left:
            left, rest = rest, []
        best = None
        for lever in left:
            for bound in (lever.lo, lever.hi):
                if abs(bound - current[lever.id]) < 1e-12:
                    continue
                candidate = score({**current, lever.id: bound})
                if best is None or candidate > best[0]:
                    best = (candidate, lever, bound)
        if best is None or best[0] <= now:
            if rest:
                left = []
                continue
            break
        now, lever, bound = best
        current[lever.id] = bound
        moves.append((lever.id, bound))
        left.remove(lever)
    p_end = prob(current, settings)
    return Requirement(target_id, tuple(moves), p_end, p_end >= wanted, p_start)


def requirement_sentence(pack: Pack, r: Requirement, lang: str, wanted: float = LIKELY_THRESHOLD) -> str:
    target = pack.target(r.target)
    need = fmt_probability(wanted, lang)
    items = "; ".join(f"“{pack.lever(i).label(lang)}” {lever_value(pack.lever(i), v, lang)}" for i, v in r.moves)
    p = fmt_probability(r.probability, lang)
    if not r.moves:
        if r.reachable:
            return (f"“{target.label(lang)}” đã có khả năng đạt với các giả định hiện tại." if lang == "vi"
                    else f"“{target.label(lang)}” is already likely with the current assumptions.")
        return (f"Không giả định nào trong khoảng cho phép làm tăng xác suất đạt “{target.label(lang)}”."
                if lang == "vi" else
                f"No assumption within its allowed range raises the probability of “{target.label(lang)}”.")
    if r.reachable:
        if lang == "vi":
            return (f"Để “{target.label(lang)}” có khả năng đạt (xác suất ≥ {need}) cần đồng thời: {items}; "
                    f"khi đó xác suất là {p}.")
        return (f"For “{target.label(lang)}” to be likely (probability ≥ {need}) it would take, together: {items}; "
                f"the probability is then {p}.")
    if lang == "vi":
        return (f"“{target.label(lang)}” ngoài tầm với dưới mọi mức hỗ trợ trong khoảng cho phép: ngay cả khi đồng thời "
                f"{items}, xác suất đạt chỉ là {p}.")
    return (f"“{target.label(lang)}” is out of reach under any support within the allowed ranges: even with, "
            f"together, {items}, the probability is only {p}.")

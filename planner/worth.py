"""Which estimated base-year figure is most worth measuring.

An estimate in ``baseline.csv`` (``estimate = true`` with a ``low`` and ``high``) is drawn from its
range in every Monte Carlo run.  Measuring it would fix it somewhere in that range; how much that
could change each target's probability is the swing between the probability with the figure known
to be at its low end and known to be at its high end (the rest of the scenario unchanged, the same
draws).  The estimate with the widest swing on any target is the one worth measuring first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from .assess import assess
from .model import Settings
from .packs import Pack


@dataclass(frozen=True)
class Worth:
    indicator: str
    value: float
    low: float
    high: float
    target: str  # the target whose probability moves most
    probability_at_low: float
    probability_at_high: float
    probability_now: float  # with the figure drawn from its range (the scorecard's)
    swings: tuple[tuple[str, float], ...]  # (target id, |P(high) − P(low)|) for every target it moves

    @property
    def swing(self) -> float:
        return abs(self.probability_at_high - self.probability_at_low)

    def as_dict(self) -> dict:
        return {**asdict(self), "swing": self.swing}


def _known_at(pack: Pack, indicator: str, value: float) -> Pack:
    """The pack with one estimate replaced by a measured figure ``value`` (no range)."""
    obs = replace(pack.baseline[indicator], value=value, low=None, high=None)
    return replace(pack, baseline={**pack.baseline, indicator: obs})


def estimates(pack: Pack) -> list[str]:
    """Indicators whose base-year figure is an estimate with a stated range."""
    return [ind for ind, obs in pack.baseline.items() if obs.estimate and obs.has_range]


def worth_measuring(pack: Pack, values: dict[str, float], settings: Settings | None = None,
                    evidence=None) -> list[Worth]:
    """Each estimate with its largest probability swing over the targets, widest first.

    ``evidence``: the actual figures in force (default: the pack's); an estimate that a later figure
    replaces moves nothing, and ranks last.
    """
    settings = settings or Settings()
    now = {r.id: r.probability for r in assess(pack, values, settings, evidence=evidence)}
    out = []
    for indicator in estimates(pack):
        obs = pack.baseline[indicator]
        at_low = {r.id: r.probability
                  for r in assess(_known_at(pack, indicator, obs.low), values, settings, evidence=evidence)}
        at_high = {r.id: r.probability
                   for r in assess(_known_at(pack, indicator, obs.high), values, settings, evidence=evidence)}
        swings = sorted(((t, abs(at_high[t] - at_low[t])) for t in at_low if abs(at_high[t] - at_low[t]) > 1e-9),
                        key=lambda s: s[1], reverse=True)
        top = swings[0][0] if swings else pack.targets[0].id
        out.append(Worth(indicator, obs.value, obs.low, obs.high, top, at_low[top], at_high[top], now[top],
                         tuple(swings)))
    return sorted(out, key=lambda w: w.swing, reverse=True)

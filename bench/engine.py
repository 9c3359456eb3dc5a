"""Engine benchmark: a full assessment against the floor of merely drawing its random numbers.

Prints times and their ratio, both measured in this run (machines are shared and noisy, so only the
ratio is comparable between runs).  Bar (design.md): ratio ≤ 3 and a full assessment under 0.2 s;
goal-seek for one target under 1 s.

    python bench/engine.py [--draws 5000] [--repeat 15] [--pack hai-duong-2023]

Each run is measured twice: from the base year alone (no actual figures) and from the pack's actual
figures plus recorded foundings for the first three years of the plan window (the monitoring case:
stocks restart at their figure, foundings count as done).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.assess import assess, goal_seek  # noqa: E402
from planner.model import Settings, clear_memo  # noqa: E402
from planner.monitoring import evidence_for, no_evidence  # noqa: E402
from planner.packs import Observation, load_pack  # noqa: E402
from planner.registry import COUNT_KINDS  # noqa: E402


def draw_same_numbers(pack, values: dict[str, float], draws: int, seed: int) -> None:
    """What numpy needs to draw the engine's random numbers: the floor of the work.

    One uniform per draw and lever (the triangular draws) and per estimated base-year figure, a gamma
    factor per count and year (negative binomial foundings), Poisson foundings and binomial
    dissolutions for each count and year, binomial survivors and Poisson entrants of exporters per
    year: the same calls, shapes and parameters as the engine, without any of the modelling around them.
    """
    years = pack.horizon - pack.base_year
    for i in range(len(values)):
        np.random.default_rng([seed, i]).random(draws)
    for i, obs in enumerate(pack.baseline.values()):
        if obs.has_range:
            np.random.default_rng([seed, 2000 + i]).random(draws)
    shape = 1 / max(values.get("foundings_dispersion", 0.0), 1e-6) ** 2
    for j, kind in enumerate(COUNT_KINDS):
        if kind not in pack.baseline:
            continue
        lam = np.full((draws, years), values[f"{kind}_new_per_year"])
        if values.get("foundings_dispersion", 0.0) > 0:
            np.random.default_rng([seed, 1008 + j]).standard_gamma(shape, size=lam.shape)
        np.random.default_rng([seed, 1000 + 2 * j]).poisson(lam)
        gen = np.random.default_rng([seed, 1001 + 2 * j])
        stock = np.full(draws, int(pack.baseline[kind].value))
        delta = np.full(draws, values[f"{kind}_dissolution_rate"])
        for _ in range(years):
            gen.binomial(stock, delta)
    if "export" in pack.baseline:
        stays, enters = np.random.default_rng([seed, 1006]), np.random.default_rng([seed, 1007])
        count = np.full(draws, int(pack.baseline["export"].value))
        mean = np.full(draws, pack.baseline["export"].value * 0.1)
        for _ in range(years):
            stays.binomial(count, 0.9)
            enters.poisson(mean)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--pack", default="hai-duong-2023")
    args = parser.parse_args()
    pack = load_pack(args.pack)
    recorded = [Observation(f"new_{kind}", pack.window_start + i, 10.0 + i)
                for kind in COUNT_KINDS if kind in pack.baseline for i in range(3)]
    for name, evidence in (("no actual figures", no_evidence(pack)),
                           ("with actual figures", evidence_for(pack, recorded))):
        print(f"--- {name}: {len(evidence.used)} figures used, as of {evidence.latest_year}")
        run(pack, args, evidence)
    return 0


def run(pack, args, evidence) -> None:
    values = pack.preset("trend")
    settings = Settings(draws=args.draws)
    assess(pack, values, settings, evidence=evidence)  # warm caches and imports

    # Interleave the two so drift on a shared machine hits both alike.
    def cold_assessment() -> None:
        clear_memo()  # a full assessment: no sub-model reused from an earlier run
        assess(pack, values, settings, evidence=evidence)

    engine, floor, one_lever = [], [], []
    for i in range(args.repeat):
        engine += timed(cold_assessment, 1)
        floor += timed(lambda: draw_same_numbers(pack, values, args.draws, settings.seed), 1)
        moved = {**values, "quality_upgrade_rate": values["quality_upgrade_rate"] + 0.001 * (i + 1)}
        one_lever += timed(lambda moved=moved: assess(pack, moved, settings, evidence=evidence), 1)
    # Goal-seek, cold (no sub-model reused): a founding target and a share target needing simulation.
    seeks = []
    for target in (pack.targets[0], next(t for t in pack.targets if t.indicator == "good_fair_share")):
        lever = next(lv.id for lv in pack.levers if target.indicator.removeprefix("new_") in lv.id
                     or (target.indicator == "good_fair_share" and lv.id == "quality_upgrade_rate"))

        def seek(target=target, lever=lever) -> None:
            clear_memo()
            goal_seek(pack, values, target.id, lever, settings, evidence=evidence)

        seeks.append((target.id, lever, timed(seek, max(3, args.repeat // 5))))

    med_e, med_f = statistics.median(engine), statistics.median(floor)
    print(f"pack {pack.id}, {args.draws} draws, years {pack.base_year}–{pack.horizon}, {len(pack.targets)} targets")
    print(f"full assessment   min {min(engine):.4f} s  median {med_e:.4f} s  max {max(engine):.4f} s")
    print(f"floor (draw only) min {min(floor):.4f} s  median {med_f:.4f} s  max {max(floor):.4f} s")
    print(f"ratio (median)    {med_e / med_f:.2f}   bar ≤ 3.00 -> {'ok' if med_e / med_f <= 3 else 'OVER'}")
    print(f"absolute (median) {med_e:.4f} s   bar < 0.2 s -> {'ok' if med_e < 0.2 else 'OVER'}")
    print(f"one lever moved   median {statistics.median(one_lever):.4f} s (sub-models of other levers reused)")
    for target_id, lever, seek_times in seeks:
        med = statistics.median(seek_times)
        print(f"goal-seek {target_id} by {lever}: median {med:.3f} s   bar < 1 s -> {'ok' if med < 1 else 'OVER'}")


if __name__ == "__main__":
    sys.exit(main())

"""UI benchmark: how fast the planner answers in a real Chromium, against floors measured in the same run.

Prints, from one run (servers started here, measurements interleaved so drift on a shared machine
hits both sides alike; only the ratios compare between runs):

1. slider → scorecard, on both packs, several levers, every press to a position not visited before:
   the planner's Assumptions page against the floor, ``bench/floor_app.py`` (a bare page calling the
   same engine step, 5,000 draws, one lever moved, and showing one number).  Bars: median ≤ 1.3× the
   floor's median, p90 ≤ 1.6× the floor's median.
2. the Trajectories page right after a lever move (click in the navigation → every chart drawn)
   against its charts' engine work alone (projection, assessment and every chart's spec, computed in
   this process for the same scenario).  Bar ≤ 2×.
3. first load of the Overview's scorecard from a new browser on a warm server, against a bare page's
   first load (``bench/bare_app.py``) plus the engine's first assessment (nothing memoised).  Bar ≤ 1.5×.
4. cold start: a fresh server's first session against its later ones: the one-off work (imports,
   pack loading, the first assessment) must be paid once per process, not per session.

Each is broken down into the browser's input handling (key press → message sent), the server
(message sent → the run's ``script_finished`` received), the browser after the last message, the
websocket messages and bytes (and how many element messages repeat the previous press's element
unchanged), and the browser main thread's busy time (Chrome's own counters).  Times in the page are
taken with the page's clock (``performance.now``), so the browser driver's round trips do not count.

    python bench/ui.py [--presses 12] [--levers 3] [--traj 3] [--loads 6] [--cold 1] [--compare DIR]

``--compare DIR`` measures another checkout of the planner (e.g. the one before a change) in the same
run, interleaved with this one, against the same floors.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM_ARGS, RUN_OVER, chromium_path, streamlit_server  # noqa: E402

PACKS = ("hai-duong-2023", "vietnam-nq20")
# Candidate levers, in order of preference: one per group a planner moves most, per pack.
LEVERS = ("htx_new_per_year", "quality_upgrade_rate", "linkage_ceiling", "digital_ceiling", "tht_new_per_year",
          "members_ceiling", "households_ceiling", "hightech_ceiling")
PRESETS = ("plan-pace", "trend", "optimistic", "cautious")
VIEWPORT = {"width": 1600, "height": 1000}
SCORECARD = ".live-scorecard td, .st-key-live_scorecard td"  # the latter: checkouts before the one-element panel
FLOOR_NUMBER = '[data-testid="stMetricValue"]'
OVERVIEW_SCORECARD = '[data-testid="stTable"] td'
# Records every websocket frame with the page's clock, and the key press's own time stamp.
INSTRUMENT = """
(() => {
  const B = window.__bench = {log: [], key: null, lastMsg: 0, lastMutation: 0};
  const Orig = window.WebSocket;
  class Recorded extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        const t = performance.now();
        B.lastMsg = t;
        B.log.push({dir: 'in', t, n: ev.data.byteLength || ev.data.length || 0,
                    b: ev.data instanceof ArrayBuffer ? ev.data.slice(0) : null});
      });
    }
    send(data) {
      B.log.push({dir: 'out', t: performance.now(), n: data.byteLength || data.length || 0, b: null});
      return super.send(data);
    }
  }
  window.WebSocket = Recorded;
  window.addEventListener('keydown', (e) => { B.key = e.timeStamp; }, true);
  new MutationObserver(() => { B.lastMutation = performance.now(); })
    .observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
})();
"""
# Arms one measurement: the watched text now, and a promise resolved at the first frame after it changes.
ARM = """(sel) => {
  const B = window.__bench;
  B.log = []; B.key = null;
  const text = () => Array.from(document.querySelectorAll(sel)).map(e => e.textContent).join('|');
  const before = text();
  B.done = new Promise((resolve) => {
    const obs = new MutationObserver(() => {
      if (text() === before) return;
      obs.disconnect();
      const changed = performance.now();
      requestAnimationFrame(() => setTimeout(() => resolve({changed, painted: performance.now()}), 0));
    });
    obs.observe(document.body, {subtree: true, childList: true, characterData: true});
  });
}"""
# No change within 8 s: that press changed nothing on that page (its engine may differ from the one the
# walk was chosen with, e.g. an older checkout); it is left out and counted.
WAIT_DONE = "() => Promise.race([window.__bench.done, new Promise((ok) => setTimeout(() => ok(null), 8000))])"
QUIET = f"""(ms) => {RUN_OVER} && performance.now() - window.__bench.lastMsg > ms
                 && performance.now() - window.__bench.lastMutation > ms"""
COLLECT = """() => window.__bench.log.map(m => {
  let b64 = null;
  if (m.b) { const u = new Uint8Array(m.b); let s = ''; for (let i = 0; i < u.length; i += 8192)
    s += String.fromCharCode.apply(null, u.subarray(i, i + 8192)); b64 = btoa(s); }
  return {dir: m.dir, t: m.t, n: m.n, b: b64};
})"""


@dataclass
class Sample:
    """One measured interaction, times in ms from its start (key press, click, navigation)."""

    total: float
    sent: float | None = None  # start → first message to the server
    server: float | None = None  # first message sent → script_finished received
    after_last: float | None = None  # last message before the screen changed → screen changed
    messages: int = 0
    kbytes: float = 0.0
    elements: int = 0
    repeats: int = 0  # element messages identical to the one the previous run sent at that place
    busy: float | None = None  # browser main thread busy (Chrome's TaskDuration), ms
    script: float | None = None  # of which JavaScript


@dataclass
class Side:
    name: str
    samples: list[Sample] = field(default_factory=list)
    last_elements: dict = field(default_factory=dict)
    unchanged: int = 0  # presses after which the watched text did not change (left out)


def parse(log: list[dict], start: float, end: float, side: Side | None) -> Sample:
    """The breakdown of one interaction from the page's websocket log."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    sent = next((m["t"] for m in log if m["dir"] == "out" and m["t"] >= start - 1), None)
    incoming = [m for m in log if m["dir"] == "in"]
    finished = None
    elements = repeats = 0
    seen: dict = {}
    for m in incoming:
        if not m["b"]:
            continue
        msg = ForwardMsg.FromString(base64.b64decode(m["b"]))
        kind = msg.WhichOneof("type")
        if kind == "script_finished" and finished is None:
            finished = m["t"]
        if kind == "delta":
            elements += 1
            where = tuple(msg.metadata.delta_path)
            body = msg.delta.SerializeToString()
            seen[where] = body
            if side is not None and side.last_elements.get(where) == body:
                repeats += 1
    if side is not None:
        side.last_elements = seen
    before_end = [m["t"] for m in incoming if m["t"] <= end]
    return Sample(
        total=end - start,
        sent=None if sent is None else sent - start,
        server=None if sent is None or finished is None else finished - sent,
        after_last=None if not before_end else end - max(before_end),
        messages=len(incoming), kbytes=sum(m["n"] for m in incoming) / 1024, elements=elements, repeats=repeats)


def metrics(cdp) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def wait_quiet(page, ms: int = 300) -> None:
    page.wait_for_function(QUIET, arg=ms, polling=50, timeout=60_000)


def press(page, cdp, side: Side, slider: str, watch: str, key: str = "ArrowRight") -> Sample | None:
    """A real key press on a slider → the watched text changed on screen (the next frame)."""
    page.locator(slider).focus()
    wait_quiet(page, 200)
    page.evaluate(ARM, watch)
    before = metrics(cdp)
    page.keyboard.press(key)
    done = page.evaluate(WAIT_DONE)
    wait_quiet(page)
    if done is None:
        side.unchanged += 1
        return None
    after = metrics(cdp)
    log = page.evaluate(COLLECT)
    start = page.evaluate("window.__bench.key")
    sample = parse(log, start, done["painted"], side)
    sample.busy = (after["TaskDuration"] - before["TaskDuration"]) * 1000
    sample.script = (after["ScriptDuration"] - before["ScriptDuration"]) * 1000
    side.samples.append(sample)
    return sample


def new_page(browser, url: str, ready: str):
    """A page with the instrumentation, at ``url`` once ``ready`` shows: the first run is over (on a fresh
    server a deep link opened while the first session's first run is still going gets Streamlit's
    "Page not found", streamlit/streamlit#9992)."""
    page = browser.new_page(viewport=VIEWPORT)
    page.add_init_script(INSTRUMENT)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url)
    page.wait_for_selector(ready, timeout=60_000)
    wait_quiet(page, 400)
    return page, cdp


# --- What each press should do: walks the planner's scorecard visibly changes along ---------------

@dataclass
class Walk:
    pack: str
    preset: str
    lever: str
    group_label: str
    start: float  # display units (the slider's position before the first press)
    steps: int


def shown(pack_id: str, preset: str, lever, position: float) -> tuple[str, ...]:
    """The probabilities the live scorecard shows with ``lever`` at ``position`` (display units)."""
    from planner.assess import assess
    from planner.fmt import probability
    from planner.scenario import resolve
    from ui.levers import from_display

    res = resolve({"pack": pack_id, "preset": preset, "levers": {lever.id: from_display(lever, position)}})
    return tuple(probability(r.probability, "vi") for r in assess(res.pack, res.values, res.settings))


def find_walks(presses: int, per_pack: int) -> list[Walk]:
    """Per pack, levers and starting positions from which each of ``presses`` steps to the right changes a
    probability the live scorecard shows (so the screen must change), never passing the preset's value
    (passing it would undo the only change, which reruns the whole page by design)."""
    from planner.packs import load_pack
    from planner.registry import GROUP_BY_ID
    from ui.levers import slider_grid, to_display

    walks = []
    for pack_id in PACKS:
        pack = load_pack(pack_id)
        found = 0
        for lever_id in LEVERS:
            if found == per_pack or lever_id not in {lv.id for lv in pack.levers}:
                continue
            lever = pack.lever(lever_id)
            grid = slider_grid(pack, lever)
            for preset in PRESETS:
                base = to_display(lever, pack.preset(preset)[lever_id])
                first = next((i for i, x in enumerate(grid) if x > base), None)
                if first is None:
                    continue

                # Look a little beyond the preset for a run of visibly changing steps.
                texts = [shown(pack_id, preset, lever, grid[i]) for i in range(first, min(len(grid), first + presses + 12))]
                run = 0
                for j in range(1, len(texts)):
                    run = run + 1 if texts[j] != texts[j - 1] else 0
                    if run == presses:
                        start = j - presses
                        walks.append(Walk(pack_id, preset, lever_id, GROUP_BY_ID[lever.group].label("vi"),
                                          grid[first + start], presses))
                        break
                else:
                    continue
                found += 1
                break
        if found < per_pack:
            print(f"note: only {found} levers of {pack_id} change the scorecard at each step", file=sys.stderr)
    return walks


def lever_query(walk: Walk) -> str:
    from planner.packs import load_pack
    from ui.levers import from_display

    lever = load_pack(walk.pack).lever(walk.lever)
    return f"pack={walk.pack}&preset={walk.preset}&{walk.lever}={from_display(lever, walk.start):.10g}"


def open_walk(page, app_url: str, floor_url: str, walk: Walk, floor_page) -> None:
    """Both pages at the walk's start: the planner's Assumptions page with the lever's group chosen."""
    page.goto(f"{app_url}/gia-dinh?{lever_query(walk)}")
    page.wait_for_selector(SCORECARD, timeout=60_000)
    wait_quiet(page, 400)
    page.locator(".st-key-lever_group_choice button", has_text=walk.group_label).click()
    page.wait_for_selector(f".st-key-lever_{walk.lever} input[type=range]", timeout=60_000)
    wait_quiet(page, 400)
    floor_page.goto(f"{floor_url}/?pack={walk.pack}&preset={walk.preset}&lever={walk.lever}&start={walk.start!r}")
    floor_page.wait_for_selector(FLOOR_NUMBER, timeout=60_000)
    wait_quiet(floor_page, 400)


# --- The Trajectories page --------------------------------------------------------------------------

CHARTS_DRAWN = f"""(ms) => {{
  const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]');
  return location.pathname.endsWith('/quy-dao') && charts.length > 0 && {RUN_OVER}
    && Array.from(charts).every(c => c.querySelector('svg.marks, canvas'))
    && performance.now() - window.__bench.lastMsg > ms && performance.now() - window.__bench.lastMutation > ms;
}}"""


def trajectories_after_move(page, cdp, side: Side) -> tuple[Sample, int]:
    """Click on Trajectories in the navigation → every chart drawn (the last change on screen)."""
    wait_quiet(page, 300)
    before = metrics(cdp)
    start = page.evaluate("""() => { const B = window.__bench; B.log = []; const t = performance.now();
        document.querySelector('[data-testid="stTopNavLink"][href$="/quy-dao"]').click(); return t; }""")
    page.wait_for_function(CHARTS_DRAWN, arg=500, polling=100, timeout=60_000)
    after = metrics(cdp)
    end = page.evaluate("window.__bench.lastMutation")
    charts = page.evaluate("document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length")
    sample = parse(page.evaluate(COLLECT), start, end, None)
    sample.busy = (after["TaskDuration"] - before["TaskDuration"]) * 1000
    sample.script = (after["ScriptDuration"] - before["ScriptDuration"]) * 1000
    side.samples.append(sample)
    return sample, charts


def chart_work(pack_id: str, preset: str, levers: dict[str, float]) -> dict[str, float]:
    """The Trajectories page's work outside Streamlit for one scenario, in ms: the projection, the
    assessment and the spec of every chart the page draws (indicators with a target: the default)."""
    from planner import charts
    from planner.assess import assess
    from planner.model import project
    from planner.registry import INDICATOR_BY_ID
    from planner.results import observations_frame, tidy_trajectories
    from planner.scenario import resolve

    res = resolve({"pack": pack_id, "preset": preset, "levers": levers})
    pack = res.pack
    t0 = time.perf_counter()
    traj = tidy_trajectories(project(pack, res.values, res.settings, evidence=res.evidence))
    t1 = time.perf_counter()
    results = {r.id: r for r in assess(pack, res.values, res.settings)}
    t2 = time.perf_counter()
    observations = observations_frame(pack, (), "vi")
    import pandas as pd

    rows = pd.DataFrame([r.as_dict() for r in results.values()]).set_index("id")
    for indicator in dict.fromkeys(t.indicator for t in pack.targets):
        charts.fan_chart(traj, indicator, observations, pack.targets, pack, "vi", plan_path=True,
                         window_start=None).to_dict(validate=False)
        if INDICATOR_BY_ID[indicator].kind == "flow":
            for t in (t for t in pack.targets if t.indicator == indicator):
                charts.cumulative_chart(traj, t, rows.loc[t.id], pack, "vi", window_start=None).to_dict(validate=False)
    t3 = time.perf_counter()
    return {"projection": (t1 - t0) * 1000, "assessment": (t2 - t1) * 1000, "specs": (t3 - t2) * 1000,
            "total": (t3 - t0) * 1000}


# --- First loads --------------------------------------------------------------------------------------

VISIBLE = f"""([sel, ms]) => {{
  const B = window.__bench;
  if (!B || !({RUN_OVER})) return false;
  const ok = Array.from(document.querySelectorAll(sel)).some(e => e.textContent.trim());
  if (ok && !B.visible) B.visible = performance.now();
  if (!ok) B.visible = 0;
  return ok && performance.now() - B.lastMsg > ms;
}}"""


def first_load(browser, url: str, watch: str) -> Sample:
    """A new browser (empty cache, new session) opens ``url`` → ``watch`` has text and the run is over."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(INSTRUMENT)
    page.goto(url, wait_until="commit")
    page.wait_for_function(VISIBLE, arg=[watch, 300], polling="raf", timeout=90_000)
    end = page.evaluate("window.__bench.visible")
    sample = parse(page.evaluate(COLLECT), 0.0, end, None)
    context.close()
    return sample


def first_assessment() -> float:
    """The engine's first assessment of the default scenario, nothing memoised, in ms."""
    from planner.assess import assess
    from planner.model import clear_memo
    from planner.scenario import new_scenario, resolve

    res = resolve(new_scenario())
    clear_memo()
    start = time.perf_counter()
    assess(res.pack, res.values, res.settings)
    return (time.perf_counter() - start) * 1000


# --- Printing -------------------------------------------------------------------------------------------

def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def med(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def breakdown(label: str, samples: list[Sample]) -> str:
    return (f"  {label:18} total {med(s.total for s in samples):6.1f}  input {med(s.sent for s in samples):5.1f}"
            f"  server {med(s.server for s in samples):6.1f}  after last msg {med(s.after_last for s in samples):5.1f}"
            f"  | msgs {med(s.messages for s in samples):4.0f}  {med(s.kbytes for s in samples):6.1f} KB"
            f"  elements {med(s.elements for s in samples):3.0f} (repeats {med(s.repeats for s in samples):3.0f})"
            f"  | main thread {med(s.busy for s in samples):5.1f} (script {med(s.script for s in samples):5.1f})")


def verdict(value: float, bar: float) -> str:
    return f"{value:.2f}  bar ≤ {bar:.2f} -> {'ok' if value <= bar else 'OVER'}"


@dataclass
class Planner:
    """One planner under test (this checkout, or another given with --compare), with its own server."""

    name: str
    folder: Path
    url: str = ""
    page: object = None
    cdp: object = None
    slider: dict = field(default_factory=dict)  # pack → Side
    trajectories: Side = field(default_factory=lambda: Side("trajectories"))
    loads: list = field(default_factory=list)
    firsts: list = field(default_factory=list)
    laters: list = field(default_factory=list)


def slider_part(planners: list[Planner], floor: tuple, floor_url: str, walks: list[Walk]) -> bool:
    """1. Slider → scorecard, press by press: each planner, then the floor (the order turns each press)."""
    floor_page, floor_cdp = floor
    floor_sides: dict[str, Side] = {}
    for walk in walks:
        for planner in planners:
            open_walk(planner.page, planner.url, floor_url, walk, floor_page)
            planner.slider.setdefault(walk.pack, Side(planner.name)).last_elements = {}
        floor_sides.setdefault(walk.pack, Side("floor")).last_elements = {}
        for i in range(walk.steps):
            turn = [(p.page, p.cdp, p.slider[walk.pack], f".st-key-lever_{walk.lever} input[type=range]", SCORECARD)
                    for p in planners]
            turn.append((floor_page, floor_cdp, floor_sides[walk.pack], "input[type=range]", FLOOR_NUMBER))
            for page, cdp, side, slider, watch in (turn if i % 2 == 0 else turn[::-1]):
                press(page, cdp, side, slider, watch)
    print("\n1. slider → scorecard (ms, medians; each press to a position not visited before)")
    ok = True
    for pack_id, floor_side in floor_sides.items():
        levers = ", ".join(f"{w.lever} ({w.preset})" for w in walks if w.pack == pack_id)
        f = [s.total for s in floor_side.samples]
        print(f"{pack_id}: {len(f)} presses of {levers}")
        for planner in planners:
            side = planner.slider[pack_id]
            a = [s.total for s in side.samples]
            print(breakdown(planner.name, side.samples) + (f"  ({side.unchanged} presses left out: no change)"
                                                          if side.unchanged else ""))
            print(f"  {'':18} median {med(a):.1f}, p90 {p90(a):.1f} → median ratio {med(a) / med(f):.2f}, "
                  f"p90 / floor median {p90(a) / med(f):.2f}")
        print(breakdown("floor", floor_side.samples))
        print(f"  {'':18} median {med(f):.1f}, p90 {p90(f):.1f}")
    all_floor = [s.total for side in floor_sides.values() for s in side.samples]
    for planner in planners:
        all_app = [s.total for side in planner.slider.values() for s in side.samples]
        ratio, tail = med(all_app) / med(all_floor), p90(all_app) / med(all_floor)
        ok &= ratio <= 1.3 and tail <= 1.6 if planner is planners[0] else True
        print(f"{planner.name}, both packs, {len(all_app)} presses: median ratio {verdict(ratio, 1.3)};  "
              f"p90 / floor median {verdict(tail, 1.6)}")
    return ok


def trajectories_part(planners: list[Planner], walks: list[Walk], rounds: int) -> bool:
    """2. Trajectories right after a lever move, against its charts' work outside Streamlit."""
    from planner.packs import load_pack
    from ui.levers import from_display, slider_grid

    print("\n2. Trajectories page right after a lever move (click → every chart drawn), ms")
    work: list[dict] = []
    charts = 0
    for pack_id in PACKS:
        walk = next((w for w in walks if w.pack == pack_id), None) or Walk(
            pack_id, "plan-pace", "htx_new_per_year", "Thành lập và giải thể", 0.0, 0)
        pack = load_pack(pack_id)
        lever = pack.lever(walk.lever)
        grid = slider_grid(pack, lever)
        position = len(grid) // 3  # far from the walks: positions no earlier press computed
        for _ in range(rounds):
            position += 2
            levers = {walk.lever: from_display(lever, grid[position])}
            moved = {walk.lever: from_display(lever, grid[position + 1])}
            query = f"pack={pack_id}&preset={walk.preset}&{walk.lever}={levers[walk.lever]:.10g}"
            for planner in planners:
                page = planner.page
                page.goto(f"{planner.url}/gia-dinh?{query}")
                page.wait_for_selector(SCORECARD, timeout=60_000)
                page.locator(".st-key-lever_group_choice button", has_text=walk.group_label).click()
                page.wait_for_selector(f".st-key-lever_{walk.lever} input[type=range]", timeout=60_000)
                wait_quiet(page, 400)
                press(page, planner.cdp, Side("move"), f".st-key-lever_{walk.lever} input[type=range]", SCORECARD)
                _, charts = trajectories_after_move(page, planner.cdp, planner.trajectories)
            # The same scenario in this process: the memo holds the scenario before the move, as the
            # server's does; then the page's own work for the moved one, timed.
            chart_work(pack_id, walk.preset, levers)
            work.append(chart_work(pack_id, walk.preset, moved))
    parts = {k: med(w[k] for w in work) for k in ("projection", "assessment", "specs", "total")}
    engine = parts["projection"] + parts["assessment"]
    print(f"  charts' work alone: projection {parts['projection']:.1f} + assessment {parts['assessment']:.1f}"
          f" + chart specs (Altair) {parts['specs']:.1f} = {parts['total']:.1f}   ({charts} charts)")
    ok = True
    for planner in planners:
        samples = planner.trajectories.samples
        total = med(s.total for s in samples)
        print(breakdown(planner.name, samples))
        print(f"  {'':18} ratio to the charts' work {verdict(total / parts['total'], 2.0)};  "
              f"to the engine alone (projection + assessment) {total / engine:.1f}")
        ok &= total / parts["total"] <= 2 if planner is planners[0] else True
    return ok


def load_part(planners: list[Planner], browser, bare_url: str, rounds: int) -> bool:
    """3. First load on a warm server (a new browser each time), interleaved with the floor's parts."""
    print("\n3. first load of the Overview's scorecard from a new browser, warm server (ms)")
    bare_loads: list[Sample] = []
    assessments: list[float] = []
    for i in range(rounds):
        jobs = [lambda p=p: p.loads.append(first_load(browser, p.url, OVERVIEW_SCORECARD))
                for p in planners]
        jobs += [lambda: bare_loads.append(first_load(browser, bare_url, FLOOR_NUMBER)),
                 lambda: assessments.append(first_assessment())]
        for job in (jobs if i % 2 == 0 else jobs[::-1]):
            job()
    floor = med(s.total for s in bare_loads) + med(assessments)
    print(breakdown("bare page", bare_loads))
    print(f"  floor: bare first load {med(s.total for s in bare_loads):.1f} + first assessment "
          f"{med(assessments):.1f} = {floor:.1f}")
    ok = True
    for planner in planners:
        print(breakdown(planner.name, planner.loads))
        ratio = med(s.total for s in planner.loads) / floor
        print(f"  {'':18} ratio {verdict(ratio, 1.5)}")
        ok &= ratio <= 1.5 if planner is planners[0] else True
    return ok


def cold_part(planners: list[Planner], env: dict, rounds: int) -> None:
    """4. Cold start: a fresh server per round; its first session, then two more."""
    from playwright.sync_api import sync_playwright

    print("\n4. cold start: a fresh server, its first three sessions (ms)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for _ in range(rounds):
            for planner in planners:
                with streamlit_server("app.py", env=env, cwd=planner.folder) as url:
                    planner.firsts.append(first_load(browser, url, OVERVIEW_SCORECARD))
                    planner.laters += [first_load(browser, url, OVERVIEW_SCORECARD) for _ in range(2)]
        browser.close()
    for planner in planners:
        print(breakdown(f"{planner.name}: 1st", planner.firsts))
        print(breakdown(f"{planner.name}: later", planner.laters))
        once = med(s.server for s in planner.firsts) - med(s.server for s in planner.laters)
        ratio = med(s.server for s in planner.laters) / med(s.server for s in planner.firsts)
        print(f"  {'':18} one-off work in the first session's server run: {once:.0f} ms; a later session's run "
              f"takes {ratio:.2f} of it (the one-off work is paid once per process)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=12, help="presses per lever (several levers per pack)")
    parser.add_argument("--levers", type=int, default=3, help="levers per pack")
    parser.add_argument("--traj", type=int, default=3, help="Trajectories page visits per pack")
    parser.add_argument("--loads", type=int, default=6, help="first loads on a warm server")
    parser.add_argument("--cold", type=int, default=1, help="cold servers started")
    parser.add_argument("--compare", type=Path, action="append", default=[],
                        help="another checkout of the planner measured in the same run (e.g. before a change)")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: slider,traj,load,cold")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    if chromium_path() is None:
        print("Chromium not found (/usr/bin/chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    planners = [Planner("planner", ROOT)] + [Planner(d.resolve().name[-18:], d.resolve()) for d in args.compare]
    env = {"PLANNER_DB": str(Path(tempfile.mkdtemp()) / "bench.sqlite")}
    walks = find_walks(args.presses, args.levers) if "slider" not in skip else []
    print(f"load average {os.getloadavg()[0]:.1f};  " + ";  ".join(f"{p.name}: {p.folder}" for p in planners))
    ok = True
    with contextlib.ExitStack() as stack, sync_playwright() as pw:
        for planner in planners:
            planner.url = stack.enter_context(streamlit_server("app.py", env=env, cwd=planner.folder))
        floor_url = stack.enter_context(streamlit_server(str(ROOT / "bench" / "floor_app.py")))
        bare_url = stack.enter_context(streamlit_server(str(ROOT / "bench" / "bare_app.py")))
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for planner in planners:  # the main page first (see streamlit/streamlit#9992)
            planner.page, planner.cdp = new_page(browser, planner.url, OVERVIEW_SCORECARD)
        floor = new_page(browser, f"{floor_url}/?pack={PACKS[0]}&lever={LEVERS[0]}", FLOOR_NUMBER)
        if walks:
            ok &= slider_part(planners, floor, floor_url, walks)
        if "traj" not in skip:
            ok &= trajectories_part(planners, walks, args.traj)
        if "load" not in skip:
            ok &= load_part(planners, browser, bare_url, args.loads)
        browser.close()
    if "cold" not in skip:
        cold_part(planners, env, args.cold)
    print("\nall bars met" if ok else "\nsome bars not met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

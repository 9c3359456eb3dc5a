"""UI benchmark: slider change → updated scorecard in a real Chromium, against a bare one-slider page.

Both servers start in this run and are measured interleaved, so the ratio is comparable between
runs on shared, noisy machines; absolute times are not.  Bar (design.md): ratio ≤ 1.5.

    python bench/ui.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM_ARGS, chromium_path, streamlit_server, wait_for_app, wait_idle  # noqa: E402

WATCHED_TEXT = "(sel) => Array.from(document.querySelectorAll(sel)).map(e => e.innerText).join('|')"
CHANGED = """([sel, before]) => !document.querySelector('[data-testid="stStatusWidget"]')
    && Array.from(document.querySelectorAll(sel)).map(e => e.innerText).join('|') !== before"""
SLIDER = 'input[type="range"]'  # React Aria's slider thumb holds a native range input


def measure(page, index: int, watch: str, rounds: int) -> list[float]:
    """Milliseconds from a real key press on a slider to the watched text redrawn by the server."""
    times = []
    for i in range(rounds):
        before = page.evaluate(WATCHED_TEXT, watch)
        page.locator(SLIDER).nth(index).focus()
        start = time.perf_counter()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_function(CHANGED, arg=[watch, before], polling="raf", timeout=30_000)
        times.append((time.perf_counter() - start) * 1000)
        wait_idle(page)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    path = chromium_path()
    if path is None:
        print("Chromium not found (/usr/bin/chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    db = Path(tempfile.mkdtemp()) / "bench.sqlite"
    with streamlit_server("bench/bare_app.py") as bare_url, \
            streamlit_server("app.py", env={"PLANNER_DB": str(db)}) as app_url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        bare = browser.new_page(viewport={"width": 1600, "height": 1000})
        bare.goto(bare_url)
        wait_for_app(bare)
        app = browser.new_page(viewport={"width": 1600, "height": 1000})
        # The first page a fresh server runs must be the main one: a deep link then shows Streamlit's
        # spurious "Page not found" dialog (streamlit/streamlit#9992), which would steal the focus.
        app.goto(app_url)
        wait_for_app(app)
        # At the plan pace every step of the slider moves the founding target's probability visibly.
        app.goto(f"{app_url}/gia-dinh?preset=plan-pace")
        wait_for_app(app)
        # The scorecard on the assumptions page: every probability cell of the table.
        app_watch = '[data-testid="stTable"] td'
        bare_times, app_times = [], []
        for _ in range(args.rounds):  # interleave so machine drift hits both alike
            bare_times += measure(bare, 0, '[data-testid="stMetricValue"]', 1)
            # The second slider of the assumptions page: HTX founded per year (the first is the uncertainty).
            app_times += measure(app, 1, app_watch, 1)
        browser.close()
    med_bare, med_app = statistics.median(bare_times), statistics.median(app_times)
    print(f"bare one-slider page  min {min(bare_times):.0f} ms  median {med_bare:.0f} ms  max {max(bare_times):.0f} ms")
    print(f"planner scorecard     min {min(app_times):.0f} ms  median {med_app:.0f} ms  max {max(app_times):.0f} ms")
    ratio = med_app / med_bare
    print(f"ratio (median)        {ratio:.2f}   bar ≤ 1.50 -> {'ok' if ratio <= 1.5 else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load test: many browser sessions moving levers on one local server at once.

Holds N concurrent sessions (default 20) in one headless Chromium against one `streamlit run app.py`;
each session moves a lever back and forth for the given time.  Reports errors seen on the pages,
the server's memory over time, and the response time from a key press to the redrawn scorecard
(median and p95).

    python bench/load.py [--sessions 20] [--seconds 60]
    python bench/load.py --processes 2 [--sessions 20] [--seconds 60]

With ``--processes 2`` (a city deployment): a throw-away PostgreSQL cluster (Debian's initdb, as in the
tests) and two `streamlit run` processes on it, the sessions shared between them; every fifth step a
session saves its scenario through the form (a write to the shared database).  It also reports the
saves acknowledged against the versions in the database (must be equal) and the database's client
connections sampled during the run (bounded by the pool of each process, not one per session).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ui import APP_SLIDER, APP_WATCH, CHANGED, WATCHED_TEXT  # noqa: E402
from tests.browser import CHROMIUM_ARGS, chromium_path, streamlit_server  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the server process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the server), in MB."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if proc.name == str(pid) or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


SAVED_SECTION = "Lưu, tìm và mở kịch bản; tệp JSON"


async def save_once(page, name: str, version: int, saves: list[float], errors: list[str]) -> bool:
    """Save the session's scenario through the form (as version ``version`` of the session's scenario);
    True once the app says that version is saved."""
    try:
        await page.get_by_label("Tên kịch bản (bắt buộc)", exact=True).fill(name)
        start = time.perf_counter()
        await page.get_by_role("button", name="Lưu", exact=True).click()
        await page.get_by_text(f"Đã lưu kịch bản: phiên bản {version}.", exact=True).wait_for(timeout=60_000)
        saves.append((time.perf_counter() - start) * 1000)
        return True
    except Exception as exc:  # a finding, not a crash
        errors.append(f"save {type(exc).__name__}: {str(exc)[:120]}")
        return False


async def session(browser, url: str, seconds: float, times: list[float], errors: list[str], ready,
                  saves: list[float] | None = None, tag: str = "", gate: asyncio.Semaphore | None = None) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    # Opening is not measured; ``gate`` lets only a few sessions open at once, so on a busy machine the
    # start-up of twenty pages does not time out before the measurement begins.
    async with gate or contextlib.nullcontext():
        await page.goto(f"{url}/gia-dinh?preset=plan-pace&htx_new_per_year=23", timeout=300_000)
        await page.locator(APP_SLIDER).wait_for(timeout=300_000)
        if saves is not None:
            await page.get_by_text(SAVED_SECTION).click()
            await page.get_by_label("Tên kịch bản (bắt buộc)", exact=True).wait_for(timeout=300_000)
    await ready()
    end = time.time() + seconds
    i = 0
    saved = 0
    while time.time() < end:
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        try:
            before = await page.evaluate(WATCHED_TEXT, APP_WATCH)
            await page.locator(APP_SLIDER).focus()  # HTX founded per year
            start = time.perf_counter()
            await page.keyboard.press(key)
            await page.wait_for_function(CHANGED, arg=[APP_WATCH, before], polling="raf", timeout=30_000)
            times.append((time.perf_counter() - start) * 1000)
        except Exception as exc:  # a timeout or a lost connection is a finding, not a crash
            errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
        if await page.locator('[data-testid="stException"]').count():
            errors.append("exception shown on the page")
        if saves is not None and i % 5 == 4 and await save_once(page, f"Tải {tag} lần {i}", saved + 1, saves, errors):
            saved += 1
        i += 1
        await asyncio.sleep(0.2)
    await context.close()


async def run(sessions: int, seconds: float) -> int:
    from playwright.async_api import async_playwright

    db = Path(tempfile.mkdtemp()) / "load.sqlite"
    with streamlit_server("app.py", env={"PLANNER_DB": str(db)}) as url:
        import subprocess

        pid = int(subprocess.run(["pgrep", "-f", f"server.port {url.rsplit(':', 1)[1]}"], capture_output=True,
                                 text=True).stdout.split()[0])
        times: list[float] = []
        errors: list[str] = []
        memory: list[tuple[float, float]] = []
        started = asyncio.Event()
        count = 0

        async def ready() -> None:
            nonlocal count
            count += 1
            if count == sessions:
                started.set()
            await started.wait()

        cpu = {}

        async def sample_memory() -> None:
            await started.wait()
            cpu["start"] = cpu_seconds(pid)
            t0 = time.time()
            while time.time() - t0 < seconds:
                memory.append((time.time() - t0, rss_mb(pid)))
                await asyncio.sleep(5)
            cpu["end"] = cpu_seconds(pid)

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            warm = await browser.new_page()  # run the main page first (streamlit/streamlit#9992)
            await warm.goto(url)
            await warm.wait_for_selector('[data-testid="stTable"]', timeout=120_000)
            await warm.close()
            await asyncio.gather(sample_memory(),
                                 *(session(browser, url, seconds, times, errors, ready) for _ in range(sessions)))
            await browser.close()
    if not times:
        print("no measurement", file=sys.stderr)
        return 1
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{sessions} sessions × {seconds:.0f} s: {len(times)} lever moves, {len(errors)} errors")
    print(f"response  median {statistics.median(times):.0f} ms  p95 {p95:.0f} ms  max {times[-1]:.0f} ms")
    if "end" in cpu:
        used = cpu["end"] - cpu["start"]
        print(f"server CPU {used:.1f} s over {seconds:.0f} s ({used / seconds:.0%} of one core; the browsers "
              f"share the same cores), {1000 * used / len(times):.0f} ms of server CPU per lever move")
    if memory:
        print("server memory (MB) over time: " + ", ".join(f"{t:.0f}s {m:.0f}" for t, m in memory))
        first, last = memory[0][1], memory[-1][1]
        print(f"memory first {first:.0f} MB, last {last:.0f} MB, growth {last - first:+.0f} MB")
    for error in errors[:10]:
        print("  error:", error)
    return 0 if not errors else 1


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


async def run_city(sessions: int, seconds: float, processes: int) -> int:
    """Two (or more) app processes on one PostgreSQL, sessions spread over them."""
    from contextlib import ExitStack

    from playwright.async_api import async_playwright

    from planner.store import ScenarioStore
    from tests.postgres import PgCluster, pg_bin

    if pg_bin() is None:
        print("PostgreSQL not found (/usr/lib/postgresql/*/bin/initdb)", file=sys.stderr)
        return 2
    cluster = PgCluster(pg_bin())
    cluster.start()
    try:
        db = cluster.new_database()
        ScenarioStore(db).close()  # the schema, once, before the processes start
        dbname = db.rsplit("/", 1)[1]
        with ExitStack() as stack:
            urls = [stack.enter_context(streamlit_server("app.py", env={"PLANNER_DB": db})) for _ in range(processes)]
            times: list[float] = []
            saves: list[float] = []
            errors: list[str] = []
            connections: list[int] = []
            started = asyncio.Event()
            count = 0

            async def ready() -> None:
                nonlocal count
                count += 1
                if count == sessions:
                    started.set()
                await started.wait()

            async def sample_connections() -> None:
                await started.wait()
                t0 = time.time()
                while time.time() - t0 < seconds:
                    connections.append(await asyncio.to_thread(cluster.connections, dbname))
                    await asyncio.sleep(2)

            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                for url in urls:  # each server's first session opens its main page (streamlit/streamlit#9992)
                    warm = await browser.new_page()
                    await warm.goto(url)
                    await warm.wait_for_selector('[data-testid="stTable"]', timeout=120_000)
                    await warm.close()
                gate = asyncio.Semaphore(2)
                await asyncio.gather(sample_connections(), *(
                    session(browser, urls[i % processes], seconds, times, errors, ready, saves, f"{i}", gate)
                    for i in range(sessions)))
                await browser.close()
        store = ScenarioStore(db)
        stored = store.counts()["versions"]
        store.close()
    finally:
        cluster.stop()
    if not times:
        print("no measurement", file=sys.stderr)
        return 1
    print(f"{processes} app processes on one PostgreSQL, {sessions} sessions × {seconds:.0f} s: "
          f"{len(times)} lever moves, {len(saves)} saves, {len(errors)} errors")
    print(f"lever response  median {statistics.median(times):.0f} ms  p95 {_pct(times, 0.95):.0f} ms  "
          f"max {max(times):.0f} ms")
    if saves:
        print(f"save response   median {statistics.median(saves):.0f} ms  p95 {_pct(saves, 0.95):.0f} ms  "
              f"max {max(saves):.0f} ms")
    print(f"saves acknowledged {len(saves)}, versions in the database {stored}"
          + ("" if stored == len(saves) else "  (MISMATCH)"))
    bound = processes * 2 * int(os.environ.get("PLANNER_DB_POOL", "5") or 5)
    if connections:
        print(f"database client connections: max {max(connections)}, last {connections[-1]} "
              f"(bound {bound} = {processes} processes × pool and overflow; {sessions} sessions)")
    for error in errors[:10]:
        print("  error:", error)
    ok = not errors and stored == len(saves) and (not connections or max(connections) <= bound)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--processes", type=int, default=1,
                        help="app processes; 2 or more run them on one throw-away PostgreSQL")
    args = parser.parse_args()
    if chromium_path() is None:
        print("Chromium not found (/usr/bin/chromium)", file=sys.stderr)
        return 2
    if args.processes > 1:
        return asyncio.run(run_city(args.sessions, args.seconds, args.processes))
    return asyncio.run(run(args.sessions, args.seconds))


if __name__ == "__main__":
    sys.exit(main())

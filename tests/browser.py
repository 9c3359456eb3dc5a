"""Helpers for the real-browser suite: a Streamlit server on a free port and Debian's Chromium.

In CI (CI=true) a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(script: str = "app.py", env: dict[str, str] | None = None, cwd: Path = ROOT,
                     port: int | None = None, args: tuple[str, ...] = ()):
    """Start ``streamlit run script`` on a free port (or ``port``); yield its base URL; stop it afterwards.
    ``args`` are more options for ``streamlit run`` (e.g. ``--secrets.files``)."""
    port = port or free_port()
    # The server's output goes to a file: an unread pipe would block the server once it filled up.
    log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *args],
        cwd=cwd, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {Path(log.name).read_text(errors='replace')[-2000:]}")
        else:
            raise RuntimeError("streamlit did not become healthy within 60 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# The app's run is over and drawn: Streamlit's own mark on its root (its e2e tests read it), and no
# skeleton left (the placeholder of an element whose code is still loading: a new browser's first table
# appears up to a second after the run).  The "running" status widget is not drawn with the minimal
# toolbar (.streamlit/config.toml), so waiting for it to go away waited for nothing, and a test could
# look at a page still being drawn.
RUN_OVER = """(document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
  && !document.querySelector('[data-testid="stSkeleton"]'))"""


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished the run (no running indicator) and content is drawn."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout)
    page.wait_for_function(
        """() => """ + RUN_OVER + """
                 && document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stDataFrame"], [data-testid="stTable"], .live-scorecard td').length > 0""",
        timeout=timeout)
    page.wait_for_timeout(300)


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the current rerun has finished."""
    page.wait_for_timeout(150)
    page.wait_for_function(f"() => {RUN_OVER}", timeout=timeout)
    page.wait_for_timeout(200)

"""Shared fixtures: the shipped plan packs and small run settings (fast, reproducible).

Tests that hold for any plan run over ``pack_ids()`` (``each_pack``, ``packs_with``), so a new pack is
tested by adding its folder to data/; the two named fixtures remain for facts of one plan.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

from planner.model import Settings
from planner.packs import load_pack, pack_ids

ALL_PACKS: tuple[str, ...] = pack_ids()


def packs_with(*indicators: str) -> list[str]:
    """Shipped packs that model every one of ``indicators`` (a test of that model runs over each)."""
    return [i for i in ALL_PACKS if set(indicators) <= load_pack(i).indicators]


@pytest.fixture(scope="session", params=ALL_PACKS)
def each_pack(request):
    """Every shipped pack in turn."""
    return load_pack(request.param)

# In CI the property tests run derandomised: the examples come from a seed fixed by each test's own name,
# so a run cannot fail by chance and the same run fails the same way again (no example database, no
# deadline, which would depend on the machine's load).  Outside CI hypothesis explores at random.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def hd_pack():
    """Hải Dương (former province), Plan 3413/KH-UBND: base year 2022, window 2023–2030."""
    return load_pack("hai-duong-2023")


@pytest.fixture(scope="session")
def nq_pack():
    """Vietnam, Resolution 20-NQ/TW: base year 2024, window 2025–2030, stock targets."""
    return load_pack("vietnam-nq20")


@pytest.fixture(scope="session")
def small_settings():
    """Default uncertainty, few draws: enough for probabilities to two decimals, fast."""
    return Settings(draws=1000)


@pytest.fixture(scope="session")
def fixed_settings():
    """Levers fixed at their values (uncertainty 0): only the process noise of the counts remains."""
    return Settings(draws=1000, uncertainty=0.0)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright.  In CI (CI=true) a missing browser fails, never skips."""
    from tests.browser import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing: the real-browser suite cannot run (install Debian's chromium)")
        pytest.skip("Chromium not installed (outside CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def pg_cluster():
    """A real PostgreSQL server for the session (see tests/postgres.py).  In CI a missing PostgreSQL
    fails, never skips."""
    from tests.postgres import PgCluster, pg_bin

    bindir = pg_bin()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is missing (initdb not found): install Debian's postgresql package")
        pytest.skip("PostgreSQL not installed (outside CI)")
    cluster = PgCluster(bindir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request, tmp_path):
    """A factory of fresh, empty store targets on one back-end: a SQLite file or a new PostgreSQL database."""
    counter = iter(range(1000))
    if request.param == "sqlite":
        return lambda: str(tmp_path / f"store-{next(counter)}.sqlite")
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.new_database

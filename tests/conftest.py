"""Shared fixtures: the two shipped plan packs and small run settings (fast, reproducible)."""

from __future__ import annotations

import pytest

from planner.model import Settings
from planner.packs import load_pack


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

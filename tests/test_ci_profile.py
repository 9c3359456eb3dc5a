"""The suite cannot fail by luck in CI: hypothesis runs derandomised there (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_ci_profile_is_derandomised() -> None:
    profile = settings.get_profile("ci")
    assert profile.derandomize and profile.database is None and profile.deadline is None


@pytest.mark.parametrize(("ci", "expected"), [("true", "True"), (None, "False")])
def test_ci_true_selects_the_profile(ci: str | None, expected: str) -> None:
    code = "import tests.conftest; from hypothesis import settings; print(settings().derandomize)"
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": ci} if ci else {})
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == expected, run.stderr

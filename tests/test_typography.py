"""One per-cent style and the typographic minus in the numbers the app writes itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from planner.fmt import MINUS, NBSP, number, percent, signed

ROOT = Path(__file__).resolve().parents[1]


def test_percent_keeps_its_sign_on_the_line_of_its_number() -> None:
    assert percent(0.604) == f"60,4{NBSP}%"
    assert percent(0.604, lang="en") == f"60.4{NBSP}%"


def test_negative_numbers_and_changes_use_the_minus_sign() -> None:
    assert number(-2.5, 1) == f"{MINUS}2,5"
    assert signed(-3) == f"{MINUS}3"
    assert signed(4) == "+4"
    assert signed(-0.2) == "0"  # rounds to nothing: no sign at all
    assert signed(None) == "–"


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """The string constants a user can see: docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_hand_written_percent_with_a_breaking_space_in_pages_or_ui() -> None:
    """' %' with an ordinary space lets the sign wrap alone onto a line and differs from fmt.percent."""
    files = [*sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
    found = [f"{path.relative_to(ROOT)}:{line}: {text!r}" for path in files
             for line, text in _string_constants(path)
             if re.search(r"(\d|điểm) %(?![A-Za-z(%])", text)]
    assert not found, "\n".join(found)

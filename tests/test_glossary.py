"""One word per concept (planner/glossary.py): every text of the pages, the app's pieces, the reports
and the method uses the glossary's word, never a synonym it lists to avoid; a label translated in a
``tr(vi, en)`` pair whose English is a glossary word carries the Vietnamese word too."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from planner.glossary import TERMS, Term, term
from planner.text import method_sections

ROOT = Path(__file__).resolve().parent.parent
VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
NOT_PROSE = re.compile(r"^[\w.:/\-{}\[\]%=,]*$")  # ids, keys, formats: not words a reader sees
TAG = re.compile(r"<[^>]*>")  # HTML markup in the report's layout (ids, classes) is no text either
SCANNED = sorted({*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py", *ROOT.glob("planner/report/*.py"),
                  ROOT / "planner/text.py", ROOT / "planner/charts.py", ROOT / "planner/registry.py"})
TEXTS = sorted(ROOT.glob("planner/texts/*.md"))


def language(text: str) -> str:
    return "vi" if VIETNAMESE.search(text) else "en"


def shown_strings(path: Path) -> list[tuple[int, str]]:
    """String literals of a module a user can see: not docstrings, not ids, markup removed."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = TAG.sub(" ", node.value)
            if not NOT_PROSE.match(text.strip()):
                out.append((node.lineno, text))
    return out


def translated_pairs(path: Path) -> list[tuple[int, str, str]]:
    """(line, vi, en) of every ``tr("…", "…")`` / ``_t(lang, "…", "…")`` call with literal texts."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("tr", "_t"):
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if len(texts) >= 2:
                out.append((node.lineno, texts[-2], texts[-1]))
    return out


def test_the_scan_reads_what_it_should():
    assert len(SCANNED) > 20 and {p.name for p in TEXTS} == {"method.vi.md", "method.en.md"}
    strings = [text for _, text in shown_strings(ROOT / "pages/present.py")]
    assert any("Màn hình trước" in s for s in strings)
    assert not any("stMarkdownContainer" in s and "Màn hình" in s for s in strings)
    assert len(translated_pairs(ROOT / "ui/downloads.py")) > 10


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_avoided_word_in_the_interface_or_the_reports(path):
    found = [f"{path.relative_to(ROOT)}:{line}: {t.id}: {hit!r} (use {t.vi!r} / {t.en!r})"
             for line, text in shown_strings(path) for t in TERMS for hit in t.avoided(text, language(text))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_glossary_label_is_translated_with_the_glossary_word(path):
    wrong = []
    for line, vi, en in translated_pairs(path):
        label = en.strip().rstrip(":").lower()
        for t in TERMS:
            if label in (t.en, t.en + "s") and t.vi not in vi.lower():
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {vi!r} / {en!r} should say {t.vi!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_method_text_uses_the_glossary(path):
    lang = path.name.split(".")[1]
    text = path.read_text(encoding="utf-8")
    found = [(t.id, hit) for t in TERMS for hit in t.avoided(text, lang)]
    assert not found
    for word in ("lever", "scenario", "target", "likely", "central_path", "draw"):
        assert term(word, lang) in text.lower(), word


def test_the_avoided_words_are_caught():
    lever = next(t for t in TERMS if t.id == "lever")
    assert lever.avoided("Kéo các đòn bẩy chính", "vi") == ["đòn bẩy"]
    assert lever.avoided("Move the levers", "en") == ["levers"]
    assert not lever.avoided("Move the assumptions", "en")
    actual = next(t for t in TERMS if t.id == "actual")
    assert actual.avoided("số liệu thực của năm", "vi") and not actual.avoided("số liệu thực tế", "vi")
    assert Term("x", "a", "b", "").avoided("anything", "vi") == []


def test_method_sections_match_between_languages_and_name_every_band():
    from planner.registry import LIKELIHOOD, PACE

    vi, en = method_sections("vi"), method_sections("en")
    assert len(vi) == len(en) >= 7
    for lang, sections in (("vi", vi), ("en", en)):
        text = " ".join(p for _, p in sections)
        for band in (*LIKELIHOOD, *PACE):
            assert band.label(lang) in text, (lang, band.id)

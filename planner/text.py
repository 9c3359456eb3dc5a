"""Sentences built from results, shared by the app, the CLI and the reports (vi and en)."""

from __future__ import annotations

import math
import re
from pathlib import Path

from .assess import GoalSeek, TargetResult, count_borderline, count_likely
from .fmt import day_text, indicator_value, lever_value, number, percent, probability
from .packs import Pack, Target
from .registry import INDICATOR_BY_ID, LIKELIHOOD, PACE, Band, likelihood, preset_label
from .tracking import NO_DATA, NOT_MODELLED

# Readings of a target with no projection: no likelihood, and a pace reading only with figures.
NOT_MODELLED_BAND = Band(NOT_MODELLED, float("nan"), "không dự báo", "no projection", "#5f6b7a", "○")
NO_DATA_BAND = Band(NO_DATA, float("nan"), "chưa có số liệu", "no figures yet", "#5f6b7a", "…")
PACE_BY_ID = {b.id: b for b in (*PACE, NO_DATA_BAND)}
_REGISTRY = frozenset(INDICATOR_BY_ID)
LIKELIHOOD_BY_ID = {b.id: b for b in LIKELIHOOD}


def _missing(p: float | None) -> bool:
    return p is None or (isinstance(p, float) and math.isnan(p))


def likely_words(p: float | None, lang: str) -> str:
    band = NOT_MODELLED_BAND if _missing(p) else likelihood(p)
    return f"{band.symbol} {band.label(lang)}"


def pace_words(status: str, lang: str) -> str:
    band = PACE_BY_ID[status]
    return f"{band.symbol} {band.label(lang)}"


def target_value(pack: Pack, target: Target, value: float | None, lang: str) -> str:
    """A value of the target's quantity: a share of a count and a growth rate as percentages."""
    if target.kind in ("ratio", "growth"):
        return percent(value, 1, lang)
    ind = pack.indicator(target.indicator)
    if ind.is_share:
        return percent(value, 1, lang)
    if ind.kind == "value":
        return number(value, 0 if value is None or abs(value) >= 100 else 2, lang)
    return indicator_value(target.indicator, value, lang) if ind.id in _REGISTRY else number(value, 0, lang)


def not_projected_words(pack: Pack, result: TargetResult, lang: str) -> str:
    """What a target with no projection says: why, and what its figures show."""
    target = pack.target(result.id)
    text = target.reason(lang)
    if result.recorded is not None and result.recorded_year is not None:
        shown = target_value(pack, target, result.recorded, lang)
        if target.kind == "growth":
            text += (f" Tăng bình quân đến năm {result.recorded_year}: {shown}/năm." if lang == "vi"
                     else f" Average growth to {result.recorded_year}: {shown} a year.")
        else:
            text += (f" Số liệu mới nhất ({result.recorded_year}): {shown}." if lang == "vi"
                     else f" Latest figure ({result.recorded_year}): {shown}.")
        if result.progress is not None and target.kind != "growth":
            text += (f" Đã đi được {percent(result.progress, 0, lang)} chặng đường." if lang == "vi"
                     else f" {percent(result.progress, 0, lang)} of the way.")
    else:
        text += (" Chưa có hai số liệu để so sánh." if lang == "vi" else " There are not yet two figures to compare.")
    return text


def assumptions(count: int, lang: str) -> str:
    """'3 assumptions' / '1 assumption' / '3 giả định' (Vietnamese nouns have no plural)."""
    if lang == "vi":
        return f"{count} giả định"
    return f"{count} assumption" + ("" if count == 1 else "s")


def headline(results: list[TargetResult], lang: str) -> str:
    """'k of n targets likely met' — the one line a leader reads first.

    A target whose probability lies within two Monte Carlo standard errors of a likelihood boundary
    is counted apart, as borderline, so the line does not change with the random seed; a target with
    no projection is counted apart too (it has no probability).
    """
    projected = [r for r in results if r.modelled and not _missing(r.probability)]
    k, n, m = count_likely(projected), len(projected), count_borderline(projected)
    u = len(results) - n
    if lang == "vi":
        extra = f"; {m} chỉ tiêu sát ngưỡng" if m else ""
        extra += f"; {u} chỉ tiêu không dự báo, theo dõi bằng số liệu thực tế" if u else ""
        return f"{k}/{n} chỉ tiêu có khả năng đạt (xác suất ≥ 66 %){extra}"
    extra = f"; {m} borderline" if m else ""
    extra += f"; {u} target{'s' if u > 1 else ''} not projected, tracked on actual figures" if u else ""
    return f"{k} of {n} targets likely met (probability ≥ 66 %){extra}"


def borderline_words(lang: str) -> str:
    return "sát ngưỡng" if lang == "vi" else "borderline"


def goal_seek_sentence(pack: Pack, result: GoalSeek, lang: str) -> str:
    """What it would take, as one sentence a planner can paste into a report."""
    lever = pack.lever(result.lever)
    target = pack.target(result.target)
    name = f"“{lever.label(lang)}”"
    need = probability(result.likelihood, lang)
    if result.status == "no_effect":
        return (f"“{lever.label(lang)}” không ảnh hưởng đến chỉ tiêu “{target.label(lang)}”."
                if lang == "vi" else f"“{lever.label(lang)}” does not affect “{target.label(lang)}”.")
    if result.status == "always_met":
        return (f"Chỉ tiêu “{target.label(lang)}” có khả năng đạt với mọi giá trị của {name} trong khoảng cho phép."
                if lang == "vi" else
                f"“{target.label(lang)}” is likely met whatever the value of {name}, within its allowed range.")
    bound = lever_value(lever, result.bound, lang)
    if result.status == "out_of_reach":
        at_bound = probability(result.probability_at_bound, lang)
        return (f"Ngoài tầm với: ngay cả khi {name} ở mức {bound}, xác suất đạt “{target.label(lang)}” "
                f"chỉ là {at_bound}; cần thay đổi thêm các giả định khác."
                if lang == "vi" else
                f"Out of reach: even with {name} at {bound}, the probability of meeting "
                f"“{target.label(lang)}” is only {at_bound}; other assumptions must change too.")
    value = lever_value(lever, result.likely_value, lang)
    side_vi, side_en = ("ít nhất", "at least") if result.direction == "min" else ("không quá", "at most")
    breakeven = "" if result.breakeven is None else (
        f" (đường trung tâm chạm chỉ tiêu ở mức {lever_value(lever, result.breakeven, lang)})" if lang == "vi"
        else f" (the central path reaches the target at {lever_value(lever, result.breakeven, lang)})")
    now = lever_value(lever, result.current, lang)
    if lang == "vi":
        return (f"Để chỉ tiêu “{target.label(lang)}” có khả năng đạt (xác suất ≥ {need}), {name} cần {side_vi} "
                f"{value}{breakeven}; hiện giả định là {now}.")
    return (f"For “{target.label(lang)}” to be likely (probability ≥ {need}), {name} must be {side_en} "
            f"{value}{breakeven}; the scenario now assumes {now}.")


def result_summary(pack: Pack, result: TargetResult, lang: str) -> dict[str, str]:
    """The scorecard's cells for one target, formatted."""
    target = pack.target(result.id)
    if not result.modelled:
        return {
            "target": target.label(lang),
            "year": str(result.year),
            "projected": "–",
            "range": "–",
            "central": "–",
            "probability": "–",
            "likelihood": likely_words(None, lang),
            "pace": pace_words(result.status, lang),
            "note": not_projected_words(pack, result, lang),
        }
    return {
        "target": target.label(lang),
        "year": str(result.year),
        "projected": target_value(pack, target, result.p50, lang),
        "range": f"{target_value(pack, target, result.p10, lang)} – {target_value(pack, target, result.p90, lang)}",
        "central": target_value(pack, target, result.deterministic, lang),
        "probability": probability(result.probability, lang)
        + (f" · {borderline_words(lang)}" if getattr(result, "borderline", False) else ""),
        "likelihood": likely_words(result.probability, lang),
        "pace": pace_words(result.status, lang),
        "note": "",
    }



# --- Texts about the plan and the scenario (plain text: escape before HTML) ----------------------------

TEXTS = Path(__file__).resolve().parent / "texts"


def method_sections(lang: str) -> list[tuple[str, str]]:
    """The method in plain words, (heading, paragraph) per section: the one text that the Data page and
    every report show, kept in ``planner/texts/method.<lang>.md``."""
    text = (TEXTS / f"method.{'en' if lang == 'en' else 'vi'}.md").read_text(encoding="utf-8")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    sections = []
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        heading, _, body = block.partition("\n")
        sections.append((heading.strip(), " ".join(body.split())))
    return sections


def source_text(source: str, lang: str) -> str:
    """A baseline source as written in the pack; the project's own estimates named in the language."""
    if source.strip().lower() == "estimate of the project":
        return "Ước tính của dự án" if lang == "vi" else "Estimate of the project"
    return source


def document_text(pack: Pack, lang: str) -> str:
    """The plan's document number, date and issuing body on one line."""
    parts = [pack.meta.get("document", ""), day_text(str(pack.meta.get("document_date", "")), lang),
             pack.meta.get(f"issuer_{lang}", "")]
    return " · ".join(str(p) for p in parts if p)


def scenario_title(name: str, preset: str, lang: str) -> str:
    """The scenario's name, or its preset when it has none."""
    if name.strip():
        return name
    return ("Kịch bản mẫu “" if lang == "vi" else "Preset “") + preset_label(preset, lang) + "”"

"""The report's content, built once as plain data; each format (HTML, XLSX, CSV, DOCX, the Present page)
only lays it out.

Every text here is plain (nothing escaped, nothing marked up): the layouts escape for HTML, write
text cells for spreadsheets, runs for Word.  Numbers are kept twice: as the engine's floats (for the
spreadsheets, to the last digit) and as the words and figures a reader sees, in the report's language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from .. import __version__, charts
from ..assess import TargetResult
from ..errors import PlannerError
from ..fmt import day_text, indicator_value, lever_value, number, probability
from ..model import Settings
from ..packs import Observation, Pack, Target, basis_label
from ..registry import GROUP_BY_ID, INDICATOR_BY_ID, INDICATORS, LIKELIHOOD, likelihood, preset_label
from ..results import Computed, compute, observations_frame, target_indicators
from ..scenario import Resolved
from ..text import (
    NOT_MODELLED_BAND,
    document_text,
    headline,
    likely_words,
    method_sections,
    pace_words,
    result_summary,
    scenario_title,
    source_text,
    target_value,
)

MAX_COMPARED = 4


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


# --- The pieces ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BandCount:
    """How many targets fall in one band of the likelihood scale."""

    id: str
    symbol: str
    label: str
    colour: str
    count: int


@dataclass(frozen=True)
class TitleBlock:
    """What identifies the report and the one line a leader reads first."""

    lang: str
    plan: str  # the pack's name
    document: str  # the plan's number, date and issuer on one line
    reference: str  # the same as a phrase: "văn bản số 3413/KH-UBND ngày 13/09/2023 của UBND tỉnh Hải Dương"
    issuer: str  # the body that files the report (pack metadata ``report_issuer_*``); "" = a blank to fill
    place: str  # where it is filed (pack metadata ``place_*``); "" = a blank to fill
    scenario: str  # the scenario's name (user text) or its preset
    named: bool  # whether the scenario has a name of its own
    note: str  # user text
    preset: str  # the preset's label
    changes: str  # "3 assumptions changed from the preset" / "no assumption changed"
    changed_count: int
    likely: int
    total: int
    likely_text: str  # "5/12 chỉ tiêu có khả năng đạt"
    headline: str  # the same with the threshold: "… (xác suất ≥ 66 %)"
    bands: tuple[BandCount, ...]
    meta: tuple[tuple[str, str], ...]  # (label, value) rows of the cover, plain text
    today: date
    date_text: str
    as_of: int | None  # the year of the latest actual figure used (None: the projection starts at the base year)
    area_note: str
    version: str = __version__

    @property
    def quoted(self) -> str:
        """The scenario's name in quotation marks, or its preset's when it has none."""
        return f"“{self.scenario if self.named else self.preset}”"


@dataclass(frozen=True)
class ScoreRow:
    """One target: the engine's numbers and the words a reader sees."""

    id: str
    label: str
    year: int
    indicator: str
    rule: str
    rule_text: str
    threshold: float
    tolerance: float
    deterministic: float
    p10: float
    p50: float
    p90: float
    probability: float
    pace_ratio: float | None
    status: str
    band: str  # likelihood band id
    colour: str
    is_share: bool
    threshold_text: str
    central: str
    projected: str
    range: str
    probability_text: str
    likely_text: str
    pace_text: str
    pace_ratio_text: str
    recorded: float | None = None  # the latest actual figure (monitoring), when given
    recorded_year: int | None = None
    progress: float | None = None  # the share of the way from the base year to the target, so far
    elapsed: float | None = None  # the share of the period gone by
    recorded_text: str = ""
    progress_text: str = ""
    elapsed_text: str = ""


@dataclass(frozen=True)
class ChartItem:
    """One indicator's chart (a Vega-Lite spec) and the sentence under it."""

    indicator: str
    title: str
    spec: dict
    caption: str


@dataclass(frozen=True)
class LeverRow:
    id: str
    label: str
    group: str
    kind: str
    is_fraction: bool
    value: float
    preset_value: float
    lo: float
    hi: float
    changed: bool
    value_text: str
    preset_text: str
    range_text: str


@dataclass(frozen=True)
class BaselineRow:
    indicator: str
    label: str
    year: int
    value: float
    value_text: str
    unit: str
    source: str
    date: str  # as in the pack (ISO when it is a date)
    date_text: str
    estimate: bool
    kind_text: str  # "✔ Công bố" / "⚠ Ước tính" / "⚠ Một phần năm" / "⚠ Định nghĩa khác"
    note: str
    basis: str = "published"  # Observation.basis


@dataclass(frozen=True)
class ReportContent:
    """Everything a scenario's report says, in one language."""

    lang: str
    title: TitleBlock
    scorecard: tuple[ScoreRow, ...]
    charts: tuple[ChartItem, ...]
    chart_legend: str
    levers: tuple[LeverRow, ...]  # every lever of the pack; ``changed`` marks those that differ
    baseline: tuple[BaselineRow, ...]
    baseline_notes: tuple[tuple[str, str], ...]
    actuals: tuple[ActualRow, ...]  # the actual figures the projection used
    actual_notes: tuple[str, ...]  # what the stock and flow figures imply together (or where they disagree)
    method: tuple[tuple[str, str], ...]
    run_settings: str  # the draws, seed and uncertainty of this report, one sentence
    questions: tuple[str, ...]
    headings: dict[str, str]
    texts: dict[str, str]
    computed: Computed = field(repr=False)

    @property
    def changed_levers(self) -> tuple[LeverRow, ...]:
        return tuple(lv for lv in self.levers if lv.changed)

    @property
    def traj(self) -> pd.DataFrame:
        return self.computed.traj

    @property
    def has_progress(self) -> bool:
        return any(r.recorded is not None for r in self.scorecard)


# --- Texts ---------------------------------------------------------------------------------------------

def target_rule(target: Target, pack: Pack, settings: Settings, lang: str) -> str:
    """The target's threshold as a reader says it, with the plan window for 'newly founded' targets."""
    text = charts.rule_text(target, lang)
    if target.kind == "new":
        first = settings.window_start or pack.window_start
        text += f" ({first}–{target.year})"
    return text


def open_questions(pack: Pack, settings: Settings, lang: str) -> list[str]:
    """Where the plan leaves a reading open, and the default the tool takes."""
    items = []
    first = settings.window_start or pack.window_start
    if any(t.kind == "new" for t in pack.targets):
        doc_date = day_text(str(pack.meta.get("document_date", "")), lang)
        items.append(_t(lang,
            f"Kỳ tính “thành lập mới”: văn bản ban hành ngày {doc_date}; mặc định tính số thành lập từ 01/01/{first} "
            "đến hết năm chỉ tiêu.",
            f"The window of “newly founded”: the document is dated {doc_date}; by default foundings from "
            f"1 January {first} to the end of the target year count."))
    full = [t for t in pack.targets if t.rule == "full"]
    if full:
        met = indicator_value(full[0].indicator, full[0].met_at, lang)
        items.append(_t(lang,
            f"Chỉ tiêu 100 %: tỷ lệ tăng theo đường cong tiến gần nhưng không chạm 100 %; coi là đạt khi từ {met} "
            "trở lên (làm tròn thành 100 %).",
            f"100 % targets: a share on a diffusion curve approaches 100 % without reaching it; such a target "
            f"counts as met from {met} (it rounds to 100 %)."))
    if any(t.indicator == "good_fair_share" and t.year > min(x.year for x in pack.targets) for t in pack.targets):
        items.append(_t(lang,
            "“Hoạt động hiệu quả” (2045) được đọc bằng tỷ lệ HTX xếp loại tốt, khá, như chỉ tiêu 2030.",
            "“Operating effectively” (2045) is read as the share of HTX rated good or fair, like the 2030 target."))
    if any(t.indicator == "linkage_share" and t.year >= 2045 for t in pack.targets):
        items.append(_t(lang,
            "Liên kết năm 2045 dùng tỷ lệ HTX liên kết chuỗi giá trị (văn bản nói về mọi tổ chức kinh tế tập thể).",
            "Linkage in 2045 uses the share of HTX linked in value chains (the document speaks of all collective "
            "organisations)."))
    if any("Khoảng" in t.label_vi for t in pack.targets):
        items.append(_t(lang, "“Khoảng” một con số được đọc là ít nhất con số đó.",
                        "“About” a figure is read as at least that figure."))
    if any(t.rule == "increase" for t in pack.targets):
        items.append(_t(lang, "“Tăng” nghĩa là nhiều hơn số của năm gốc.", "“Increase” means more than at the base year."))
    estimates = [o for o in pack.baseline.values() if o.estimate]
    if estimates:
        names = "; ".join(INDICATOR_BY_ID[o.indicator].label(lang) for o in estimates)
        items.append(_t(lang,
            f"Số liệu ước tính (không có số công bố): {names}. Có thể thay bằng số liệu thực tế khi có.",
            f"Estimated figures (no published figure): {names}. They can be replaced by actual figures when "
            "available."))
    return items


def band_counts(probabilities: Iterable[float | None], lang: str) -> tuple[BandCount, ...]:
    probs = [p for p in probabilities if p is not None]  # a target with no projection has no likelihood
    return tuple(BandCount(b.id, b.symbol, b.label(lang), b.colour, sum(likelihood(p).id == b.id for p in probs))
                 for b in LIKELIHOOD)


LIKELY_WORDS = ("chỉ tiêu có khả năng đạt", "targets likely met")


def likely_count_text(k: int, n: int, lang: str) -> str:
    return f"{k}/{n} {LIKELY_WORDS[0]}" if lang == "vi" else f"{k} of {n} {LIKELY_WORDS[1]}"


def changes_text(count: int, lang: str) -> str:
    from ..text import assumptions

    if not count:
        return _t(lang, "chưa thay đổi giả định nào", "no assumption changed")
    return _t(lang, f"{assumptions(count, 'vi')} khác kịch bản mẫu", f"{assumptions(count, 'en')} changed from the preset")


def reference(pack: Pack, lang: str) -> str:
    """The plan's document as a phrase in a sentence: its number, date and issuer."""
    number_, issuer = str(pack.meta.get("document", "")), str(pack.meta.get(f"issuer_{lang}", ""))
    day = day_text(str(pack.meta.get("document_date", "")), lang)
    if not number_:
        return pack.name(lang)
    if lang == "vi":
        return f"văn bản số {number_}" + (f" ngày {day}" if day else "") + (f" của {issuer}" if issuer else "")
    return f"document {number_}" + (f" of {day}" if day else "") + (f" ({issuer})" if issuer else "")


def area_note(pack: Pack, lang: str) -> str:
    return pack.meta.get(f"area_note_{lang}") or pack.meta.get("area_note_vi", "")


def _as_of(computed: Computed) -> int | None:
    """The year of the latest actual figure the projection starts from (None: it starts at the base year)."""
    evidence = computed.res.evidence
    return evidence.latest_year if evidence is not None and evidence.used else None


@dataclass(frozen=True)
class ActualRow:
    """An actual figure the projection used."""

    indicator: str
    label: str
    year: int
    value: float
    value_text: str
    source: str
    basis: str = "published"
    kind_text: str = ""  # what the figure is, marked as in the baseline table


def actual_rows(computed: Computed, lang: str, uploaded: Iterable[Observation] = ()) -> tuple[ActualRow, ...]:
    """The figures the projection used.  A scenario pins its figures by indicator, year and value only, so
    an uploaded or typed one gets its source and basis back from ``uploaded`` (the same figure)."""
    evidence = computed.res.evidence
    if evidence is None:
        return ()
    known = {(o.indicator, int(o.year), o.value): o for o in uploaded}
    rows = []
    for used in evidence.used:
        o = used if used.source or used.basis != "published" else known.get(
            (used.indicator, int(used.year), used.value), used)
        rows.append(ActualRow(o.indicator, INDICATOR_BY_ID[o.indicator].label(lang), int(o.year), o.value,
                              indicator_value(o.indicator, o.value, lang), source_text(o.source_in(lang), lang),
                              o.basis, basis_text(o.basis, lang)))
    return tuple(rows)


def title_block(computed: Computed, lang: str, today: date | None = None) -> TitleBlock:
    """The cover of a scenario's report; the Present page's opening screen reads the same."""
    today = today or date.today()
    res, pack, settings = computed.res, computed.pack, computed.res.settings
    title = scenario_title(res.name, res.preset, lang, len(res.changed))
    k, n = computed.likely, len(computed.results)
    window = f"{settings.window_start or pack.window_start}–{max(t.year for t in pack.targets)}"
    meta = [
        (_t(lang, "Kịch bản", "Scenario"), title),
        (_t(lang, "Kịch bản mẫu", "Preset"), preset_label(res.preset, lang)),
        (_t(lang, "Gói kế hoạch", "Plan pack"), f"{pack.name(lang)} ({pack.id})"),
        (_t(lang, "Năm gốc · kỳ kế hoạch", "Base year · plan window"), f"{pack.base_year} · {window}"),
        (_t(lang, "Mô phỏng", "Simulation"), _t(lang,
            f"{number(settings.draws, 0, lang)} lượt, hạt giống {settings.seed}, mức bất định "
            f"{number(settings.uncertainty, 2, lang)}",
            f"{number(settings.draws, 0, lang)} draws, seed {settings.seed}, uncertainty "
            f"{number(settings.uncertainty, 2, lang)}")),
        (_t(lang, "Ngày lập", "Date"), day_text(today, lang)),
        (_t(lang, "Phiên bản công cụ", "App version"), __version__),
    ]
    if res.note.strip():
        meta.insert(1, (_t(lang, "Ghi chú", "Note"), res.note))
    as_of = _as_of(computed)
    if as_of is not None:
        evidence = res.evidence
        meta.insert(4, (_t(lang, "Số liệu thực tế", "Actual figures"), _t(lang,
            f"{len(evidence.used)} số liệu, mới nhất năm {as_of} (mã bộ số liệu {evidence.fingerprint})",
            f"{len(evidence.used)} figures, the latest of {as_of} (figures' fingerprint {evidence.fingerprint})")))
    return TitleBlock(
        lang=lang, plan=pack.name(lang), document=document_text(pack, lang), reference=reference(pack, lang),
        issuer=str(pack.meta.get(f"report_issuer_{lang}", "")), place=str(pack.meta.get(f"place_{lang}", "")),
        scenario=title, named=bool(res.name.strip()), note=res.note, preset=preset_label(res.preset, lang),
        changes=changes_text(len(res.changed), lang), changed_count=len(res.changed), likely=k, total=n,
        likely_text=likely_count_text(k, n, lang), headline=headline(computed.results, lang),
        bands=band_counts((r.probability for r in computed.results), lang), meta=tuple(meta), today=today,
        date_text=day_text(today, lang), as_of=as_of, area_note=area_note(pack, lang))


def score_row(pack: Pack, settings: Settings, r: TargetResult, lang: str) -> ScoreRow:
    t = pack.target(r.id)
    ind = t.indicator
    band = NOT_MODELLED_BAND if r.probability is None else likelihood(r.probability)
    cells = result_summary(pack, r, lang)  # the scorecard's own words, also for a target with no projection
    recorded = getattr(r, "recorded", None)
    recorded_year = getattr(r, "recorded_year", None)
    progress = getattr(r, "progress", None)
    elapsed = getattr(r, "elapsed", None)
    return ScoreRow(
        id=r.id, label=t.label(lang), year=int(r.year), indicator=ind, rule=r.rule,
        rule_text=target_rule(t, pack, settings, lang), threshold=r.threshold, tolerance=r.tolerance,
        deterministic=r.deterministic, p10=r.p10, p50=r.p50, p90=r.p90, probability=r.probability,
        pace_ratio=r.pace_ratio, status=r.status, band=band.id, colour=band.colour,
        is_share=t.kind in ("share", "ratio", "growth"), threshold_text=target_value(pack, t, r.threshold, lang),
        central=cells["central"], projected=cells["projected"], range=cells["range"],
        probability_text="–" if r.probability is None else probability(r.probability, lang),
        likely_text=cells["likelihood"],
        pace_text=pace_words(r.status, lang),
        pace_ratio_text="–" if r.pace_ratio is None else number(r.pace_ratio, 2, lang),
        recorded=recorded, recorded_year=recorded_year, progress=progress, elapsed=elapsed,
        recorded_text="" if recorded is None else (
            target_value(pack, t, recorded, lang) + (f" ({recorded_year})" if recorded_year else "")),
        progress_text="" if progress is None else probability(progress, lang),
        elapsed_text="" if elapsed is None else probability(elapsed, lang),
    )


def chart_caption(computed: Computed, indicator: str, lang: str) -> str:
    """The sentence under an indicator's chart: each target's median, range and probability."""
    pack = computed.pack
    by_id = {r.id: r for r in computed.results}
    parts = []
    for t in (t for t in pack.targets if t.indicator == indicator):
        r = by_id[t.id]
        projected = indicator_value(indicator, r.p50, lang)
        rng = f"{indicator_value(indicator, r.p10, lang)} – {indicator_value(indicator, r.p90, lang)}"
        parts.append(_t(lang,
            f"{t.label(lang)} ({t.year}): trung vị {projected} (khoảng 80 %: {rng}), xác suất đạt "
            f"{probability(r.probability, lang)}, {likely_words(r.probability, lang)}.",
            f"{t.label(lang)} ({t.year}): median {projected} (80 % range {rng}), probability "
            f"{probability(r.probability, lang)}, {likely_words(r.probability, lang)}."))
    base = pack.baseline.get(indicator.removeprefix("new_"))
    if base is not None and base.estimate:
        parts.append(_t(lang,
            f"Giá trị năm gốc ({indicator_value(base.indicator, base.value, lang)}, {base.year}) là ước tính, không "
            "phải số liệu công bố.",
            f"The base-year value ({indicator_value(base.indicator, base.value, lang)}, {base.year}) is an estimate, "
            "not a published figure."))
    if INDICATOR_BY_ID[indicator].kind == "flow":
        parts.append(_t(lang, "Biểu đồ: số thành lập mỗi năm; chỉ tiêu là tổng trong kỳ kế hoạch (nét đứt: nhịp "
                              "bình quân cần đạt mỗi năm).",
                        "Chart: foundings per year; the target is the total over the plan window (dashed: the "
                        "average yearly pace required)."))
    return " ".join(parts)


def fan(computed: Computed, indicator: str, lang: str, uploaded: Iterable[Observation] = (),
        plan_path: bool = True):
    """The fan chart of one indicator for a computed scenario (an Altair chart)."""
    pack = computed.pack
    obs = observations_frame(pack, uploaded, lang)
    return charts.fan_chart(computed.traj, indicator, obs, pack.targets, pack, lang,
                            plan_path=plan_path, window_start=computed.res.settings.window_start)


def lever_rows(res: Resolved, lang: str) -> tuple[LeverRow, ...]:
    base = res.pack.preset(res.preset)
    kinds = {"count": ("số lượng", "count"), "rate": ("tỷ lệ/năm", "rate"), "share": ("tỷ lệ", "share")}
    return tuple(LeverRow(
        id=lv.id, label=lv.label(lang), group=GROUP_BY_ID[lv.group].label(lang), kind=_t(lang, *kinds[lv.kind]),
        is_fraction=lv.is_fraction, value=res.values[lv.id], preset_value=base[lv.id], lo=lv.lo, hi=lv.hi,
        changed=lv.id in res.changed, value_text=lever_value(lv, res.values[lv.id], lang),
        preset_text=lever_value(lv, base[lv.id], lang),
        range_text=f"{lever_value(lv, lv.lo, lang)} – {lever_value(lv, lv.hi, lang)}") for lv in res.pack.levers)


def basis_text(basis: str, lang: str) -> str:
    """What a figure is, marked so that anything but a published figure stands out in a table."""
    return _t(lang, "✔ Công bố", "✔ Published") if basis == "published" else "⚠ " + basis_label(basis, lang)


def baseline_rows(pack: Pack, lang: str) -> tuple[BaselineRow, ...]:
    rows = []
    for ind in (i for i in INDICATORS if i.id in pack.baseline):
        o = pack.baseline[ind.id]
        rows.append(BaselineRow(
            indicator=o.indicator, label=ind.label(lang), year=int(o.year), value=o.value,
            value_text=indicator_value(o.indicator, o.value, lang), unit=ind.unit(lang),
            source=source_text(o.source_in(lang), lang), date=o.date, date_text=day_text(o.date, lang),
            estimate=bool(o.estimate), basis=o.basis, kind_text=basis_text(o.basis, lang), note=o.note_in(lang)))
    return tuple(rows)


def run_settings_text(settings: Settings, lang: str) -> str:
    return _t(lang,
        f"Báo cáo này dùng {number(settings.draws, 0, lang)} lượt mô phỏng với hạt giống {settings.seed} và mức "
        f"bất định {number(settings.uncertainty, 2, lang)}, nên chạy lại cho cùng kết quả.",
        f"This report uses {number(settings.draws, 0, lang)} draws with seed {settings.seed} and uncertainty "
        f"{number(settings.uncertainty, 2, lang)}, so running it again gives the same results.")


HEADINGS = {
    "summary": ("Kết quả chung", "Summary"),
    "scorecard": ("Bảng điểm các chỉ tiêu", "Target scorecard"),
    "charts": ("Quỹ đạo đến 2045", "Trajectories to 2045"),
    "levers": ("Giả định khác với kịch bản mẫu", "Assumptions changed from the preset"),
    "baseline": ("Số liệu năm gốc {year} và nguồn", "Baseline {year} and sources"),
    "method": ("Phương pháp", "Method"),
    "questions": ("Những điểm văn bản chưa nói rõ và cách hiểu mặc định", "Open questions and the defaults taken"),
    "area": ("Địa bàn và thay đổi hành chính", "Area and administrative changes"),
    "notes": ("Ghi chú về số liệu", "Notes on the figures"),
    "progress": ("Kết quả thực hiện đến nay", "Progress so far"),
    "actuals": ("Số liệu thực tế đã dùng", "Actual figures used"),
    "appendix": ("Phụ lục", "Appendix"),
    "full_scorecard": ("Bảng điểm đầy đủ", "Full scorecard"),
}

TEXTS = {
    "kicker": ("Báo cáo kịch bản · Kinh tế tập thể", "Scenario report · Collective economy"),
    "likely_rule": ("“Có khả năng đạt”: xác suất đạt từ 66 % trở lên (thang IPCC).",
                    "“Likely met”: a probability of 66 % or more (IPCC scale)."),
    "scorecard_note": ("Xác suất đạt: tỷ lệ lượt mô phỏng đạt chỉ tiêu. Khả năng theo thang IPCC; tiến độ theo tỷ lệ "
                       "R (mức thay đổi dự báo ÷ mức thay đổi cần có; xem phần Phương pháp).",
                       "Probability: the share of draws that meet the target. Likelihood on the IPCC scale; pace by "
                       "the ratio R (projected change ÷ change required; see the Method)."),
    "no_change": ("Không có giả định nào khác với kịch bản mẫu: đây là kịch bản mẫu.",
                  "No assumption differs from the preset: this is the preset."),
    "progress_note": ("Số liệu thực tế mới nhất của từng chỉ tiêu (với chỉ tiêu thành lập mới: số đã ghi nhận trong "
                      "kỳ), phần chặng đường từ năm gốc đến chỉ tiêu đã đi được và phần thời gian đã qua (cách đọc "
                      "tình trạng hiện tại của ESCAP).",
                      "The latest actual figure of each target (for newly founded targets: the foundings recorded "
                      "in the window), the share of the way from the base year to the target covered so far, and "
                      "the share of the period gone by (ESCAP's current-status reading)."),
}


def chart_legend(lang: str) -> str:
    return _t(lang,
        "Vùng tô: khoảng 80 % của các lượt mô phỏng; đường đậm: trung vị (số thành lập mỗi năm: trung bình); "
        "đường mảnh: đường trung tâm (tất định); nét đứt: lộ trình đều đến chỉ tiêu; điểm tròn, vuông: số liệu "
        "công bố; điểm xám (tam giác, dấu cộng): ước tính, số liệu một phần năm hoặc theo định nghĩa khác, như "
        "chú giải của từng biểu đồ ghi; hình thoi đỏ: chỉ tiêu.",
        "Shaded: the 80 % range of the draws; bold line: the median (foundings per year: the mean); thin line: "
        "the central (deterministic) path; dashed: an even path to the target; round and square points: published "
        "figures; grey points (triangles, crosses): estimates, part-year counts or figures of another definition, "
        "as each chart's legend says; red diamonds: targets.")


def scenario_content(data: dict[str, Any] | None = None, lang: str = "vi", uploaded: Iterable[Observation] = (),
                     today: date | None = None, computed: Computed | None = None,
                     with_charts: bool = True) -> ReportContent:
    """The content of a scenario's report, in ``lang``: the engine runs once (or ``computed`` is reused)."""
    lang = "en" if lang == "en" else "vi"
    if computed is None:
        if data is None:
            raise PlannerError("thiếu kịch bản", "no scenario given", "scenario")
        computed = compute(data)
    res, pack, settings = computed.res, computed.pack, computed.res.settings
    uploaded = tuple(uploaded)
    items = []
    if with_charts:
        for indicator in target_indicators(pack):
            items.append(ChartItem(indicator, INDICATOR_BY_ID[indicator].label(lang),
                                   fan(computed, indicator, lang, uploaded).to_dict(validate=False),
                                   chart_caption(computed, indicator, lang)))
    baseline = baseline_rows(pack, lang)
    headings = {k: _t(lang, *v).format(year=pack.base_year) for k, v in HEADINGS.items()}
    return ReportContent(
        lang=lang, title=title_block(computed, lang, today),
        scorecard=tuple(score_row(pack, settings, r, lang) for r in computed.results), charts=tuple(items),
        chart_legend=chart_legend(lang), levers=lever_rows(res, lang), baseline=baseline,
        baseline_notes=tuple((b.label, b.note) for b in baseline if b.note),
        actuals=actual_rows(computed, lang, uploaded),
        actual_notes=tuple(i.message(lang) for i in (res.evidence.issues if res.evidence is not None else ())),
        method=tuple(method_sections(lang)), run_settings=run_settings_text(settings, lang),
        questions=tuple(open_questions(pack, settings, lang)), headings=headings,
        texts={k: _t(lang, *v) for k, v in TEXTS.items()}, computed=computed)


# --- Comparison ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComparedScenario:
    name: str  # user text or the preset's label, unique within the comparison
    preset: str
    likely: int
    total: int
    likely_text: str


@dataclass(frozen=True)
class ComparedCell:
    probability: float
    text: str  # "71 %"
    symbol: str
    label: str  # "có khả năng"
    band: str
    colour: str


@dataclass(frozen=True)
class ComparedTarget:
    id: str
    label: str
    year: int
    cells: tuple[ComparedCell, ...]

    @property
    def differs(self) -> bool:
        return len({c.band for c in self.cells}) > 1


@dataclass(frozen=True)
class ComparisonContent:
    lang: str
    plan: str
    pack_id: str
    document: str
    reference: str
    issuer: str
    place: str
    today: date
    date_text: str
    scenarios: tuple[ComparedScenario, ...]
    targets: tuple[ComparedTarget, ...]
    lever_rows: tuple[tuple[str, tuple[str, ...]], ...]  # (label, value per scenario): only those that differ
    charts: tuple[ChartItem, ...]
    area_note: str
    runs: tuple[Computed, ...] = field(repr=False)
    version: str = __version__


def unique_labels(labels: Sequence[str]) -> list[str]:
    out: list[str] = []
    for label in labels:
        candidate, n = label, 2
        while candidate in out:
            candidate, n = f"{label} ({n})", n + 1
        out.append(candidate)
    return out


def comparison_content(scenarios: Sequence[dict[str, Any]], lang: str = "vi", labels: Sequence[str] | None = None,
                       today: date | None = None, with_charts: bool = True) -> ComparisonContent:
    """Two to four scenarios of one pack side by side: probabilities, the levers that differ, overlay charts."""
    lang = "en" if lang == "en" else "vi"
    today = today or date.today()
    if not 2 <= len(scenarios) <= MAX_COMPARED:
        raise PlannerError(f"cần từ 2 đến {MAX_COMPARED} kịch bản để so sánh (có {len(scenarios)})",
                           f"2 to {MAX_COMPARED} scenarios are needed for a comparison (got {len(scenarios)})",
                           "scenarios")
    runs = [compute(s) for s in scenarios]
    if len({c.pack.id for c in runs}) > 1:
        raise PlannerError("các kịch bản phải cùng một gói kế hoạch", "the scenarios must share one plan pack",
                           "scenarios")
    pack = runs[0].pack
    names = unique_labels([(labels[i] if labels and i < len(labels) and labels[i]
                            else scenario_title(c.res.name, c.res.preset, lang, len(c.res.changed))) for i, c in enumerate(runs)])
    listed = tuple(ComparedScenario(n, preset_label(c.res.preset, lang), c.likely, len(c.results),
                                    likely_count_text(c.likely, len(c.results), lang))
                   for n, c in zip(names, runs, strict=True))
    by_run = [{r.id: r for r in c.results} for c in runs]
    targets = []
    for t in pack.targets:
        cells = []
        for results in by_run:
            p = results[t.id].probability
            band = NOT_MODELLED_BAND if p is None else likelihood(p)
            cells.append(ComparedCell(p, "–" if p is None else probability(p, lang), band.symbol, band.label(lang),
                                      band.id, band.colour))
        targets.append(ComparedTarget(t.id, t.label(lang), t.year, tuple(cells)))

    differ: list[tuple[str, tuple[str, ...]]] = []
    for lever in pack.levers:
        values = [c.res.values[lever.id] for c in runs]
        if max(values) - min(values) > 1e-12:
            differ.append((lever.label(lang), tuple(lever_value(lever, v, lang) for v in values)))
    for label, get, show in (
            (_t(lang, "Mức bất định", "Uncertainty scale"), lambda r: r.settings.uncertainty, lambda v: number(v, 2, lang)),
            (_t(lang, "Số lượt mô phỏng", "Draws"), lambda r: r.settings.draws, lambda v: number(v, 0, lang)),
            (_t(lang, "Hạt giống ngẫu nhiên", "Random seed"), lambda r: r.settings.seed, str),
            (_t(lang, "Năm đầu tính thành lập mới", "First year counted for foundings"),
             lambda r: r.settings.window_start or r.pack.window_start, str)):
        values = [get(c.res) for c in runs]
        if any(not math.isclose(v, values[0]) for v in values):
            differ.append((label, tuple(show(v) for v in values)))

    items = []
    if with_charts:
        frames = dict(zip(names, (c.traj for c in runs), strict=True))
        for indicator in target_indicators(pack):
            chart = charts.overlay_chart(frames, indicator, pack, lang, pack.targets,
                                         window_start=runs[0].res.settings.window_start)
            items.append(ChartItem(indicator, INDICATOR_BY_ID[indicator].label(lang), chart.to_dict(validate=False), ""))
    return ComparisonContent(
        lang=lang, plan=pack.name(lang), pack_id=pack.id, document=document_text(pack, lang),
        reference=reference(pack, lang),
        issuer=str(pack.meta.get(f"report_issuer_{lang}", "")), place=str(pack.meta.get(f"place_{lang}", "")),
        today=today, date_text=day_text(today, lang), scenarios=listed, targets=tuple(targets),
        lever_rows=tuple(differ), charts=tuple(items), area_note=area_note(pack, lang), runs=tuple(runs))

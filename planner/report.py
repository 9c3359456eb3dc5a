"""Offline reports of a scenario: a self-contained HTML file (A4 print), an Excel workbook, CSV files,
charts as SVG or PNG, and a comparison of two to four scenarios.

Everything is computed with the engine directly (``resolve``, ``project``, ``assess``): no Streamlit.
Charts come from :mod:`planner.charts` and are drawn offline by ``vl_convert`` (Vega bundled, no
network).  Nothing a user typed (scenario name, note) is ever written into the HTML unescaped, and
the HTML references nothing outside itself: no scripts, styles, fonts or images from anywhere.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import html
import io
import math
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__, charts
from .assess import TargetResult, assess, count_likely
from .charts import FONT_STACK
from .errors import PlannerError
from .fmt import indicator_value, lever_value, number, probability
from .model import Projection, Settings, project
from .packs import Observation, Pack, Target
from .registry import (
    ADOPTION,
    COUNT_KINDS,
    GROUP_BY_ID,
    INDICATOR_BY_ID,
    INDICATORS,
    LIKELIHOOD,
    PACE,
    likelihood,
    preset_label,
)
from .scenario import Resolved, resolve
from .text import headline, likely_words, pace_words, result_summary

FORMATS = ("html", "xlsx")
MAX_COMPARED = 4
# Fonts that carry Vietnamese on Windows, Android/ChromeOS and Linux; vl_convert measures with the
# first one it has (DejaVu Sans on a Debian server), the reader's machine draws with the first it has.
REPORT_CHART_WIDTH = 640
REPORT_CHART_HEIGHT = 250  # two charts with their captions fit on an A4 page


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def day_text(value: date | str, lang: str) -> str:
    """A date as people write it: 13/09/2023 (vi) or 2023-09-13 (en); text that is no date stays as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


# --- Target groups (the Present page's screens) -----------------------------------------------

@dataclass(frozen=True)
class TargetGroup:
    """A screen of the presentation: targets grouped by the indicators they read."""

    id: str
    vi: str
    en: str
    indicators: tuple[str, ...]  # in priority order: the first one a pack has is the group's main indicator

    def label(self, lang: str) -> str:
        return _t(lang, self.vi, self.en)


TARGET_GROUPS: tuple[TargetGroup, ...] = (
    TargetGroup("founding", "Thành lập và số lượng tổ chức", "Founding and number of organisations",
                ("new_htx", "htx", "new_tht", "tht", "new_lhhtx", "lhhtx")),
    TargetGroup("quality", "Chất lượng hoạt động", "Quality of operation", ("good_fair_share",)),
    TargetGroup("technology", "Công nghệ cao và chuyển đổi số", "High technology and digital transformation",
                ("hightech", "digital_share")),
    TargetGroup("linkage", "Liên kết và xuất khẩu", "Linkage and export", ("linkage_share", "export")),
    # The last group also takes any target whose indicator no other group reads.
    TargetGroup("households", "Hộ, thành viên và tầm nhìn 2045", "Households, members and the 2045 vision",
                ("households_share", "members_share")),
)


def target_groups(pack: Pack) -> list[tuple[TargetGroup, list[Target]]]:
    """The pack's targets by group, in the order of the groups; groups without a target are left out."""
    by_group: dict[str, list[Target]] = {g.id: [] for g in TARGET_GROUPS}
    for target in pack.targets:
        group = next((g for g in TARGET_GROUPS if target.indicator in g.indicators), TARGET_GROUPS[-1])
        by_group[group.id].append(target)
    return [(g, by_group[g.id]) for g in TARGET_GROUPS if by_group[g.id]]


def main_indicator(group: TargetGroup, targets: Sequence[Target]) -> str:
    """The indicator a group's chart shows: the first of the group's indicators that has a target."""
    present = {t.indicator for t in targets}
    return next((i for i in group.indicators if i in present), targets[0].indicator)


def driving_levers(pack: Pack, target: Target) -> tuple[str, ...]:
    """The levers that move a target most directly, the most direct first: foundings for counts, upgrading
    for quality, the push ``p`` (then the ceiling) for an adopting share, export growth for exporters."""
    indicator = target.indicator.removeprefix("new_")
    family = {v: k for k, v in ADOPTION.items()}
    if indicator in COUNT_KINDS:
        wanted: tuple[str, ...] = (f"{indicator}_new_per_year",)
    elif indicator == "good_fair_share":
        wanted = ("quality_upgrade_rate", "quality_dissolution_weak_share")
    elif indicator in family:
        wanted = (f"{family[indicator]}_p", f"{family[indicator]}_ceiling")
    elif indicator == "export":
        wanted = ("export_growth",)
    else:
        wanted = ()
    known = {lv.id for lv in pack.levers}
    return tuple(lever for lever in wanted if lever in known)


def driving_lever(pack: Pack, target: Target) -> str | None:
    """The one lever that drives a target most directly (None when no lever of the pack does)."""
    levers = driving_levers(pack, target)
    return levers[0] if levers else None


# --- Computation ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Computed:
    """One scenario run through the engine: what every report is made from."""

    res: Resolved
    data: dict[str, Any]
    results: list[TargetResult]
    traj: pd.DataFrame  # tidy: year, indicator, deterministic, mean, p10, p50, p90

    @property
    def pack(self) -> Pack:
        return self.res.pack

    @property
    def likely(self) -> int:
        return count_likely(self.results)


def tidy_trajectories(proj: Projection) -> pd.DataFrame:
    """Tidy rows of a projection, in registry order (the same numbers as ``python -m planner project``)."""
    frames = []
    for indicator in (i.id for i in INDICATORS if i.id in proj.draws):
        draws = proj.draws[indicator]
        p10, p50, p90 = np.percentile(draws, [10, 50, 90], axis=0)
        frames.append(pd.DataFrame({"year": proj.years.astype(int), "indicator": indicator,
                                    "deterministic": proj.deterministic[indicator], "mean": draws.mean(axis=0),
                                    "p10": p10, "p50": p50, "p90": p90}))
    return pd.concat(frames, ignore_index=True)


def compute(data: dict[str, Any]) -> Computed:
    """Resolve, project and assess a scenario dict (raises ``PlannerError`` on a bad one)."""
    res = resolve(data)
    proj = project(res.pack, res.values, res.settings, evidence=res.evidence)
    results = assess(res.pack, res.values, res.settings, proj=proj)
    return Computed(res, data, results, tidy_trajectories(proj))


def observations_frame(pack: Pack, uploaded: Iterable[Observation] = (), lang: str = "en") -> pd.DataFrame:
    """History, the pack's actual figures, uploaded figures and the baseline, tidy (as the app draws them),
    with each note in ``lang`` where the pack gives one."""
    rows = [{"indicator": o.indicator, "year": o.year, "value": o.value, "kind": kind, "source": o.source,
             "note": o.note_in(lang), "estimate": o.estimate}
            for kind, obs in (("history", pack.series), ("actual", pack.actuals), ("uploaded", tuple(uploaded)))
            for o in obs if getattr(o, "from_year", None) is None]  # a total over years is no yearly point
    rows += [{"indicator": o.indicator, "year": o.year, "value": o.value, "kind": "history", "source": o.source,
              "note": o.note_in(lang), "estimate": o.estimate} for o in pack.baseline.values()
             if not any(r["indicator"] == o.indicator and r["year"] == o.year for r in rows)]
    return pd.DataFrame(rows, columns=["indicator", "year", "value", "kind", "source", "note", "estimate"])


def target_indicators(pack: Pack) -> list[str]:
    """Projected indicators with at least one target, in the order of the plan's targets (a target with no
    projection has no chart)."""
    return list(dict.fromkeys(t.indicator for t in pack.targets if t.modelled))


# --- Charts as files (vl_convert: Vega bundled, offline) ---------------------------------------

def _spec(chart: Any) -> dict:
    return copy.deepcopy(chart) if isinstance(chart, dict) else chart.to_dict(validate=False)


def _vl_version(spec: dict) -> str | None:
    """The Vega-Lite version the spec was written for, if vl_convert bundles it ('6.4' from '.../v6.4.1.json')."""
    import vl_convert

    found = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if not found:
        return None
    wanted = f"{found.group(1)}.{found.group(2)}"
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


def print_spec(chart: Any, width: int | None = None, height: int | None = None) -> dict:
    """A chart spec ready for a file: a fixed width, the font stack that carries Vietnamese.

    The number locale in ``config.locale`` (set by :mod:`planner.charts`) is kept as it is.
    """
    spec = _spec(chart)
    config = spec.setdefault("config", {})
    config.setdefault("font", FONT_STACK)
    if width:
        spec["width"] = width
    if height:
        spec["height"] = height
    return spec


def projector_spec(chart: Any, height: int = 380, font: str = FONT_STACK) -> dict:
    """A chart spec with type large enough for a projector (axes, legend and title read from the back)."""
    spec = _spec(chart)
    spec["height"] = height
    config = spec.setdefault("config", {})
    config["font"] = font
    config.setdefault("axis", {}).update(labelFontSize=17, titleFontSize=17, labelColor="#1d2733",
                                         titleColor="#1d2733", labelSeparation=14)
    config.setdefault("legend", {}).update(labelFontSize=16, symbolSize=180, columns=2, labelColor="#1d2733")
    config.setdefault("title", {}).update(fontSize=24, subtitleFontSize=16)
    for layer in spec.get("layer", []):  # the target and milestone labels drawn as text marks
        mark = layer.get("mark")
        if isinstance(mark, dict) and mark.get("type") == "text":
            mark["fontSize"] = 16
    return spec


def chart_svg(chart: Any, width: int | None = REPORT_CHART_WIDTH, height: int | None = None) -> str:
    """An Altair chart (or its spec) as a standalone SVG document."""
    import vl_convert

    spec = print_spec(chart, width, height)
    return vl_convert.vegalite_to_svg(spec, vl_version=_vl_version(spec), allowed_base_urls=[])


def chart_png(chart: Any, width: int | None = REPORT_CHART_WIDTH, scale: float = 2.0,
              height: int | None = None) -> bytes:
    """An Altair chart (or its spec) as a PNG image (twice the pixels by default, sharp in Word)."""
    import vl_convert

    spec = print_spec(chart, width, height)
    return vl_convert.vegalite_to_png(spec, vl_version=_vl_version(spec), scale=scale, allowed_base_urls=[])


def inline_svg(svg: str) -> str:
    """An SVG document made fit for inlining in HTML: no XML prolog, no namespace URLs (HTML needs none)."""
    svg = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg, count=0)
    return svg.replace("xlink:href=", "href=")


def fan(computed: Computed, indicator: str, lang: str, uploaded: Iterable[Observation] = (),
        plan_path: bool = True):
    """The fan chart of one indicator for a computed scenario."""
    pack = computed.pack
    obs = observations_frame(pack, uploaded, lang)
    return charts.fan_chart(computed.traj, indicator, obs, pack.targets, pack, lang,
                            plan_path=plan_path, window_start=computed.res.settings.window_start)


# --- Texts shared by the HTML report and the workbook ------------------------------------------

def scenario_title(res: Resolved, lang: str) -> str:
    """The scenario's name, or its preset when it has none (plain text: escape before HTML)."""
    if res.name.strip():
        return res.name
    return _t(lang, "Kịch bản mẫu “", "Preset “") + preset_label(res.preset, lang) + "”"


def target_rule(target: Target, pack: Pack, settings: Settings, lang: str) -> str:
    """The target's threshold as a reader says it, with the plan window for 'newly founded' targets."""
    text = charts.rule_text(target, lang)
    if target.kind == "new":
        first = settings.window_start or pack.window_start
        text += f" ({first}–{target.year})"
    return text


def method_paragraphs(pack: Pack, settings: Settings, lang: str) -> list[tuple[str, str]]:
    """The method in a few paragraphs (heading, text), in plain words."""
    draws = number(settings.draws, 0, lang)
    return [
        (_t(lang, "Số tổ chức: mô hình thành lập – giải thể", "Counts: a birth–death model"), _t(lang,
            "Mỗi năm t, số HTX (tổ hợp tác, liên hiệp HTX) thành lập mới N_t có trung bình λ_t = λ0·(1+g)^(t−B−1), "
            "với B là năm gốc; số giải thể D_t có trung bình δ·S_(t−1); số đang hoạt động S_t = S_(t−1) + N_t − D_t. "
            "Đường trung tâm dùng các giá trị trung bình; trong mô phỏng, số thành lập theo phân phối Poisson, số "
            "giải thể theo phân phối nhị thức. Chỉ tiêu “thành lập mới” cộng số thành lập trong kỳ kế hoạch; chỉ "
            "tiêu tổng số đọc số đang hoạt động.",
            "In year t, the new foundings N_t (cooperatives, cooperative groups, unions) have mean "
            "λ_t = λ0·(1+g)^(t−B−1), B being the base year; dissolutions D_t have mean δ·S_(t−1); the stock is "
            "S_t = S_(t−1) + N_t − D_t. The central path uses the means; the simulation draws foundings from a "
            "Poisson and dissolutions from a binomial distribution. “Newly founded” targets add up the foundings "
            "of the plan window; stock targets read the stock.")),
        (_t(lang, "Chất lượng: hai nhóm HTX", "Quality: two classes of HTX"), _t(lang,
            "Nhóm G (tốt, khá) và nhóm W (trung bình, yếu, chưa xếp loại). Mỗi năm một tỷ lệ u của nhóm W được "
            "nâng hạng, một tỷ lệ v của nhóm G bị xuống hạng; trong số HTX giải thể, phần f thuộc nhóm W (không "
            "quá số HTX của nhóm W); trong số HTX mới, phần e xếp loại tốt, khá ngay. Tỷ lệ tốt, khá = G / (G + W): "
            "cả hỗ trợ nâng hạng lẫn giải thể HTX yếu kém đều là giả định điều chỉnh được.",
            "G (good/fair) and W (average, weak, unrated). Each year a share u of W is upgraded and a share v of "
            "G downgraded; of the dissolved HTX a share f comes from W (at most all of W); of the new HTX a share "
            "e starts good/fair. Good/fair share = G / (G + W): upgrading support and dissolving weak HTX are "
            "both assumptions that can be moved.")),
        (_t(lang, "Công nghệ cao, chuyển đổi số, liên kết, hộ tham gia: lan tỏa Bass",
            "High technology, digital transformation, linkage, households: Bass diffusion"), _t(lang,
            "Tỷ lệ tham gia a_t tiến dần tới mức trần K: a_t = a_(t−1) + (p + q·a_(t−1)/K)·(K − a_(t−1)). p là lực "
            "đẩy từ các chương trình hỗ trợ, q là sức lan tỏa giữa các đơn vị; với q = 0 tỷ lệ tiến đều tới mức "
            "trần, với p gần 0 đường cong có dạng chữ S. Số HTX ứng dụng công nghệ cao = tỷ lệ × số HTX của cùng "
            "lượt mô phỏng. Số HTX xuất khẩu trực tiếp tăng theo cấp số nhân X_t = X_B·(1+g)^(t−B), có nhiễu "
            "Poisson trong mô phỏng.",
            "The adopting share a_t moves toward a ceiling K: a_t = a_(t−1) + (p + q·a_(t−1)/K)·(K − a_(t−1)). "
            "p is the push from support programmes, q the peer effect; with q = 0 the share approaches the "
            "ceiling steadily, with p near 0 it follows an S-curve. HTX with high technology = share × the HTX "
            "stock of the same draw. Directly exporting HTX grow at a compound rate, X_t = X_B·(1+g)^(t−B), with "
            "Poisson noise in the simulation.")),
        (_t(lang, "Bất định: phân phối tam giác, số ngẫu nhiên chung", "Uncertainty: triangular draws, common random numbers"),
         _t(lang,
            f"Mỗi giả định có giá trị thấp – giữa – cao, khoảng tính theo giá trị hiện tại; mức bất định chung "
            f"(ở đây {number(settings.uncertainty, 2, lang)}) nhân độ rộng mọi khoảng. Mỗi lượt mô phỏng lấy giả "
            f"định theo phân phối tam giác; báo cáo này dùng {draws} lượt với hạt giống {settings.seed}, nên kết "
            "quả lặp lại được. Mọi kịch bản dùng chung một dãy số ngẫu nhiên, nên khác biệt giữa hai kịch bản đến "
            "từ giả định chứ không từ may rủi.",
            f"Each assumption has a low, mode and high value, the range relative to the current value; the "
            f"overall uncertainty (here {number(settings.uncertainty, 2, lang)}) multiplies every range. Each draw "
            f"takes the assumptions from triangular distributions; this report uses {draws} draws with seed "
            f"{settings.seed}, so the results reproduce. Every scenario uses the same random numbers, so a "
            "difference between two scenarios comes from the assumptions, not from chance.")),
        (_t(lang, "Xác suất đạt và thang IPCC", "Probability and the IPCC likelihood scale"), _t(lang,
            "Xác suất đạt là tỷ lệ lượt mô phỏng thỏa chỉ tiêu (với chỉ tiêu thành lập mới và số HTX xuất khẩu: "
            "tính chính xác theo phân phối Poisson cho từng lượt rồi lấy trung bình). Cách đọc theo thang IPCC: "
            + "; ".join(f"{b.symbol} {b.label('vi')}" + (f" (≥ {probability(b.floor, 'vi')})" if b.floor > 0 else "")
                        for b in LIKELIHOOD[:4]) + f"; {LIKELIHOOD[-1].symbol} {LIKELIHOOD[-1].label('vi')} "
            "(< 10 %). Một chỉ tiêu “có khả năng đạt” khi xác suất từ 66 % trở lên.",
            "The probability is the share of draws that meet the target (for newly founded targets and exporters "
            "it is computed exactly from the Poisson distribution for each draw and averaged). Read on the IPCC "
            "scale: " + "; ".join(f"{b.symbol} {b.label('en')}" + (f" (≥ {probability(b.floor, 'en')})"
                                                                 if b.floor > 0 else "") for b in LIKELIHOOD[:4])
            + f"; {LIKELIHOOD[-1].symbol} {LIKELIHOOD[-1].label('en')} (< 10 %). A target is “likely met” at a "
            "probability of 66 % or more.")),
        (_t(lang, "Tiến độ: tỷ lệ R của Liên Hợp Quốc", "Pace: the UN progress ratio"), _t(lang,
            "R = mức thay đổi theo đường trung tâm ÷ mức thay đổi cần có, từ năm gốc đến năm chỉ tiêu (cách đọc "
            "của các cơ quan thống kê Liên Hợp Quốc, ESCAP): "
            + "; ".join(f"{b.symbol} {b.label('vi')}" for b in PACE)
            + " (R ≥ 0,95; 0,60–0,95; 0–0,60; R < 0).",
            "R = the change on the central path ÷ the change required, from the base year to the target year "
            "(the reading of the UN statistics offices, ESCAP): " + "; ".join(f"{b.symbol} {b.label('en')}" for b in PACE)
            + " (R ≥ 0.95; 0.60–0.95; 0–0.60; R < 0).")),
    ]


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


def _likely_count_text(computed: Computed, lang: str) -> str:
    k, n = computed.likely, len(computed.results)
    return _t(lang, f"{k}/{n} chỉ tiêu có khả năng đạt", f"{k} of {n} targets likely met")


# --- HTML ------------------------------------------------------------------------------------------

_BAND_CSS = "\n".join(f".lk-{b.id} {{ color: {b.colour}; }}" for b in LIKELIHOOD) + "\n" + \
    "\n".join(f".pc-{b.id} {{ color: {b.colour}; }}" for b in PACE)

CSS = """
@page { size: A4; margin: 16mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #1d2733; margin: 0 auto; max-width: 182mm; padding: 8mm 0; }
h1 { font-size: 21pt; line-height: 1.2; margin: 0 0 4pt; color: #12344d; }
h2 { font-size: 15pt; margin: 0 0 8pt; padding-bottom: 3pt; border-bottom: 2px solid #1f5f8b; color: #12344d;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 6pt; }
.kicker { text-transform: uppercase; letter-spacing: .06em; font-size: 9pt; color: #495057; margin-bottom: 6pt; }
.doc { color: #495057; }
.cover { border-bottom: 1px solid #ced4da; padding-bottom: 4pt; margin-bottom: 8pt; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1pt 10pt; margin: 6pt 0; font-size: 9.5pt; }
dl.meta dt { font-weight: 600; color: #495057; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.user-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.headline { font-size: 20pt; font-weight: 700; color: #12344d; margin: 8pt 0 2pt; }
.bands { margin: 0 0 6pt; }
.bands span { margin-right: 12pt; white-space: nowrap; font-weight: 600; }
.note-box { border-left: 4px solid #b58900; background: #fff8e1; padding: 4pt 8pt; margin: 6pt 0; font-size: 9pt; }
section { margin-top: 14pt; }
section.page { break-before: page; page-break-before: always; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 9pt; }
thead { display: table-header-group; }
tr, td, th { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #dee2e6; padding: 3pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef2f6; font-weight: 600; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
td.nowrap { white-space: nowrap; }
tfoot td { font-weight: 700; border-top: 2px solid #adb5bd; }
.lk, .pc { font-weight: 600; }
th, td { overflow-wrap: break-word; }
table.scorecard th:first-child { width: 27%; }
.est { color: #8a6500; font-weight: 600; white-space: nowrap; }
figure { margin: 0 0 10pt; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-width: 100%; }
figcaption { font-size: 9pt; color: #343a40; margin-top: 2pt; }
.small { font-size: 8.5pt; color: #495057; }
footer { margin-top: 14pt; border-top: 1px solid #ced4da; padding-top: 4pt; font-size: 8.5pt; color: #495057; }
ul { margin: 0 0 6pt 16pt; padding: 0; }
li { margin-bottom: 3pt; }
@media screen { body { padding: 12mm 6mm; } section.page { margin-top: 18mm; } }
""" + _BAND_CSS


def _e(text: Any) -> str:
    """Escape any text for HTML (content and attribute values); a per cent sign stays with its number."""
    return html.escape(str(text), quote=True).replace(" %", "\u00a0%")


def _page(title: str, body: str, lang: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="ktt-planner {_e(__version__)}">\n'
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _cls(css: str) -> str:
    return f' class="{css}"' if css else ""


def _table(headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[tuple[str, str]]], cls: str = "",
           foot: Sequence[tuple[str, str]] | None = None, widths: Sequence[float] | None = None) -> str:
    """A table from (already escaped HTML, css class) cells; ``widths`` in per cent fix the layout."""
    cols = ("<colgroup>" + "".join(f'<col style="width: {w:g}%">' for w in widths) + "</colgroup>") if widths else ""
    head = "".join(f'<th scope="col"{_cls(c)}>{h}</th>' for h, c in headers)
    body = "".join("<tr>" + "".join(f"<td{_cls(c)}>{v}</td>" for v, c in row) + "</tr>" for row in rows)
    tfoot = ("<tfoot><tr>" + "".join(f"<td{_cls(c)}>{v}</td>" for v, c in foot) + "</tr></tfoot>") if foot else ""
    style = ' style="table-layout: fixed"' if widths else ""
    return f"<table{_cls(cls)}{style}>{cols}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{tfoot}</table>"


def _likely_cell(p: float | None, lang: str) -> tuple[str, str]:
    return _e(likely_words(p, lang)), f"lk lk-{'not_modelled' if p is None else likelihood(p).id}"


def _meta_list(items: Iterable[tuple[str, str]]) -> str:
    """A definition list from (label, already escaped value) pairs."""
    return '<dl class="meta">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def _bands_line(probs: Iterable[float], lang: str) -> str:
    probs = [p for p in probs if p is not None]  # a target with no projection has no likelihood
    parts = [f'<span class="lk-{b.id}">{_e(b.symbol)} {sum(likelihood(p).id == b.id for p in probs)} '
             f"{_e(b.label(lang))}</span>" for b in LIKELIHOOD]
    return '<p class="bands">' + " ".join(parts) + "</p>"


def _scorecard_table(computed: Computed, lang: str) -> str:
    pack, settings = computed.pack, computed.res.settings
    headers = [(_e(_t(lang, "Chỉ tiêu", "Target")), ""), (_e(_t(lang, "Năm", "Year")), "num"),
               (_e(_t(lang, "Ngưỡng", "Threshold")), ""), (_e(_t(lang, "Dự báo (trung vị)", "Projected (median)")), "num"),
               (_e(_t(lang, "Khoảng 80 % (p10–p90)", "80 % range (p10–p90)")), "num"),
               (_e(_t(lang, "Xác suất đạt", "Probability")), "num"), (_e(_t(lang, "Khả năng", "Likelihood")), ""),
               (_e(_t(lang, "Tiến độ", "Pace")), "")]
    rows = []
    notes = []
    for r in computed.results:
        t = pack.target(r.id)
        cells = result_summary(pack, r, lang)
        rows.append([
            (_e(t.label(lang)), ""), (str(r.year), "num"), (_e(target_rule(t, pack, settings, lang)), ""),
            (_e(cells["projected"]), "num"), (_e(cells["range"]), "num"),
            (_e(cells["probability"]), "num"), _likely_cell(r.probability, lang),
            (_e(pace_words(r.status, lang)), f"pc pc-{r.status}"),
        ])
        if cells["note"]:
            notes.append(f"<li>{_e(t.label(lang))}: {_e(cells['note'])}</li>")
    table = _table(headers, rows, "scorecard")  # automatic layout: no word is broken, long labels wrap
    if notes:
        table += ('<p class="small">' + _e(_t(lang, "Chỉ tiêu không dự báo:", "Targets not projected:")) + "</p>"
                  + '<ul class="small">' + "".join(notes) + "</ul>")
    return table  # automatic layout: no word is broken, long labels wrap


def _chart_caption(computed: Computed, indicator: str, lang: str) -> str:
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
    return " ".join(_e(p) for p in parts)


def _levers_changed_table(res: Resolved, lang: str) -> str:
    changed = res.changed
    if not changed:
        return "<p>" + _e(_t(lang, "Không có giả định nào khác với kịch bản mẫu: đây là kịch bản mẫu.",
                                "No assumption differs from the preset: this is the preset.")) + "</p>"
    headers = [(_e(_t(lang, "Giả định", "Assumption")), ""), (_e(_t(lang, "Nhóm", "Group")), ""),
               (_e(_t(lang, "Kịch bản mẫu", "Preset")) + " (" + _e(preset_label(res.preset, lang)) + ")", "num"),
               (_e(_t(lang, "Kịch bản này", "This scenario")), "num")]
    rows = []
    for lever in res.pack.levers:
        if lever.id in changed:
            before, after = changed[lever.id]
            rows.append([(_e(lever.label(lang)), ""), (_e(GROUP_BY_ID[lever.group].label(lang)), ""),
                         (_e(lever_value(lever, before, lang)), "num"), (_e(lever_value(lever, after, lang)), "num")])
    return _table(headers, rows, "levers", widths=(44, 24, 16, 16))


def source_text(source: str, lang: str) -> str:
    """A baseline source as written in the pack; the project's own estimates named in the language."""
    if source.strip().lower() == "estimate of the project":
        return _t(lang, "Ước tính của dự án", "Estimate of the project")
    return source


def _baseline_table(pack: Pack, lang: str) -> str:
    headers = [(_e(_t(lang, "Chỉ số", "Indicator")), ""), (_e(_t(lang, "Năm", "Year")), "num"),
               (_e(_t(lang, "Giá trị", "Value")), "num"), (_e(_t(lang, "Loại", "Kind")), ""),
               (_e(_t(lang, "Nguồn", "Source")), ""), (_e(_t(lang, "Ngày", "Date")), "")]
    rows = []
    for ind in (i for i in INDICATORS if i.id in pack.baseline):
        o = pack.baseline[ind.id]
        kind = (_e(_t(lang, "⚠ Ước tính", "⚠ Estimate")), "est") if o.estimate else \
            (_e(_t(lang, "✔ Công bố", "✔ Published")), "nowrap")
        rows.append([(_e(ind.label(lang)), ""), (str(o.year), "num"), (_e(indicator_value(o.indicator, o.value, lang)), "num"),
                     kind, (_e(source_text(o.source, lang)), ""), (_e(day_text(o.date, lang)), "nowrap")])
    table = _table(headers, rows, "baseline", widths=(24, 7, 10, 12, 34, 13))
    notes = [(INDICATOR_BY_ID[o.indicator].label(lang), o.note_in(lang)) for o in pack.baseline.values()
             if o.note_in(lang)]
    if notes:
        table += ("<h3>" + _e(_t(lang, "Ghi chú về số liệu (nguyên văn trong gói, tiếng Anh)",
                                 "Notes on the figures")) + "</h3><ul class=\"small\">"
                  + "".join(f"<li><strong>{_e(k)}:</strong> {_e(v)}</li>" for k, v in notes) + "</ul>")
    return table


def _method_section(pack: Pack, settings: Settings, lang: str) -> str:
    parts = [f"<h3>{_e(h)}</h3><p>{_e(p)}</p>" for h, p in method_paragraphs(pack, settings, lang)]
    questions = open_questions(pack, settings, lang)
    if questions:
        parts.append("<h3>" + _e(_t(lang, "Những điểm văn bản chưa nói rõ và cách hiểu mặc định",
                                    "Open questions and the defaults taken")) + "</h3><ul>"
                     + "".join(f"<li>{_e(q)}</li>" for q in questions) + "</ul>")
    return "".join(parts)


def _area_note(pack: Pack, lang: str) -> str:
    note = pack.meta.get(f"area_note_{lang}") or pack.meta.get("area_note_vi", "")
    if not note:
        return ""
    return ('<div class="note-box"><strong>' + _e(_t(lang, "Địa bàn và thay đổi hành chính: ",
                                                    "Area and administrative changes: "))
            + "</strong>" + _e(note) + "</div>")


def document_text(pack: Pack, lang: str) -> str:
    """The plan's document number, date and issuing body on one line (plain text)."""
    parts = [pack.meta.get("document", ""), day_text(str(pack.meta.get("document_date", "")), lang),
             pack.meta.get(f"issuer_{lang}", "")]
    return " · ".join(str(p) for p in parts if p)


def _document_line(pack: Pack, lang: str) -> str:
    return _e(document_text(pack, lang))


def _footer(lang: str, today: date) -> str:
    return ("<footer>" + _e(_t(lang,
        f"Lập bằng công cụ lập kịch bản kinh tế tập thể, phiên bản {__version__}, ngày {day_text(today, lang)}. "
        "Tệp này tự chứa (không cần mạng): biểu đồ là hình vẽ SVG nằm ngay trong tệp.",
        f"Made with the collective-economy scenario planner, version {__version__}, on {day_text(today, lang)}. "
        "This file is self-contained (no network needed): the charts are SVG drawings inside the file."))
        + "</footer>")


def html_report(data: dict[str, Any], lang: str = "vi", uploaded: Iterable[Observation] = (),
                today: date | None = None, computed: Computed | None = None) -> str:
    """The scenario's report as one self-contained HTML page (A4 print layout, no script, no external file)."""
    lang = "en" if lang == "en" else "vi"
    today = today or date.today()
    computed = computed or compute(data)
    res, pack, settings = computed.res, computed.pack, computed.res.settings
    title = scenario_title(res, lang)
    meta = [
        (_t(lang, "Kịch bản", "Scenario"), f'<span class="user-text">{_e(title)}</span>'),
        (_t(lang, "Kịch bản mẫu", "Preset"), _e(preset_label(res.preset, lang))),
        (_t(lang, "Gói kế hoạch", "Plan pack"), _e(f"{pack.name(lang)} ({pack.id})")),
        (_t(lang, "Năm gốc · kỳ kế hoạch", "Base year · plan window"),
         _e(f"{pack.base_year} · {settings.window_start or pack.window_start}–{max(t.year for t in pack.targets)}")),
        (_t(lang, "Mô phỏng", "Simulation"), _e(_t(lang,
            f"{number(settings.draws, 0, lang)} lượt, hạt giống {settings.seed}, mức bất định "
            f"{number(settings.uncertainty, 2, lang)}",
            f"{number(settings.draws, 0, lang)} draws, seed {settings.seed}, uncertainty "
            f"{number(settings.uncertainty, 2, lang)}"))),
        (_t(lang, "Ngày lập", "Date"), _e(day_text(today, lang))),
        (_t(lang, "Phiên bản công cụ", "App version"), _e(__version__)),
    ]
    if res.note.strip():
        meta.insert(1, (_t(lang, "Ghi chú", "Note"), f'<span class="user-text">{_e(res.note)}</span>'))
    cover = (
        '<header class="cover">'
        f'<p class="kicker">{_e(_t(lang, "Báo cáo kịch bản · Kinh tế tập thể", "Scenario report · Collective economy"))}</p>'
        f"<h1>{_e(pack.name(lang))}</h1><p class=\"doc\">{_document_line(pack, lang)}</p>"
        + _meta_list(meta)
        + f'<p class="headline">{_e(_likely_count_text(computed, lang))}</p>'
        + f'<p class="small">{_e(_t(lang, "“Có khả năng đạt”: xác suất đạt từ 66 % trở lên (thang IPCC).", "“Likely met”: a probability of 66 % or more (IPCC scale)."))}</p>'
        + _bands_line((r.probability for r in computed.results), lang)
        + _area_note(pack, lang) + "</header>")

    scorecard = ('<section id="scorecard"><h2>' + _e(_t(lang, "1. Bảng điểm các chỉ tiêu", "1. Target scorecard"))
                 + "</h2>" + _scorecard_table(computed, lang)
                 + '<p class="small">' + _e(_t(lang,
                     "Xác suất: tỷ lệ lượt mô phỏng đạt chỉ tiêu. Khả năng theo thang IPCC; tiến độ theo tỷ lệ R "
                     "(mức thay đổi dự báo ÷ mức thay đổi cần có; xem phần Phương pháp).",
                     "Probability: the share of simulated futures that meet the target. Likelihood on the IPCC "
                     "scale; pace by the ratio R (projected change ÷ change required; see the Method).")) + "</p></section>")

    figures = []
    for indicator in target_indicators(pack):
        svg = inline_svg(chart_svg(fan(computed, indicator, lang, uploaded), height=REPORT_CHART_HEIGHT))
        figures.append(f'<figure>{svg}<figcaption>{_chart_caption(computed, indicator, lang)}</figcaption></figure>')
    chart_section = ('<section id="charts" class="page"><h2>' + _e(_t(lang, "2. Quỹ đạo đến 2045", "2. Trajectories to 2045"))
                     + "</h2><p class=\"small\">" + _e(_t(lang,
                         "Vùng tô: khoảng 80 % của các lượt mô phỏng; đường đậm: trung vị (số thành lập mỗi năm: trung bình); "
                         "đường mảnh: đường trung tâm "
                         "(tất định); nét đứt: lộ trình đều đến chỉ tiêu; điểm: số liệu đã có; hình thoi: chỉ tiêu.",
                         "Shaded: the 80 % range of the simulated futures; bold line: the median (foundings per year: the "
                         "mean); thin line: the "
                         "central (deterministic) path; dashed: an even path to the target; points: published "
                         "figures; diamonds: targets.")) + "</p>" + "".join(figures) + "</section>")

    levers = ('<section id="levers" class="page"><h2>' + _e(_t(lang, "3. Giả định khác với kịch bản mẫu",
                                                              "3. Assumptions changed from the preset"))
              + "</h2>" + _levers_changed_table(res, lang) + "</section>")
    baseline = ('<section id="baseline"><h2>' + _e(_t(lang, f"4. Số liệu năm gốc {pack.base_year} và nguồn",
                                                       f"4. Baseline {pack.base_year} and sources"))
                + "</h2>" + _baseline_table(pack, lang) + "</section>")
    method = ('<section id="method" class="page"><h2>' + _e(_t(lang, "5. Phương pháp", "5. Method")) + "</h2>"
              + _method_section(pack, settings, lang) + _area_note(pack, lang) + "</section>")
    page_title = _t(lang, "Báo cáo kịch bản", "Scenario report") + f" · {title} · {pack.name(lang)}"
    return _page(page_title, cover + scorecard + chart_section + levers + baseline + method + _footer(lang, today), lang)


def _unique_labels(labels: Sequence[str]) -> list[str]:
    out: list[str] = []
    for label in labels:
        candidate, n = label, 2
        while candidate in out:
            candidate, n = f"{label} ({n})", n + 1
        out.append(candidate)
    return out


def comparison_html(scenarios: Sequence[dict[str, Any]], lang: str = "vi", labels: Sequence[str] | None = None,
                    today: date | None = None) -> str:
    """Two to four scenarios of one pack side by side: probabilities, the levers that differ, overlay charts."""
    lang = "en" if lang == "en" else "vi"
    today = today or date.today()
    if not 2 <= len(scenarios) <= MAX_COMPARED:
        raise PlannerError(f"cần từ 2 đến {MAX_COMPARED} kịch bản để so sánh (có {len(scenarios)})",
                           f"2 to {MAX_COMPARED} scenarios are needed for a comparison (got {len(scenarios)})",
                           "scenarios")
    runs = [compute(s) for s in scenarios]
    packs = {c.pack.id for c in runs}
    if len(packs) > 1:
        raise PlannerError("các kịch bản phải cùng một gói kế hoạch", "the scenarios must share one plan pack",
                           "scenarios")
    pack = runs[0].pack
    names = _unique_labels([(labels[i] if labels and i < len(labels) and labels[i] else scenario_title(c.res, lang))
                            for i, c in enumerate(runs)])

    cover_rows = [(_t(lang, "Gói kế hoạch", "Plan pack"), _e(f"{pack.name(lang)} ({pack.id})")),
                  (_t(lang, "Ngày lập", "Date"), _e(day_text(today, lang))),
                  (_t(lang, "Phiên bản công cụ", "App version"), _e(__version__))]
    listing = "<ol>" + "".join(
        f'<li><span class="user-text">{_e(name)}</span> · {_e(_t(lang, "mẫu", "preset"))} '
        f"{_e(preset_label(c.res.preset, lang))} · {_e(_likely_count_text(c, lang))}</li>"
        for name, c in zip(names, runs, strict=True)) + "</ol>"
    cover = ('<header class="cover">'
             f'<p class="kicker">{_e(_t(lang, "So sánh kịch bản · Kinh tế tập thể", "Scenario comparison · Collective economy"))}</p>'
             f"<h1>{_e(pack.name(lang))}</h1><p class=\"doc\">{_document_line(pack, lang)}</p>"
             + _meta_list(cover_rows) + "<h3>" + _e(_t(lang, "Các kịch bản", "The scenarios")) + "</h3>" + listing
             + '<p class="small">' + _e(_t(lang,
                 "Mọi kịch bản dùng chung một dãy số ngẫu nhiên, nên chênh lệch đến từ giả định, không phải từ nhiễu.",
                 "Every scenario uses the same random numbers, so differences come from the assumptions, not the "
                 "noise.")) + "</p>" + _area_note(pack, lang) + "</header>")

    headers = [(_e(_t(lang, "Chỉ tiêu", "Target")), ""), (_e(_t(lang, "Năm", "Year")), "num")]
    headers += [(f'<span class="user-text">{_e(n)}</span>', "scn") for n in names]
    by_run = [{r.id: r for r in c.results} for c in runs]
    rows = []
    for t in pack.targets:
        row = [(_e(t.label(lang)), ""), (str(t.year), "num")]
        for results in by_run:
            p = results[t.id].probability
            if p is None:
                row.append((_e(likely_words(None, lang)), "lk"))
                continue
            band = likelihood(p)
            row.append((f"{_e(band.symbol)} {_e(probability(p, lang))}<br><span class=\"small\">"
                        f"{_e(band.label(lang))}</span>", f"lk lk-{band.id}"))
        rows.append(row)
    foot = [(_e(_t(lang, "Chỉ tiêu có khả năng đạt", "Targets likely met")), ""), ("", "")]
    foot += [(_e(f"{c.likely}/{len(c.results)}"), "num") for c in runs]
    probs = ('<section id="probabilities"><h2>' + _e(_t(lang, "1. Xác suất đạt từng chỉ tiêu",
                                                        "1. Probability of meeting each target")) + "</h2>"
             + _table(headers, rows, "compare", foot, widths=(34, 7, *[59 / len(runs)] * len(runs)))
             + "</section>")

    lever_rows = []
    for lever in pack.levers:
        values = [c.res.values[lever.id] for c in runs]
        if max(values) - min(values) > 1e-12:
            lever_rows.append([(_e(lever.label(lang)), "")] + [(_e(lever_value(lever, v, lang)), "num") for v in values])
    for label, get, show in (
            (_t(lang, "Mức bất định", "Uncertainty scale"), lambda r: r.settings.uncertainty, lambda v: number(v, 2, lang)),
            (_t(lang, "Số lượt mô phỏng", "Simulated futures"), lambda r: r.settings.draws, lambda v: number(v, 0, lang)),
            (_t(lang, "Hạt giống ngẫu nhiên", "Random seed"), lambda r: r.settings.seed, str),
            (_t(lang, "Năm đầu tính thành lập mới", "First year counted for foundings"),
             lambda r: r.settings.window_start or r.pack.window_start, str)):
        values = [get(c.res) for c in runs]
        if any(not math.isclose(v, values[0]) for v in values):
            lever_rows.append([(_e(label), "")] + [(_e(show(v)), "num") for v in values])
    lever_headers = [(_e(_t(lang, "Giả định", "Assumption")), "")] + [
        (f'<span class="user-text">{_e(n)}</span>', "num") for n in names]
    levers = ('<section id="levers"><h2>' + _e(_t(lang, "2. Giả định khác nhau", "2. Assumptions that differ"))
              + "</h2>" + (_table(lever_headers, lever_rows, "levers", widths=(40, *[60 / len(runs)] * len(runs)))
                           if lever_rows else
                           "<p>" + _e(_t(lang, "Các kịch bản có cùng mọi giả định.",
                                         "The scenarios share every assumption.")) + "</p>") + "</section>")

    frames = dict(zip(names, (c.traj for c in runs), strict=True))
    figures = []
    for indicator in target_indicators(pack):
        chart = charts.overlay_chart(frames, indicator, pack, lang, pack.targets,
                                     window_start=runs[0].res.settings.window_start)
        figures.append(f"<figure>{inline_svg(chart_svg(chart, height=REPORT_CHART_HEIGHT))}</figure>")
    overlays = ('<section id="charts" class="page"><h2>' + _e(_t(lang, "3. Quỹ đạo chồng lên nhau",
                                                                "3. Trajectories overlaid")) + "</h2>"
                + "".join(figures) + "</section>")
    title = _t(lang, "So sánh kịch bản", "Scenario comparison") + f" · {pack.name(lang)}"
    return _page(title, cover + probs + levers + overlays + _footer(lang, today), lang)


# --- Excel -------------------------------------------------------------------------------------------

SHEETS = {"scorecard": ("Bảng điểm", "Scorecard"), "trajectories": ("Quỹ đạo", "Trajectories"),
          "levers": ("Giả định", "Levers"), "baseline": ("Số liệu gốc", "Baseline"),
          "method": ("Phương pháp", "Method")}
PERCENT = "0.0%"
COUNT = "#,##0"
DECIMAL = "#,##0.0"


def _exact(cell, value: float) -> None:
    """Store a float with every digit (openpyxl writes 16 significant digits; Python's repr round-trips)."""
    if value is None:  # a target with no projection: an empty cell, not a zero
        cell.value = None
        return
    cell.value = float(value)
    if math.isfinite(value):
        cell._value = repr(float(value))  # written verbatim into <v>; still a number cell (t="n")


def _text(cell, value: str) -> None:
    """Store text as text, never as a formula (a name typed as '=…' stays the name)."""
    cell.value = value
    if cell.data_type == "f":
        cell.data_type = "s"


def _sheet(wb, key: str, lang: str, headers: Sequence[str], widths: Sequence[float]):
    ws = wb.create_sheet(SHEETS[key][0 if lang == "vi" else 1])
    from openpyxl.styles import Alignment, Font, PatternFill

    for j, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=j, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F6")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    return ws


def _value_format(indicator: str, expected: bool = False) -> str:
    ind = INDICATOR_BY_ID[indicator]
    if ind.is_share:
        return PERCENT
    return DECIMAL if expected or ind.kind == "flow" else COUNT


def xlsx_report(data: dict[str, Any], lang: str = "vi", today: date | None = None,
                computed: Computed | None = None) -> bytes:
    """The scenario as an Excel workbook: scorecard, trajectories (tidy), levers, baseline, method notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    lang = "en" if lang == "en" else "vi"
    today = today or date.today()
    computed = computed or compute(data)
    res, pack, settings = computed.res, computed.pack, computed.res.settings
    vi = lang == "vi"
    wb = Workbook()
    wb.remove(wb.active)
    wrap = Alignment(vertical="top", wrap_text=True)

    # Scorecard
    ws = _sheet(wb, "scorecard", lang,
                ["Mã", "Chỉ tiêu", "Năm", "Chỉ số", "Quy tắc", "Ngưỡng", "Đường trung tâm", "p10", "p50", "p90",
                 "Xác suất đạt", "Khả năng", "Tỷ lệ tiến độ R", "Tiến độ"] if vi else
                ["Id", "Target", "Year", "Indicator", "Rule", "Threshold", "Deterministic", "p10", "p50", "p90",
                 "Probability", "Likelihood", "Pace ratio R", "Pace"],
                [18, 48, 7, 18, 24, 12, 15, 11, 11, 11, 12, 24, 14, 22])
    for i, r in enumerate(computed.results, start=2):
        t = pack.target(r.id)
        fmt = PERCENT if t.kind in ("share", "ratio", "growth") else COUNT  # totals of foundings are whole
        _text(ws.cell(i, 1), r.id)
        _text(ws.cell(i, 2), t.label(lang))
        ws.cell(i, 3, int(r.year))
        _text(ws.cell(i, 4), t.indicator)
        _text(ws.cell(i, 5), target_rule(t, pack, settings, lang))
        central = _value_format(t.indicator, True) if t.indicator in INDICATOR_BY_ID and t.kind not in (
            "ratio", "growth") else fmt
        for j, (value, f) in enumerate(((r.threshold, fmt), (r.deterministic, central),
                                        (r.p10, fmt), (r.p50, fmt), (r.p90, fmt), (r.probability, PERCENT)), start=6):
            _exact(ws.cell(i, j), value)
            ws.cell(i, j).number_format = f
        _text(ws.cell(i, 12), likely_words(r.probability, lang))
        if r.pace_ratio is not None:
            _exact(ws.cell(i, 13), r.pace_ratio)
            ws.cell(i, 13).number_format = "0.00"
        _text(ws.cell(i, 14), pace_words(r.status, lang))
        ws.cell(i, 2).alignment = wrap
    ws.auto_filter.ref = f"A1:N{len(computed.results) + 1}"

    # Trajectories (tidy)
    ws = _sheet(wb, "trajectories", lang,
                ["Năm", "Chỉ số", "Đường trung tâm", "Trung bình", "p10", "p50", "p90", "Tên chỉ số"] if vi else
                ["Year", "Indicator", "Deterministic", "Mean", "p10", "p50", "p90", "Indicator name"],
                [7, 18, 16, 14, 12, 12, 12, 48])
    for i, row in enumerate(computed.traj.itertuples(index=False), start=2):
        ws.cell(i, 1, int(row.year))
        _text(ws.cell(i, 2), row.indicator)
        for j, field in enumerate(("deterministic", "mean", "p10", "p50", "p90"), start=3):
            _exact(ws.cell(i, j), getattr(row, field))
            ws.cell(i, j).number_format = _value_format(row.indicator, field in ("deterministic", "mean"))
        _text(ws.cell(i, 8), INDICATOR_BY_ID[row.indicator].label(lang))
    ws.auto_filter.ref = f"A1:H{len(computed.traj) + 1}"

    # Levers
    ws = _sheet(wb, "levers", lang,
                ["Mã", "Giả định", "Nhóm", "Giá trị", "Giá trị mẫu", "Khác mẫu", "Tối thiểu", "Tối đa", "Kiểu"] if vi
                else ["Id", "Assumption", "Group", "Value", "Preset value", "Changed", "Minimum", "Maximum", "Kind"],
                [28, 52, 26, 12, 13, 10, 11, 11, 10])
    base = pack.preset(res.preset)
    kinds = {"count": ("số lượng", "count"), "rate": ("tỷ lệ/năm", "rate"), "share": ("tỷ lệ", "share")}
    for i, lever in enumerate(pack.levers, start=2):
        fmt = "0.00%" if lever.is_fraction else DECIMAL
        _text(ws.cell(i, 1), lever.id)
        _text(ws.cell(i, 2), lever.label(lang))
        _text(ws.cell(i, 3), GROUP_BY_ID[lever.group].label(lang))
        for j, value in ((4, res.values[lever.id]), (5, base[lever.id]), (7, lever.lo), (8, lever.hi)):
            _exact(ws.cell(i, j), value)
            ws.cell(i, j).number_format = fmt
        ws.cell(i, 6, lever.id in res.changed)
        _text(ws.cell(i, 9), _t(lang, *kinds[lever.kind]))
        ws.cell(i, 2).alignment = wrap

    # Baseline
    ws = _sheet(wb, "baseline", lang,
                ["Chỉ số", "Tên chỉ số", "Năm", "Giá trị", "Đơn vị", "Nguồn", "Ngày", "Ước tính", "Ghi chú"] if vi else
                ["Indicator", "Indicator name", "Year", "Value", "Unit", "Source", "Date", "Estimate", "Note"],
                [18, 40, 7, 12, 10, 50, 12, 10, 80])
    for i, ind in enumerate((i for i in INDICATORS if i.id in pack.baseline), start=2):
        o = pack.baseline[ind.id]
        _text(ws.cell(i, 1), o.indicator)
        _text(ws.cell(i, 2), ind.label(lang))
        ws.cell(i, 3, int(o.year))
        _exact(ws.cell(i, 4), o.value)
        ws.cell(i, 4).number_format = _value_format(o.indicator)
        _text(ws.cell(i, 5), ind.unit(lang))
        _text(ws.cell(i, 6), source_text(o.source, lang))
        try:
            ws.cell(i, 7, date.fromisoformat(o.date))
            ws.cell(i, 7).number_format = "dd/mm/yyyy" if vi else "yyyy-mm-dd"
        except ValueError:
            _text(ws.cell(i, 7), o.date)
        ws.cell(i, 8, bool(o.estimate))
        _text(ws.cell(i, 9), o.note_in(lang))
        for j in (2, 6, 9):
            ws.cell(i, j).alignment = wrap

    # Method notes (with what identifies the report)
    ws = _sheet(wb, "method", lang, ["Mục", "Nội dung"] if vi else ["Item", "Text"], [34, 120])
    rows: list[tuple[str, Any]] = [
        (_t(lang, "Kế hoạch", "Plan"), pack.name(lang)),
        (_t(lang, "Văn bản", "Document"), document_text(pack, lang)),
        (_t(lang, "Kịch bản", "Scenario"), scenario_title(res, lang)),
        (_t(lang, "Ghi chú kịch bản", "Scenario note"), res.note),
        (_t(lang, "Kịch bản mẫu", "Preset"), preset_label(res.preset, lang)),
        (_t(lang, "Kết quả", "Result"), headline(computed.results, lang)),
        (_t(lang, "Số lượt mô phỏng", "Draws"), settings.draws),
        (_t(lang, "Hạt giống", "Seed"), settings.seed),
        (_t(lang, "Mức bất định", "Uncertainty scale"), settings.uncertainty),
        (_t(lang, "Năm đầu tính thành lập mới", "First year counted for foundings"),
         settings.window_start or pack.window_start),
        (_t(lang, "Ngày lập", "Date"), day_text(today, lang)),
        (_t(lang, "Phiên bản công cụ", "App version"), __version__),
    ]
    rows += method_paragraphs(pack, settings, lang)
    rows += [(_t(lang, "Cách hiểu mặc định", "Default reading"), q) for q in open_questions(pack, settings, lang)]
    note = pack.meta.get(f"area_note_{lang}", "")
    if note:
        rows.append((_t(lang, "Địa bàn và thay đổi hành chính", "Area and administrative changes"), note))
    rows.append((_t(lang, "Đơn vị", "Units"), _t(lang,
        "Tỷ lệ lưu dạng số thập phân (0,7 là 70 %) và hiển thị dạng phần trăm; số lượng là số đơn vị.",
        "Shares are stored as fractions (0.7 is 70 %) and shown as percentages; counts are numbers of organisations.")))
    for i, (item, value) in enumerate(rows, start=2):
        _text(ws.cell(i, 1), item)
        if isinstance(value, str):
            _text(ws.cell(i, 2), value)
        else:
            ws.cell(i, 2, value)
        ws.cell(i, 1).alignment = wrap
        ws.cell(i, 2).alignment = Alignment(vertical="top", wrap_text=True, horizontal="left")

    wb.properties.title = _t(lang, "Báo cáo kịch bản", "Scenario report")
    wb.properties.creator = f"ktt-planner {__version__}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- CSV ----------------------------------------------------------------------------------------------

def _csv_bytes(rows: list[dict[str, Any]], fieldnames: Sequence[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fieldnames), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _num(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def trajectories_csv(data: dict[str, Any], computed: Computed | None = None) -> bytes:
    """Tidy trajectories (year, indicator, deterministic, mean, p10, p50, p90), UTF-8 with BOM; shares as fractions."""
    computed = computed or compute(data)
    rows = [{"year": int(r.year), "indicator": r.indicator,
             **{k: _num(getattr(r, k)) for k in ("deterministic", "mean", "p10", "p50", "p90")}}
            for r in computed.traj.itertuples(index=False)]
    return _csv_bytes(rows, ["year", "indicator", "deterministic", "mean", "p10", "p50", "p90"])


def scorecard_csv(data: dict[str, Any], lang: str = "vi", computed: Computed | None = None) -> bytes:
    """The scorecard, one row per target, UTF-8 with BOM; shares as fractions, words in the language."""
    computed = computed or compute(data)
    pack = computed.pack
    vi = lang == "vi"
    names = (["mã", "chỉ tiêu", "năm", "chỉ số", "quy tắc", "ngưỡng", "dung sai", "đường trung tâm", "p10", "p50",
              "p90", "xác suất", "khả năng", "tỷ lệ tiến độ", "tiến độ"] if vi else
             ["id", "target", "year", "indicator", "rule", "threshold", "tolerance", "deterministic", "p10", "p50",
              "p90", "probability", "likelihood", "pace_ratio", "pace"])
    rows = []
    for r in computed.results:
        t = pack.target(r.id)
        values = [r.id, t.label(lang), r.year, t.indicator, r.rule, _num(r.threshold), _num(r.tolerance),
                  _num(r.deterministic), _num(r.p10), _num(r.p50), _num(r.p90), _num(r.probability),
                  likely_words(r.probability, lang), _num(r.pace_ratio), pace_words(r.status, lang)]
        rows.append(dict(zip(names, values, strict=True)))
    return _csv_bytes(rows, names)


# --- Files ---------------------------------------------------------------------------------------------

def write_report(data: dict[str, Any], fmt: str, out: Path, lang: str = "vi") -> Path:
    """Write the scenario's report (``html`` or ``xlsx``) to ``out``; return the path written.

    Bad output paths raise ``PlannerError`` naming the path (the CLI turns it into exit code 2).
    """
    if fmt not in FORMATS:
        raise PlannerError(f"định dạng '{fmt}' không hỗ trợ; dùng html hoặc xlsx",
                           f"format '{fmt}' not supported; use html or xlsx", "--format")
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise PlannerError("đây là một thư mục, cần tên tệp", "this is a directory, a file name is needed", str(out))
    if not folder.is_dir():
        raise PlannerError("thư mục chứa tệp không tồn tại", "the folder for the file does not exist", str(out))
    content = html_report(data, lang).encode("utf-8") if fmt == "html" else xlsx_report(data, lang)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=f".{fmt}", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise PlannerError(f"không ghi được tệp ({exc.strerror or exc.__class__.__name__})",
                           f"cannot write the file ({exc.strerror or exc.__class__.__name__})", str(out)) from None
    return out

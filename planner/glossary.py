"""The words for the planner's concepts, fixed once in Vietnamese and English.

A reader meets the same concept on a slider, in a table, in the Word report and in the method; it must
carry the same word everywhere, or a leader asks whether "đòn bẩy" and "giả định" are two things.
``tests/test_glossary.py`` scans the text of the pages, the app's pieces and the reports and fails on
a word listed under ``avoid``.  Patterns are regular expressions matched without regard to case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    id: str
    vi: str
    en: str
    meaning: str
    avoid_vi: tuple[str, ...] = ()
    avoid_en: tuple[str, ...] = ()

    def avoided(self, text: str, lang: str) -> list[str]:
        """The avoided words found in ``text`` (a string in ``lang``)."""
        patterns = self.avoid_vi if lang == "vi" else self.avoid_en
        return [m.group(0) for p in patterns for m in re.finditer(p, text, flags=re.IGNORECASE)]


TERMS: tuple[Term, ...] = (
    Term("lever", "giả định", "assumption",
         "a value the user sets that drives the projection (a slider, a --set flag, a column of presets.csv)",
         avoid_vi=(r"đòn bẩy", r"tham số đầu vào", r"biến số điều chỉnh"),
         avoid_en=(r"\blevers?\b",)),
    Term("target", "chỉ tiêu", "target", "a figure the plan sets for a year",
         avoid_vi=(r"chỉ tiêu mục tiêu", r"mục tiêu kế hoạch"), avoid_en=(r"\bgoals?\b(?!-seek)",)),
    Term("indicator", "chỉ số", "indicator", "a series the engine projects (htx, good_fair_share, …)",
         avoid_vi=(r"biến chỉ báo",), avoid_en=()),
    Term("likely", "có khả năng", "likely", "a probability of 66 % or more (IPCC scale)",
         avoid_vi=(r"nhiều khả năng", r"khả năng cao", r"khả thi"), avoid_en=(r"\bprobable\b", r"\bfeasible\b")),
    Term("scenario", "kịch bản", "scenario", "a preset and the assumptions changed from it",
         avoid_vi=(r"phương án",), avoid_en=()),
    Term("preset", "kịch bản mẫu", "preset", "a named set of assumptions the pack ships (trend, plan pace, …)",
         avoid_vi=(r"mẫu có sẵn", r"thiết lập sẵn", r"cấu hình mẫu", r"bộ giá trị mẫu"),
         avoid_en=(r"\btemplate scenario\b", r"\bdefault scenario\b")),
    Term("draw", "lượt mô phỏng", "draw", "one of the Monte Carlo runs",
         avoid_vi=(r"lần mô phỏng", r"lần chạy mô phỏng", r"lần rút thăm"),
         avoid_en=(r"\bsimulated futures?\b", r"\biterations?\b")),
    Term("probability", "xác suất", "probability", "the share of draws that meet the target ('xác suất đạt' in full)"),
    Term("central_path", "đường trung tâm", "central path", "the deterministic path of the means",
         avoid_vi=(r"đường cơ sở",), avoid_en=()),
    Term("pace", "tiến độ", "pace", "the UN ratio R of projected to required change"),
    Term("actual", "số liệu thực tế", "actual figure", "a measured figure after the base year",
         avoid_vi=(r"số liệu thực(?! tế)", r"số thực tế"), avoid_en=(r"\bactual data\b", r"\bactuals\b(?= [a-z])")),
    Term("uncertainty", "mức bất định", "uncertainty", "the scale of every assumption's range",
         avoid_vi=(r"độ không chắc chắn",), avoid_en=()),  # "độ bất định" of a fit is another concept
    Term("baseline", "số liệu gốc", "baseline", "the figures of the base year, with sources",
         avoid_vi=(r"số liệu cơ sở", r"số liệu nền"), avoid_en=()),
    Term("plan_window", "kỳ kế hoạch", "plan window", "the years whose foundings count for a 'newly founded' target",
         avoid_vi=(r"giai đoạn kế hoạch",), avoid_en=()),
    # "ước lượng" stays free for statistical estimation (of a fit's parameters), another concept.
    Term("estimate", "ước tính", "estimate", "a figure without a published source, flagged as such",
         avoid_vi=(r"số ước đoán", r"số phỏng đoán"), avoid_en=(r"\bguess(es)?\b",)),
)

TERM_BY_ID = {t.id: t for t in TERMS}


def term(term_id: str, lang: str) -> str:
    """The word for a concept in a language."""
    t = TERM_BY_ID[term_id]
    return t.vi if lang == "vi" else t.en

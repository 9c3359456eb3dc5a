"""Progress so far, in words: what has been recorded against a target, and how far along that is.

Beside every probability the scorecard says where the plan stands: "97 of 180 founded by 2025",
"530 HTX in 2024", with the UN ESCAP current-status reading (the progress made since the base year as
a share of the progress the target requires) and the share of the period that has passed.
"""

from __future__ import annotations

from .fmt import indicator_value, number, percent
from .packs import Target
from .registry import INDICATOR_BY_ID


def progress_text(target: Target, recorded: float | None, recorded_year: int | None,
                  progress: float | None, elapsed: float | None, lang: str) -> str:
    """One line; "" when no actual figure exists for the target."""
    if recorded is None or recorded_year is None:
        return ""
    vi = lang == "vi"
    if target.kind == "new":
        head = (f"đã thành lập {number(recorded, 0, lang)}/{number(target.threshold, 0, lang)} đến năm {recorded_year}"
                if vi else f"{number(recorded, 0, lang)} of {number(target.threshold, 0, lang)} founded by "
                f"{recorded_year}")
    else:
        ind = INDICATOR_BY_ID[target.indicator]
        unit = "" if ind.is_share else f" {ind.unit(lang)}"
        head = (f"{indicator_value(target.indicator, recorded, lang)}{unit} năm {recorded_year}" if vi
                else f"{indicator_value(target.indicator, recorded, lang)}{unit} in {recorded_year}")
    parts = []
    if progress is not None and progress >= 1:
        parts.append("đã đạt mức chỉ tiêu" if vi else "at the target's level already")
    elif progress is not None:
        parts.append(f"{percent(progress, 0, lang)} chặng đường" if vi else f"{percent(progress, 0, lang)} of the way")
    if elapsed is not None:
        parts.append(f"{percent(elapsed, 0, lang)} thời gian đã qua" if vi
                     else f"{percent(elapsed, 0, lang)} of the time gone")
    return head + (f" ({'; '.join(parts)})" if parts else "")


def figures_line(evidence, lang: str) -> str:
    """What identifies the actual figures a report or file was made with: count, as-of year, fingerprint."""
    if evidence is None or not evidence.used:
        return ("không dùng số liệu thực tế nào: dự báo từ năm gốc" if lang == "vi"
                else "no actual figure used: projected from the base year")
    n = len(evidence.used)
    return (f"{n} số liệu đến năm {evidence.latest_year}, dấu vân tay {evidence.fingerprint}" if lang == "vi"
            else f"{n} figures up to {evidence.latest_year}, fingerprint {evidence.fingerprint}")

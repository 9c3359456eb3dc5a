"""The one declaration of every lever, indicator and reading scale.

Everything else (validation, sliders, CLI flags, URL keys, scenario files, the sensitivity chart and
the docs) is generated from these tuples.  A lever id, once published, never changes: ids appear in
URLs, JSON files and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["vi", "en"]
LANGS: tuple[str, ...] = ("vi", "en")


@dataclass(frozen=True)
class Group:
    id: str
    vi: str
    en: str

    def label(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


GROUPS: tuple[Group, ...] = (
    Group("founding", "Thành lập và giải thể", "Founding and dissolution"),
    Group("quality", "Chất lượng hoạt động", "Quality of operation"),
    Group("hightech", "Công nghệ cao", "High technology"),
    Group("digital", "Chuyển đổi số", "Digital transformation"),
    Group("linkage", "Liên kết và xuất khẩu", "Linkage and export"),
    Group("households", "Hộ và thành viên tham gia", "Households and members"),
)
GROUP_BY_ID = {g.id: g for g in GROUPS}


@dataclass(frozen=True)
class Lever:
    """One assumption a planner can move.

    ``kind`` says how the value reads: ``count`` (a number a year), ``rate`` (a fraction a year) or
    ``share`` (a fraction).  Rates and shares are stored as fractions and shown as percentages.
    ``spread`` is the default uncertainty range as (low, high) offsets from the value: multiplied
    (``spread_mode="mult"``: value × (1+low) .. value × (1+high)), added (``"add"``) or added on the
    logit scale of the lever's bounds (``"logit"``, for shares: the range narrows toward 0 % and 100 %
    and never crosses them, so a share at its bound is not pulled off it by construction).
    ``mix`` (set by a pack whose trend preset is fitted) correlates this lever's random numbers with
    other levers' as the fit's parameters are correlated: a row of weights over lever streams.
    ``drives`` lists the indicators the lever feeds; ``sign`` is +1 when raising the lever raises
    those indicators, −1 when it lowers them.
    """

    id: str
    group: str
    vi: str
    en: str
    help_vi: str
    help_en: str
    kind: Literal["count", "rate", "share"]
    lo: float
    hi: float
    step: float
    spread: tuple[float, float]
    spread_mode: Literal["mult", "add", "logit"]
    drives: tuple[str, ...]
    sign: int = 1
    mix: tuple[tuple[str, float], ...] = ()

    def label(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def help(self, lang: str) -> str:
        return self.help_vi if lang == "vi" else self.help_en

    @property
    def is_fraction(self) -> bool:
        return self.kind in ("rate", "share")


def _count_levers(kind: str, vi_name: str, en_name: str, hi_new: float, step: float) -> tuple[Lever, ...]:
    """Founding and dissolution levers for one kind of organisation (HTX, THT, union)."""
    drives = (kind, f"new_{kind}")
    levers = [
        Lever(
            f"{kind}_new_per_year", "founding",
            f"Số {vi_name} thành lập mới mỗi năm", f"{en_name} founded per year",
            f"Số {vi_name} thành lập mới trung bình trong năm đầu của kỳ dự báo.",
            f"Average number of {en_name.lower()} founded in the first projected year.",
            "count", 0.0, hi_new, step, (-0.3, 0.3), "mult", drives),
    ]
    if kind != "lhhtx":
        levers.append(Lever(
            f"{kind}_new_growth", "founding",
            f"Tăng trưởng số {vi_name} thành lập mới", f"Growth of {en_name.lower()} foundings",
            f"Mức tăng (giảm) hằng năm của số {vi_name} thành lập mới.",
            f"Yearly growth (or decline) of the number of {en_name.lower()} founded.",
            "rate", -0.2, 0.3, 0.005, (-0.03, 0.03), "add", drives))
    levers.append(Lever(
        f"{kind}_dissolution_rate", "founding",
        f"Tỷ lệ {vi_name} giải thể mỗi năm", f"{en_name} dissolved per year",
        f"Tỷ lệ {vi_name} đang hoạt động bị giải thể hoặc ngừng hoạt động trong một năm.",
        f"Share of existing {en_name.lower()} dissolved or stopped in a year.",
        "rate", 0.0, 0.3, 0.0025, (-0.3, 0.3), "mult", (kind,), -1))
    return tuple(levers)


def _adoption_levers(key: str, group: str, vi_name: str, en_name: str,
                     indicator: str) -> tuple[Lever, ...]:
    """Bass diffusion levers (push p, peer effect q, ceiling K) for one adoption indicator."""
    drives = (indicator,)
    return (
        Lever(f"{key}_p", group,
              f"{vi_name}: lực đẩy từ hỗ trợ (p)", f"{en_name}: push from support (p)",
              "Tỷ lệ mỗi năm số chưa tham gia bắt đầu nhờ chương trình hỗ trợ (hệ số đổi mới Bass).",
              "Yearly share of non-adopters who start because of support programmes (Bass innovation).",
              "rate", 0.0, 0.3, 0.0025, (-0.4, 0.4), "mult", drives),
        Lever(f"{key}_q", group,
              f"{vi_name}: lan tỏa (q)", f"{en_name}: peer effect (q)",
              "Sức lan tỏa từ những đơn vị đã tham gia sang đơn vị khác (hệ số bắt chước Bass).",
              "How strongly adopters draw others in (Bass imitation).",
              "rate", 0.0, 1.0, 0.01, (-0.4, 0.4), "mult", drives),
        Lever(f"{key}_ceiling", group,
              f"{vi_name}: mức trần", f"{en_name}: ceiling",
              "Tỷ lệ tối đa có thể đạt được về lâu dài.",
              "The highest share reachable in the long run.",
              "share", 0.0, 1.0, 0.005, (-0.4, 0.4), "logit", drives),
    )


LEVERS: tuple[Lever, ...] = (
    # Bounds suit a province; a pack may widen them (``[bounds]`` in its pack.toml).
    *_count_levers("htx", "HTX", "Cooperatives", 200.0, 0.5),
    *_count_levers("tht", "THT", "Cooperative groups", 50.0, 0.25),
    *_count_levers("lhhtx", "liên hiệp HTX", "Unions of cooperatives", 5.0, 0.05),
    # Overdispersion of yearly foundings (negative binomial: a gamma-distributed yearly rate around
    # λ_t with this coefficient of variation); 0 gives Poisson.  Its own uncertainty is not drawn.
    Lever("foundings_dispersion", "founding",
          "Biến động số thành lập mới giữa các năm", "Year-to-year variation of foundings",
          "Hệ số biến thiên của số thành lập mới từng năm ngoài dao động ngẫu nhiên thuần túy "
          "(phân phối nhị thức âm); 0 là phân phối Poisson.",
          "Coefficient of variation of each year's foundings beyond pure chance (negative binomial); "
          "0 gives Poisson.",
          "share", 0.0, 1.0, 0.01, (0.0, 0.0), "add",
          ("htx", "new_htx", "tht", "new_tht", "lhhtx", "new_lhhtx")),
    Lever("quality_upgrade_rate", "quality",
          "Tỷ lệ HTX trung bình, yếu được nâng lên tốt, khá mỗi năm",
          "Average/weak HTX upgraded to good/fair per year",
          "Phần HTX chưa đạt tốt, khá được nâng hạng mỗi năm nhờ hỗ trợ, đào tạo, tái cơ cấu.",
          "Share of HTX not yet good/fair that are upgraded each year through support and training.",
          "rate", 0.0, 0.5, 0.0025, (-0.3, 0.3), "mult", ("good_fair_share",)),
    Lever("quality_downgrade_rate", "quality",
          "Tỷ lệ HTX tốt, khá bị xuống hạng mỗi năm",
          "Good/fair HTX downgraded per year",
          "Phần HTX đang tốt, khá bị xếp loại thấp hơn trong năm.",
          "Share of good/fair HTX that fall to a lower rating in a year.",
          "rate", 0.0, 0.3, 0.0025, (-0.3, 0.3), "mult", ("good_fair_share",), -1),
    Lever("quality_new_good_share", "quality",
          "Tỷ lệ HTX mới đạt tốt, khá khi được xếp loại lần đầu", "New HTX rated good/fair at their first rating",
          "HTX thành lập chưa đủ 12 tháng chưa được xếp loại (Thông tư 01/2020/TT-BKHĐT); đây là phần HTX "
          "được xếp loại tốt, khá ở lần xếp loại đầu tiên, sau năm đầu hoạt động.",
          "HTX younger than 12 months are not rated (Thông tư 01/2020/TT-BKHĐT); this is the share of new "
          "HTX rated good/fair at their first rating, after their first year.",
          "share", 0.0, 1.0, 0.01, (-0.3, 0.3), "logit", ("good_fair_share",)),
    Lever("quality_dissolution_weak_share", "quality",
          "Tỷ lệ HTX giải thể thuộc nhóm yếu kém", "Dissolutions from weak HTX",
          "Trong số HTX giải thể, phần thuộc nhóm trung bình, yếu (giải thể HTX yếu kém nâng tỷ lệ tốt, khá).",
          "Of the dissolved HTX, the share that were average or weak (dissolving weak HTX lifts the good/fair share).",
          "share", 0.0, 1.0, 0.01, (-0.5, 0.5), "logit", ("good_fair_share",)),
    *_adoption_levers("hightech", "hightech", "Công nghệ cao", "High technology", "hightech"),
    *_adoption_levers("digital", "digital", "Chuyển đổi số", "Digital transformation", "digital_share"),
    *_adoption_levers("linkage", "linkage", "Liên kết chuỗi", "Value-chain linkage", "linkage_share"),
    Lever("export_growth", "linkage",
          "Tăng trưởng số HTX xuất khẩu trực tiếp", "Growth of directly exporting HTX",
          "Mức tăng hằng năm của số HTX xuất khẩu trực tiếp.",
          "Yearly growth of the number of HTX exporting directly.",
          "rate", -0.3, 0.5, 0.005, (-0.05, 0.05), "add", ("export",)),
    *_adoption_levers("households", "households", "Hộ nông nghiệp tham gia",
                      "Farm households taking part", "households_share"),
    *_adoption_levers("members", "households", "Thành viên / dân số", "Members / population",
                      "members_share"),
)
LEVER_BY_ID: dict[str, Lever] = {lever.id: lever for lever in LEVERS}


@dataclass(frozen=True)
class Indicator:
    """A quantity.  ``kind``: ``stock``, ``flow`` and ``count`` are counts, ``share`` a fraction, ``value``
    an amount (money, members) that a pack may declare for targets the engine does not project."""

    id: str
    vi: str
    en: str
    kind: Literal["stock", "flow", "share", "count", "value"]
    unit_vi: str
    unit_en: str

    def label(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def unit(self, lang: str) -> str:
        return self.unit_vi if lang == "vi" else self.unit_en

    @property
    def is_share(self) -> bool:
        return self.kind == "share"


INDICATORS: tuple[Indicator, ...] = (
    Indicator("htx", "Số hợp tác xã", "Cooperatives (HTX)", "stock", "HTX", "HTX"),
    Indicator("tht", "Số tổ hợp tác", "Cooperative groups (THT)", "stock", "THT", "groups"),
    Indicator("lhhtx", "Số liên hiệp HTX", "Unions of cooperatives", "stock", "liên hiệp", "unions"),
    Indicator("new_htx", "HTX thành lập mới trong năm", "HTX founded in the year", "flow",
              "HTX/năm", "HTX/year"),
    Indicator("new_tht", "THT thành lập mới trong năm", "Groups founded in the year", "flow",
              "THT/năm", "groups/year"),
    Indicator("new_lhhtx", "Liên hiệp thành lập mới trong năm", "Unions founded in the year", "flow",
              "liên hiệp/năm", "unions/year"),
    Indicator("good_fair_share", "Tỷ lệ HTX tốt, khá", "Share of HTX rated good/fair", "share",
              "%", "%"),
    Indicator("hightech", "Số HTX ứng dụng công nghệ cao", "HTX applying high technology", "count",
              "HTX", "HTX"),
    Indicator("digital_share", "Tỷ lệ tổ chức KTTT chuyển đổi số",
              "Share of collective organisations with digital transformation", "share", "%", "%"),
    Indicator("linkage_share", "Tỷ lệ HTX liên kết chuỗi giá trị",
              "Share of HTX linked in value chains", "share", "%", "%"),
    Indicator("export", "Số HTX xuất khẩu trực tiếp", "HTX exporting directly", "count",
              "HTX", "HTX"),
    Indicator("households_share", "Tỷ lệ hộ nông nghiệp tham gia tổ chức KTTT",
              "Share of farm households in a collective organisation", "share", "%", "%"),
    Indicator("members_share", "Tỷ lệ dân số là thành viên KTTT",
              "Share of the population who are members", "share", "%", "%"),
)
INDICATOR_BY_ID: dict[str, Indicator] = {ind.id: ind for ind in INDICATORS}

# Which indicator each adoption lever family drives, and the count each "new_" flow belongs to.
ADOPTION: dict[str, str] = {
    "hightech": "hightech",
    "digital": "digital_share",
    "linkage": "linkage_share",
    "households": "households_share",
    "members": "members_share",
}
COUNT_KINDS: tuple[str, ...] = ("htx", "tht", "lhhtx")


def levers_for_indicators(indicators: set[str] | frozenset[str]) -> tuple[Lever, ...]:
    """The levers a pack needs: those driving any of its modelled indicators, in registry order."""
    return tuple(lv for lv in LEVERS if set(lv.drives) & set(indicators))


# --- Reading scales ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Band:
    id: str
    floor: float  # the band holds values >= floor (bands are listed from the top down)
    vi: str
    en: str
    colour: str
    symbol: str  # so colour is never the only signal

    def label(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


# The IPCC likelihood scale, cut into disjoint bands (AR5 guidance note, Mastrandrea et al. 2010).
LIKELIHOOD: tuple[Band, ...] = (
    Band("very_likely", 0.90, "rất có khả năng", "very likely", "#1a7f37", "▲▲"),
    Band("likely", 0.66, "có khả năng", "likely", "#4c9a2a", "▲"),
    Band("about_as_likely", 0.33, "khả năng ngang nhau", "about as likely as not", "#b58900", "●"),
    Band("unlikely", 0.10, "ít khả năng", "unlikely", "#d9480f", "▼"),
    Band("very_unlikely", float("-inf"), "rất ít khả năng", "very unlikely", "#b3261e", "▼▼"),
)
LIKELY_THRESHOLD = 0.66

# Progress ratio bands used by the UN statistics offices (ESCAP SDG progress assessment).
PACE: tuple[Band, ...] = (
    Band("on_track", 0.95, "đúng tiến độ", "on track", "#1a7f37", "✔"),
    Band("acceleration_needed", 0.60, "cần tăng tốc", "acceleration needed", "#b58900", "↗"),
    Band("limited_progress", 0.0, "tiến triển hạn chế", "limited progress", "#d9480f", "→"),
    Band("moving_away", float("-inf"), "đi ngược mục tiêu", "moving away", "#b3261e", "↘"),
)


def band_for(value: float, bands: tuple[Band, ...]) -> Band:
    for band in bands:
        if value >= band.floor:
            return band
    return bands[-1]


def likelihood(probability: float) -> Band:
    return band_for(probability, LIKELIHOOD)


def pace(ratio: float) -> Band:
    return band_for(ratio, PACE)


# The presets every pack carries (columns of presets.csv), with the names people see.
PRESET_LABELS: dict[str, tuple[str, str]] = {
    "trend": ("Xu hướng", "Trend"),
    "plan-pace": ("Nhịp kế hoạch", "Plan pace"),
    "optimistic": ("Lạc quan", "Optimistic"),
    "cautious": ("Thận trọng", "Cautious"),
}


def preset_label(name: str, lang: str) -> str:
    vi, en = PRESET_LABELS.get(name, (name, name))
    return vi if lang == "vi" else en


RULES: dict[str, tuple[str, str]] = {
    "ge": ("≥", "≥"),
    "gt": (">", ">"),
    "le": ("≤", "≤"),
    "lt": ("<", "<"),
    "full": ("= 100 %", "= 100 %"),
    "increase": ("tăng so với năm gốc", "more than the base year"),
}
# Rules met by staying under the threshold ("weak HTX under 2 %").
LOWER_RULES: frozenset[str] = frozenset({"le", "lt"})

# Target kinds and the kinds of indicator each reads (``of`` is the denominator of a ratio).
#   new: foundings summed over the plan window;  stock / count: the level in the target year;
#   share: a fraction in the target year;  ratio: indicator ÷ ``of`` in the target year (a share of a
#   count, e.g. HTX with high technology ÷ all HTX);  growth: the average yearly growth from the base
#   year to the target year ("+3 % a year").
TARGET_KINDS: tuple[str, ...] = ("new", "stock", "share", "count", "ratio", "growth")
KIND_READS: dict[str, tuple[str, ...]] = {
    "new": ("flow",),
    "stock": ("stock", "count", "value"),
    "count": ("stock", "count", "value"),
    "share": ("share",),
    "ratio": ("stock", "count", "value"),
    "growth": ("stock", "count", "value", "flow"),
}
# Kinds whose threshold is a fraction (0.7, not 70).
FRACTION_KINDS: frozenset[str] = frozenset({"share", "ratio", "growth"})
TARGET_KIND_LABELS: dict[str, tuple[str, str]] = {
    "new": ("thành lập mới trong kỳ", "founded in the plan window"),
    "stock": ("tổng số", "total (stock)"),
    "count": ("số lượng", "count"),
    "share": ("tỷ lệ", "share"),
    "ratio": ("tỷ lệ trên một số đếm", "share of a count"),
    "growth": ("tăng trưởng bình quân năm", "average yearly growth"),
}
# Kinds of indicator a pack may declare itself (``indicators.csv``): never projected, only tracked.
PACK_INDICATOR_KINDS: tuple[str, ...] = ("count", "share", "value")

# Series-only indicators: dissolutions of each count, used to calibrate the trend (series.csv).
HISTORY_INDICATORS: tuple[Indicator, ...] = (
    Indicator("dissolved_htx", "HTX giải thể trong năm", "HTX dissolved in the year", "flow", "HTX/năm", "HTX/year"),
    Indicator("dissolved_tht", "THT giải thể trong năm", "Groups dissolved in the year", "flow",
              "THT/năm", "groups/year"),
    Indicator("dissolved_lhhtx", "Liên hiệp giải thể trong năm", "Unions dissolved in the year", "flow",
              "liên hiệp/năm", "unions/year"),
)
HISTORY_BY_ID: dict[str, Indicator] = {ind.id: ind for ind in HISTORY_INDICATORS}
DISSOLVED: dict[str, str] = {"htx": "dissolved_htx", "tht": "dissolved_tht", "lhhtx": "dissolved_lhhtx"}
FOUNDED: dict[str, str] = {"htx": "new_htx", "tht": "new_tht", "lhhtx": "new_lhhtx"}

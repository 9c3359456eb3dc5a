"""Altair charts of trajectories, scenario overlays and sensitivity, built from DataFrames.

Pure functions: no Streamlit in here, so the report writer can render the same charts to SVG
(e.g. with ``vl_convert``).  Every chart carries its number locale in ``config.locale``, so axes read
1.000 and 0,5 in Vietnamese; tooltips hold text already formatted by ``planner.fmt``.

Layers are named (``band``, ``median``, ``central``, ``plan``, ``observations``, ``targets``,
``rules``, …) so tests and the report writer can find them in ``chart.to_dict()``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache

import altair as alt
import pandas as pd

from planner.fmt import indicator_value, lever_value, number, percent, probability
from planner.packs import Pack, Target, basis_label
from planner.registry import INDICATOR_BY_ID, LEVER_BY_ID, RULES

# Number locales (d3-format definitions) applied through the Vega-Lite config.
LOCALES: dict[str, dict] = {
    "vi": {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}},
    "en": {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]}},
}
MILESTONES: tuple[int, ...] = (2030, 2045)
HEIGHT = 320

# Series of a fan chart: id -> (Vietnamese, English, colour, legend symbol).
SERIES: dict[str, tuple[str, str, str, str]] = {
    "band": ("Khoảng 80\u00a0% (p10–p90)", "80\u00a0% range (p10–p90)", "#9ec5e8", "square"),
    "median": ("Trung vị (p50)", "Median (p50)", "#1f5fa8", "stroke"),
    "mean": ("Trung bình (kỳ vọng)", "Mean (expected)", "#1f5fa8", "stroke"),
    "central": ("Đường trung tâm (tất định)", "Central path (deterministic)", "#495057", "stroke"),
    "plan": ("Lộ trình kế hoạch (đường thẳng)", "Plan path (straight line)", "#c2255c", "stroke"),
    "pace": ("Nhịp bình quân cần đạt mỗi năm", "Average yearly pace required", "#c2255c", "stroke"),
    "history": ("Số liệu lịch sử", "History", "#212529", "circle"),
    "actual": ("Số liệu thực tế (gói kế hoạch)", "Actual figures (plan pack)", "#7048e8", "square"),
    "uploaded": ("Số liệu thực tế tải lên", "Uploaded actual figures", "#e8590c", "triangle-up"),
    "target": ("Chỉ tiêu", "Target", "#c92a2a", "diamond"),
    # What an observed point is, where it is not a published figure of the indicator (its own mark):
    "estimate": ("Ước tính", "Estimate", "#868e96", "triangle-right"),
    "part_year": ("Một phần năm", "Part of a year", "#868e96", "triangle-down"),
    "other_definition": ("Định nghĩa khác", "Other definition", "#868e96", "cross"),
    "projected": ("Dự báo năm chỉ tiêu (p10–p90, p50)", "Projected total (p10–p90, p50)",
                  "#1f5fa8", "circle"),
}
SCENARIO_COLOURS: tuple[str, ...] = ("#1f5fa8", "#2b8a3e", "#7048e8", "#0c8599")


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def series_label(series: str, lang: str) -> str:
    vi, en, _, _ = SERIES[series]
    return _t(lang, vi, en)


# Fonts that carry Vietnamese glyphs: offline renderers (SVG/PNG export) fall back to a serif otherwise.
FONT_STACK = "'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"


# A chart's width follows its container, from a 390-pixel phone (a plot about 260 pixels wide) to a
# projector; the spec stays the same, so what depends on the width is said in Vega expressions of the
# plot's ``width`` signal, or wrapped for the narrowest screen.
TITLE_PX = 9.5  # the advance of a 15-pixel bold title character, generously (Vietnamese measures ~9.1)
SUBTITLE_CHARS = 40  # a 12-pixel subtitle line (~6.1 pixels a character) that fits a phone's chart
LEGEND_ENTRY_PX = 240  # a legend entry (symbol, longest label, padding) at 12 pixels
TITLE_WIDTHS = (160, 210, 260, 330, 420, 540, 700)  # plot widths at which a title is wrapped afresh


def wrap(text: str, chars: int) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, broken at ordinary spaces only (a no-break space,
    as in "60,4 %", holds); a longer word stands on a line of its own."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def balanced(text: str, chars: int) -> list[str]:
    """``text`` wrapped at ``chars`` in as few lines, then at the narrowest width that keeps that many:
    lines of even length, never a lone last word ("Thành lập mới 180 hợp tác / xã")."""
    lines = wrap(text, chars)
    while chars > 1 and len(wrap(text, chars - 1)) == len(lines):
        chars -= 1
    return wrap(text, chars)


AXIS_PX = 40  # a value axis's labels and title, left of the plot: room a title has beyond ``width``


def fitted_text(text: str, px_per_char: float = TITLE_PX, extra_px: float = AXIS_PX) -> dict:
    """A Vega-Lite expression of a title that wraps to the plot's width (one line when it fits); ``extra_px``
    is room the title has beside the plot (a wide axis of names)."""
    def literal(lines: list[str]) -> str:
        return json.dumps(lines[0] if len(lines) == 1 else lines, ensure_ascii=False)

    branches: list[tuple[int, str]] = []  # (width below which, the lines for it), narrowest first
    for below, at_least in zip(TITLE_WIDTHS, (120, *TITLE_WIDTHS[:-1]), strict=True):
        lines = literal(balanced(text, max(8, math.floor((at_least + extra_px) / px_per_char))))
        if not branches or branches[-1][1] != lines:
            branches.append((below, lines))
        else:
            branches[-1] = (below, lines)
    expr = literal([text])
    for below, lines in reversed(branches):
        if lines != expr:
            expr = f"width < {below} ? {lines} : {expr}"
    return {"expr": expr}


def fitted_title(text: str, subtitle: str | None = None, title_px: float = TITLE_PX,
                 subtitle_chars: int = SUBTITLE_CHARS, extra_px: float = AXIS_PX, **kw) -> alt.Title:
    """A chart title that wraps to the chart's width and a subtitle wrapped for a phone's, so neither is cut."""
    extra = {}
    if subtitle:
        lines = balanced(subtitle, subtitle_chars)
        extra["subtitle"] = lines[0] if len(lines) == 1 else lines
    return alt.Title(text=fitted_text(text, title_px, extra_px), **extra, **kw)


def legend_columns_expr(at_most: int, entry_px: int = LEGEND_ENTRY_PX) -> dict:
    """As many legend columns as entries fit beside each other in the plot's width, at most ``at_most``
    (one on a phone, so no entry runs off the chart's edge)."""
    return {"expr": f"min({at_most}, max(1, floor(width / {entry_px})))"}


# A legend label never runs past the plot's right edge (the legend starts at the plot's left).
LABEL_LIMIT = {"expr": "min(320, max(60, width - 24))"}


def chart_config(lang: str, legend_columns: int = 3) -> alt.Config:
    """The language's number locale, a font with Vietnamese glyphs, and the legend, title and axis style."""
    return alt.Config(
        locale=LOCALES["vi" if lang == "vi" else "en"], font=FONT_STACK,
        legend=alt.LegendConfig(orient="bottom", direction="horizontal", columns=legend_columns_expr(legend_columns),
                                labelLimit=LABEL_LIMIT,
                                symbolStrokeWidth=2.5, symbolOpacity=1, symbolSize=120, labelFontSize=12),
        title=alt.TitleConfig(anchor="start", fontSize=15, subtitleFontSize=12, subtitleColor="#495057"),
        axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12),
        view=alt.ViewConfig(stroke=None))


def with_locale(chart: alt.TopLevelMixin, lang: str, legend_columns: int = 3) -> alt.TopLevelMixin:
    """A chart built with ``configure=False``, configured for the language (one copy of the chart)."""
    return chart.properties(config=chart_config(lang, legend_columns))


def _assemble(layers: list, title_text: str, subtitle: str | None, height: int, lang: str, configure: bool,
              legend_columns: int = 3, **title_kw) -> alt.LayerChart:
    """One flat layer of named unit charts (flat, so Altair copies each unit once)."""
    extra = {"config": chart_config(lang, legend_columns)} if configure else {}
    # "fit-x": the width follows the container; the height is the plot's, so titles and legends
    # below it do not squeeze the plot.
    # The plain title and subtitle travel with the spec, so a projector's larger type can wrap them afresh.
    meta = {"title": title_text, "subtitle": subtitle}
    return alt.LayerChart(layer=layers, title=fitted_title(title_text, subtitle, **title_kw), height=height,
                          autosize=alt.AutoSizeParams(type="fit-x", contains="padding"), usermeta=meta, **extra)


# --- Formatting helpers --------------------------------------------------------------------------

def _is_share(indicator: str) -> bool:
    return INDICATOR_BY_ID[indicator].is_share


def _value_text(indicator: str, value: float | None, lang: str) -> str:
    """A projected value as text: shares as percentages; counts whole, flows with one decimal."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if _is_share(indicator):
        return indicator_value(indicator, value, lang)
    if INDICATOR_BY_ID[indicator].kind == "flow" and abs(value - round(value)) > 1e-9:
        return number(value, 1, lang)
    return indicator_value(indicator, value, lang)


def pace_text(per_year: float, lang: str) -> str:
    """A yearly pace with the decimals it needs (22,5; 3,75; 0,25)."""
    for decimals in (0, 1, 2):
        if abs(per_year * 10**decimals - round(per_year * 10**decimals)) < 1e-9:
            return number(per_year, decimals, lang)
    return number(per_year, 2, lang)


def target_goal(target: Target) -> float:
    """The value a target's straight-line path aims at (as in the pace reading)."""
    return target.threshold + 1 if target.rule == "increase" else target.met_at


def rule_text(target: Target, lang: str) -> str:
    """The target's threshold as a reader would say it: '≥ 180', '> 70,0\u00a0%', '= 100\u00a0% (đạt từ 99,5\u00a0%)'."""
    ind = target.indicator
    vi, en = RULES[target.rule]
    # A share of a count, a growth rate and a pack's own share are fractions whatever the indicator's unit.
    fraction = target.kind in ("share", "ratio", "growth")

    def shown(value: float) -> str:
        return percent(value, 1, lang) if fraction else indicator_value(ind, value, lang)

    per_year = _t(lang, "/năm", " a year") if target.kind == "growth" else ""
    if target.rule == "full":
        return _t(lang, f"{vi} (đạt từ {shown(target.met_at)})", f"{en} (met from {shown(target.met_at)})")
    if target.rule == "increase":
        return f"{_t(lang, vi, en)} (> {shown(target.threshold)})"
    return f"{vi} {shown(target.threshold)}{per_year}"


def window_years(target: Target, pack: Pack, window_start: int | None = None) -> tuple[int, int]:
    """First and last year whose foundings count toward a 'new' target."""
    return (window_start or pack.window_start), target.year


def _year_axis(lang: str, domain: tuple[int, int]) -> alt.X:
    return alt.X("year:Q", title=_t(lang, "Năm", "Year"),
                 scale=alt.Scale(domain=list(domain), nice=False, zero=False, padding=12),
                 axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True, grid=False))


def _y_title(indicator: str, lang: str) -> str:
    """The value axis's title: the unit (the chart's title already names the indicator)."""
    ind = INDICATOR_BY_ID[indicator]
    return _t(lang, "Tỷ lệ", "Share") if ind.is_share else ind.unit(lang)


# Per cents on an axis in the app's one style, a no-break space before the sign ("60 %", as planner.fmt).
PERCENT_LABEL = "replace(datum.label, '%', '\u00a0%')"


def _value_axis(indicator: str, title: str, field: str = "value") -> alt.Y:
    kind = INDICATOR_BY_ID[indicator].kind
    if kind == "share":
        axis = alt.Axis(format=".0%", title=title, labelExpr=PERCENT_LABEL)
    else:
        axis = alt.Axis(title=title, tickMinStep=1, format=",~f")
    return alt.Y(f"{field}:Q", axis=axis, scale=alt.Scale(zero=kind != "stock", nice=True))


def _legend_scales(series_ids: list[str], lang: str) -> tuple[alt.Scale, alt.Scale]:
    labels = [series_label(s, lang) for s in series_ids]
    colour = alt.Scale(domain=labels, range=[SERIES[s][2] for s in series_ids])
    shape = alt.Scale(domain=labels, range=[SERIES[s][3] for s in series_ids])
    return colour, shape


def _tooltip(*pairs: tuple[str, str]) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{field}:N", title=title) for field, title in pairs]


def _rules_layer(domain: tuple[int, int], lang: str) -> list[alt.Chart]:
    """Vertical rules at 2030 and 2045 (those inside the x domain) with labels at the top."""
    return list(_milestone_rules(tuple(domain), lang))


# The same few layers on every chart of a page, whatever the scenario: built once per domain and
# language.  Building them cost Altair about 60 ms a chart (its expression-valued offsets are checked
# against the schema), most of a Trajectories page's spec time after a move.  Altair copies a layer
# when it writes the spec, so the cached charts are never changed.
@lru_cache(maxsize=32)
def _milestone_rules(domain: tuple[int, int], lang: str) -> tuple[alt.Chart, ...]:
    rows = []
    for year in MILESTONES:
        if domain[0] < year <= domain[1]:
            at_end = year == domain[1]
            label = (_t(lang, "Mốc 2030", "2030 milestone") if year == 2030
                     else _t(lang, f"Tầm nhìn {year}", f"{year} vision"))
            rows.append({"year": year, "label": label, "align": "right" if at_end else "left",
                         "dx": -4 if at_end else 4,
                         "tip": _t(lang, f"Năm {year}: mốc của kế hoạch", f"Year {year}: a milestone of the plan")})
    if not rows:
        return ()
    # Inline values, not a DataFrame: Altair would convert the frame again each time a spec is written.
    data = alt.InlineData(values=rows)
    tip = _tooltip(("tip", _t(lang, "Mốc", "Milestone")))
    rule = alt.Chart(data, name="rules").mark_rule(color="#868e96", strokeDash=[3, 3], strokeWidth=1).encode(
        x="year:Q", tooltip=tip)
    # On a narrow chart the 2030 label (left of its rule) would run into the 2045 one (right of the last
    # rule): there it sits a line higher.
    texts = [alt.Chart(alt.InlineData(values=[r for r in rows if r["align"] == align]), name=f"rule_labels_{align}").mark_text(
        align=align, baseline="bottom", dx=-4 if align == "right" else 4,
        dy=-4 if align == "right" else {"expr": "width < 480 ? -18 : -4"}, fontSize=11, color="#495057",
    ).encode(x="year:Q", y=alt.value({"expr": "height"}), text="label:N", tooltip=tip)
        for align in ("left", "right") if any(r["align"] == align for r in rows)]
    return (rule, *texts)


# --- Fan chart -----------------------------------------------------------------------------------

def _series(traj: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One indicator's rows, by year; a yearly flow has no value in the base year, so it starts a year later."""
    data = traj[traj["indicator"] == indicator].sort_values("year").copy()
    if not data.empty and INDICATOR_BY_ID[indicator].kind == "flow":
        data = data[data["year"] > data["year"].min()]
    return data


def _central_line(indicator: str) -> tuple[str, str]:
    """The bold line's series id and trajectory field: the median, but for yearly foundings the mean (a
    yearly count of a few events, e.g. unions at 0.1–0.25 a year, has a median of 0 with the odd jump)."""
    return ("mean", "mean") if INDICATOR_BY_ID[indicator].kind == "flow" else ("median", "p50")


def _line_texts(data: pd.DataFrame, indicator: str, lang: str) -> list[str]:
    """The bold line's values for tooltips (a mean of foundings keeps two decimals)."""
    series, field = _central_line(indicator)
    if series == "mean":
        return [number(v, 2, lang) for v in data[field]]
    return [_value_text(indicator, v, lang) for v in data[field]]


SMALL_COUNT = 50  # a count whose 80 % range stays under this is drawn in steps


def small_count(data: pd.DataFrame, indicator: str) -> bool:
    """Whether an indicator's trajectory is a count small enough that its whole-number quantiles visibly
    jump (yearly foundings always are: each year is its own count)."""
    ind = INDICATOR_BY_ID[indicator]
    if ind.is_share:
        return False
    return ind.kind == "flow" or float(data["p90"].max()) < SMALL_COUNT


def _indicator_targets(targets: Iterable[Target], indicator: str) -> list[Target]:
    # A share of a count or a growth rate is not a point on the count's own chart; nor is an unprojected target.
    return sorted((t for t in targets if t.indicator == indicator and t.modelled and t.kind not in ("ratio", "growth")),
                  key=lambda t: t.year)


def fan_chart(traj: pd.DataFrame, indicator: str, observations: pd.DataFrame | None,
              targets: Iterable[Target], pack: Pack, lang: str = "vi", plan_path: bool = True,
              window_start: int | None = None, configure: bool = True) -> alt.TopLevelMixin:
    """One indicator to the horizon: p10–p90 band, median, central path, observations, targets.

    ``traj`` holds the tidy trajectories (year, indicator, deterministic, mean, p10, p50, p90);
    ``observations`` the tidy observations (indicator, year, value, kind history|actual|uploaded, …).
    For stocks, shares and counts the plan's path is the straight line from the base-year value to
    each target.  For yearly foundings (``new_*``), whose targets are totals over the plan window, the
    chart shows the yearly foundings and the average yearly pace the total requires (threshold ÷
    number of years in the window); the total itself is drawn by :func:`cumulative_chart`.  Their line
    is the mean, not the median: a yearly count of a few events (unions: 0.1–0.25 a year) has a median
    of 0 with the odd jump, which would say "none" where the expectation is one every four to ten years.
    """
    ind = INDICATOR_BY_ID[indicator]
    data = _series(traj, indicator)
    if data.empty:
        raise ValueError(f"no trajectory for indicator {indicator!r}")
    obs = (observations[observations["indicator"] == indicator].copy()
           if observations is not None and not observations.empty else pd.DataFrame())
    own_targets = _indicator_targets(targets, indicator)
    first = int(min([int(data["year"].min()), *(int(y) for y in obs.get("year", []))]))
    domain = (first, int(data["year"].max()))
    flow = ind.kind == "flow"
    y_title = _y_title(indicator, lang)

    line, line_field = _central_line(indicator)
    present = ["band", line, "central"]
    if plan_path and own_targets:
        present.append("pace" if flow else "plan")
    marks = _observation_series(obs)
    kinds = [k for k in ("history", "actual", "uploaded", *OTHER_BASES) if k in set(marks)]
    present += kinds
    if own_targets:
        present.append("target")
    colour, shape = _legend_scales(present, lang)
    x = _year_axis(lang, domain)
    y = _value_axis(indicator, y_title)

    def col(series: str) -> alt.Color:
        return alt.Color("series:N", scale=colour, legend=alt.Legend(title=None))

    def shp() -> alt.Shape:
        return alt.Shape("series:N", scale=shape, legend=alt.Legend(title=None))

    year_tip = ("year_text", _t(lang, "Năm", "Year"))
    data["year_text"] = data["year"].astype(int).astype(str)
    for field in ("p10", "p90", "deterministic"):
        data[f"{field}_text"] = [_value_text(indicator, v, lang) for v in data[field]]
    data["range_text"] = data["p10_text"] + " – " + data["p90_text"]
    data["line_text"] = _line_texts(data, indicator, lang)
    line_tip = ("line_text", series_label(line, lang))

    # A small count (yearly foundings, a few exporters) has whole-number quantiles that jump from year to
    # year: joined by straight lines they draw triangular spikes that read as real swings.  Drawn as steps,
    # each year holds its own whole numbers and no year is singled out.
    steps = small_count(data, indicator)
    band = alt.Chart(data.assign(series=series_label("band", lang), value=data["p10"]), name="band").mark_area(
        opacity=0.45, interpolate="step" if steps else "linear").encode(
        x=x, y=y, y2="p90:Q", color=col("band"),
        tooltip=_tooltip(year_tip, ("range_text", series_label("band", lang)), line_tip))
    median = alt.Chart(data.assign(series=series_label(line, lang), value=data[line_field]), name=line).mark_line(
        strokeWidth=2.5, interpolate="step" if steps and line == "median" else "linear").encode(
        x=x, y=y, color=col(line),
        tooltip=_tooltip(year_tip, line_tip, ("range_text", series_label("band", lang))))
    central = alt.Chart(data.assign(series=series_label("central", lang), value=data["deterministic"]), name="central").mark_line(
        strokeWidth=1.2, opacity=0.9).encode(
        x=x, y=y, color=col("central"),
        tooltip=_tooltip(year_tip, ("deterministic_text", series_label("central", lang))))
    layers: list = [band, median, central]

    if plan_path and own_targets:
        layers.append(_plan_layer(own_targets, indicator, pack, lang, x, y, col, window_start))
    if kinds:
        layers.append(_observation_layer(obs, indicator, lang, x, y, col, shp))
    if own_targets:
        layers += _target_layer(own_targets, indicator, pack, lang, x, y, col, shp, window_start)
    layers += _rules_layer(domain, lang)

    subtitle = (_t(lang, "Số thành lập mới mỗi năm; chỉ tiêu là tổng trong kỳ kế hoạch.",
                   "Foundings per year; the target is the total over the plan window.") if flow
                else _t(lang, f"Từ năm gốc {pack.base_year} đến {domain[1]}.",
                        f"From the base year {pack.base_year} to {domain[1]}."))
    # A flow's chart sits beside its cumulative chart at half width: its legend takes two columns.
    return _assemble(layers, ind.label(lang), subtitle, HEIGHT, lang, configure,
                     legend_columns=2 if flow else 3)


def _plan_layer(own_targets: list[Target], indicator: str, pack: Pack, lang: str, x, y, col,
                window_start: int | None) -> alt.Chart:
    rows = []
    if INDICATOR_BY_ID[indicator].kind == "flow":
        series = series_label("pace", lang)
        for t in own_targets:
            first, last = window_years(t, pack, window_start)
            per_year = target_goal(t) / (last - first + 1)
            text = _t(lang, f"{pace_text(per_year, lang)}/năm ({rule_text(t, lang)} trong {first}–{last})",
                      f"{pace_text(per_year, lang)}/year ({rule_text(t, lang)} over {first}–{last})")
            rows += [{"year": yr, "value": per_year, "target": t.id, "series": series, "year_text": str(yr),
                      "label": t.label(lang), "value_text": text} for yr in (first, last)]
    else:
        series = series_label("plan", lang)
        start = pack.baseline[indicator]
        for t in own_targets:
            goal = target_goal(t)
            for yr in range(start.year, t.year + 1):
                value = start.value + (goal - start.value) * (yr - start.year) / (t.year - start.year)
                rows.append({"year": yr, "value": value, "target": t.id, "series": series, "year_text": str(yr),
                             "label": t.label(lang), "value_text": _value_text(indicator, value, lang)})
    data = pd.DataFrame(rows)
    return alt.Chart(data, name="plan").mark_line(strokeDash=[7, 5], strokeWidth=1.8).encode(
        x=x, y=y, color=col("plan"), detail="target:N",
        tooltip=_tooltip(("label", _t(lang, "Chỉ tiêu", "Target")), ("year_text", _t(lang, "Năm", "Year")),
                         ("value_text", series)))


OTHER_BASES = ("estimate", "part_year", "other_definition")


def _bases(obs: pd.DataFrame) -> list[str]:
    """Each observation's basis (published, estimate, part_year, other_definition); a frame without the
    column takes it from the estimate flag."""
    if obs.empty:
        return []
    if "basis" in obs:
        return [str(b) if isinstance(b, str) and b else ("estimate" if e else "published")
                for b, e in zip(obs["basis"], obs.get("estimate", [False] * len(obs)), strict=True)]
    return ["estimate" if bool(e) else "published" for e in obs.get("estimate", [False] * len(obs))]


def _observation_series(obs: pd.DataFrame) -> list[str]:
    """The legend entry of each point: its kind (history, actual, uploaded) for a published figure, its
    basis otherwise, so an estimate, a part-year count or another definition never passes for a published
    figure of the indicator."""
    return [k if b == "published" else b for k, b in zip(obs.get("kind", []), _bases(obs), strict=True)]


def _observation_layer(obs: pd.DataFrame, indicator: str, lang: str, x, y, col, shp) -> alt.Chart:
    data = obs.copy()
    data["basis"] = _bases(data)
    data["series"] = [series_label(k, lang) for k in _observation_series(data)]
    data["kind_text"] = [series_label(k, lang) for k in data["kind"]]
    data["basis_text"] = [basis_label(b, lang) for b in data["basis"]]
    data["year_text"] = data["year"].astype(int).astype(str)
    data["value_text"] = [_value_text(indicator, v, lang) for v in data["value"]]
    for field in ("source", "note"):
        data[field] = data[field].fillna("").astype(str) if field in data else ""
    return alt.Chart(data, name="observations").mark_point(filled=True, size=70, opacity=1, strokeWidth=1).encode(
        x=x, y=y, color=col("history"), shape=shp(),
        tooltip=_tooltip(("kind_text", _t(lang, "Loại", "Kind")), ("basis_text", _t(lang, "Số liệu là", "Figure is")),
                         ("year_text", _t(lang, "Năm", "Year")),
                         ("value_text", _t(lang, "Giá trị", "Value")), ("source", _t(lang, "Nguồn", "Source")),
                         ("note", _t(lang, "Ghi chú", "Note"))))


def _target_layer(own_targets: list[Target], indicator: str, pack: Pack, lang: str, x, y, col, shp,
                  window_start: int | None) -> list[alt.Chart]:
    rows = []
    flow = INDICATOR_BY_ID[indicator].kind == "flow"
    for t in own_targets:
        if flow:
            first, last = window_years(t, pack, window_start)
            value = target_goal(t) / (last - first + 1)
            threshold = _t(lang, f"{rule_text(t, lang)} trong {first}–{last} (≈ {pace_text(value, lang)}/năm)",
                           f"{rule_text(t, lang)} over {first}–{last} (≈ {pace_text(value, lang)}/year)")
            short = f"≈ {pace_text(value, lang)}/{_t(lang, 'năm', 'yr')}"
        else:
            value = target_goal(t)
            threshold = rule_text(t, lang)
            short = threshold.split(" (")[0] if t.rule != "increase" else _t(lang, "tăng", "increase")
        rows.append({"year": t.year, "value": value, "series": series_label("target", lang),
                     "label": t.label(lang), "threshold": threshold, "short": short, "year_text": str(t.year),
                     "align": "right" if t.year >= pack.horizon else "left"})
    data = pd.DataFrame(rows)
    tip = _tooltip(("label", _t(lang, "Chỉ tiêu", "Target")), ("year_text", _t(lang, "Năm", "Year")),
                   ("threshold", _t(lang, "Ngưỡng", "Threshold")))
    points = alt.Chart(data, name="targets").mark_point(filled=True, size=170, opacity=1, stroke="white", strokeWidth=1).encode(
        x=x, y=y, color=col("target"), shape=shp(), tooltip=tip)
    labels = [alt.Chart(data[data["align"] == align], name=f"target_labels_{align}").mark_text(
        align=align, dx=-10 if align == "right" else 10, dy=-10, fontSize=11, fontWeight="bold", color="#c92a2a",
    ).encode(x=x, y=y, text="short:N", tooltip=tip) for align in ("left", "right") if (data["align"] == align).any()]
    return [points, *labels]


# --- Cumulative foundings ------------------------------------------------------------------------

def cumulative_chart(traj: pd.DataFrame, target: Target, result: dict | pd.Series | None, pack: Pack,
                     lang: str = "vi", window_start: int | None = None, configure: bool = True) -> alt.TopLevelMixin:
    """Total foundings since the window opened, for a 'new' target.

    The line is the central (deterministic) path: the running sum of expected foundings, which is
    exact.  Percentiles of a total are not sums of yearly percentiles, so the uncertainty is drawn
    only at the target year, from the assessment's p10 / p50 / p90 of the simulated totals
    (``result``: a row of ``state.assessment()``).
    """
    indicator = target.indicator
    first, last = window_years(target, pack, window_start)
    data = traj[(traj["indicator"] == indicator) & (traj["year"] >= first) & (traj["year"] <= last)]
    data = data.sort_values("year")
    central = pd.DataFrame({"year": [first - 1, *data["year"].astype(int)],
                            "value": [0.0, *data["deterministic"].cumsum()]})
    central["series"] = series_label("central", lang)
    central["year_text"] = central["year"].astype(str)
    central["value_text"] = [number(v, 1, lang) if abs(v - round(v)) > 1e-9 else number(v, 0, lang)
                             for v in central["value"]]
    goal = target_goal(target)
    plan = pd.DataFrame({"year": list(range(first - 1, last + 1))})
    plan["value"] = goal * (plan["year"] - (first - 1)) / (last - first + 1)
    plan["series"] = series_label("plan", lang)
    plan["year_text"] = plan["year"].astype(str)
    plan["value_text"] = [number(v, 1, lang) for v in plan["value"]]

    present = ["central", "plan", "target"] + (["projected"] if result is not None else [])
    colour, shape = _legend_scales(present, lang)
    domain = (first - 1, last)
    x = alt.X("year:Q", title=_t(lang, "Năm", "Year"), scale=alt.Scale(domain=list(domain), nice=False, padding=12),
              axis=alt.Axis(format="d", tickMinStep=1, grid=False))
    y_title = _t(lang, f"Cộng dồn từ {first}", f"Total since {first}")
    y = alt.Y("value:Q", axis=alt.Axis(title=y_title, tickMinStep=1, format=",~f"), scale=alt.Scale(zero=True))
    col = alt.Color("series:N", scale=colour, legend=alt.Legend(title=None))
    shp = alt.Shape("series:N", scale=shape, legend=alt.Legend(title=None))
    year_tip = ("year_text", _t(lang, "Năm", "Year"))
    layers: list = [
        alt.Chart(central, name="central").mark_line(strokeWidth=2.2, point=alt.OverlayMarkDef(size=25)).encode(
            x=x, y=y, color=col,
            tooltip=_tooltip(year_tip, ("value_text", series_label("central", lang)))),
        alt.Chart(plan, name="plan").mark_line(strokeDash=[7, 5], strokeWidth=1.8).encode(
            x=x, y=y, color=col,
            tooltip=_tooltip(year_tip, ("value_text", series_label("plan", lang)))),
    ]
    if result is not None:
        p10, p50, p90 = (float(result[k]) for k in ("p10", "p50", "p90"))
        proj = pd.DataFrame([{"year": last, "value": p50, "lo": p10, "hi": p90,
                              "series": series_label("projected", lang), "year_text": str(last),
                              "p50_text": number(p50, 0, lang),
                              "range_text": f"{number(p10, 0, lang)} – {number(p90, 0, lang)}",
                              "prob_text": probability(float(result["probability"]), lang)}])
        tip = _tooltip(year_tip, ("p50_text", _t(lang, "Trung vị của tổng", "Median of the total")),
                       ("range_text", _t(lang, "Khoảng 80\u00a0% của tổng", "80\u00a0% range of the total")),
                       ("prob_text", _t(lang, "Xác suất đạt", "Probability of meeting")))
        layers += [
            alt.Chart(proj, name="projected_range").mark_rule(strokeWidth=3, opacity=0.6).encode(
                x=x, y=alt.Y("lo:Q"), y2="hi:Q", color=col, tooltip=tip),
            alt.Chart(proj, name="projected").mark_point(filled=True, size=90, opacity=1).encode(
                x=x, y=y, color=col, shape=shp, tooltip=tip)]
    tdata = pd.DataFrame([{"year": last, "value": goal, "series": series_label("target", lang),
                           "label": target.label(lang), "year_text": str(last),
                           "threshold": _t(lang, f"{rule_text(target, lang)} trong {first}–{last}",
                                           f"{rule_text(target, lang)} over {first}–{last}"),
                           "short": rule_text(target, lang)}])
    ttip = _tooltip(("label", _t(lang, "Chỉ tiêu", "Target")), year_tip,
                    ("threshold", _t(lang, "Ngưỡng", "Threshold")))
    layers += [
        alt.Chart(tdata, name="targets").mark_point(filled=True, size=170, opacity=1, stroke="white",
                                                    strokeWidth=1).encode(
            x=x, y=y, color=col, shape=shp, tooltip=ttip),
        alt.Chart(tdata, name="target_labels_right").mark_text(
            align="right", dx=-10, dy=-10, fontSize=11, fontWeight="bold", color="#c92a2a").encode(
            x=x, y=y, text="short:N", tooltip=ttip)]
    layers += _rules_layer(domain, lang)
    return _assemble(layers, target.label(lang), _t(lang, f"Tổng cộng dồn {first}–{last}", f"Running total {first}–{last}"),
                     HEIGHT, lang, configure, legend_columns=1)


# --- Scenarios overlaid --------------------------------------------------------------------------

def overlay_chart(frames: dict[str, pd.DataFrame], indicator: str, pack: Pack | None = None,
                  lang: str = "vi", targets: Iterable[Target] = (), window_start: int | None = None,
                  configure: bool = True) -> alt.TopLevelMixin:
    """Median lines of several scenarios (labels → tidy trajectories) over faint p10–p90 bands; for yearly
    foundings the mean, as in :func:`fan_chart` (a median of a few events a year is mostly 0)."""
    ind = INDICATOR_BY_ID[indicator]
    line, line_field = _central_line(indicator)
    names = list(frames)
    parts = []
    for name in names:
        part = _series(frames[name], indicator)
        part["scenario"] = name
        parts.append(part)
    data = pd.concat(parts, ignore_index=True).sort_values(["scenario", "year"])
    data["value"] = data[line_field]
    data["year_text"] = data["year"].astype(int).astype(str)
    data["line_text"] = _line_texts(data, indicator, lang)
    data["range_text"] = [f"{_value_text(indicator, a, lang)} – {_value_text(indicator, b, lang)}"
                          for a, b in zip(data["p10"], data["p90"], strict=True)]
    domain = (int(data["year"].min()), int(data["year"].max()))
    x = _year_axis(lang, domain)
    y = _value_axis(indicator, _y_title(indicator, lang))
    colour = alt.Scale(domain=names, range=list(SCENARIO_COLOURS[:len(names)]))
    col = alt.Color("scenario:N", scale=colour, sort=names,
                    legend=alt.Legend(title=_t(lang, "Kịch bản", "Scenario"), orient="bottom", direction="vertical",
                                      columns=legend_columns_expr(2), labelLimit=LABEL_LIMIT))
    tip = _tooltip(("scenario", _t(lang, "Kịch bản", "Scenario")), ("year_text", _t(lang, "Năm", "Year")),
                   ("line_text", series_label(line, lang)), ("range_text", series_label("band", lang)))
    # As on the fan chart: a small count's whole-number quantiles are drawn in steps, not joined into spikes.
    steps = small_count(data, indicator)
    layers: list = [
        alt.Chart(data.assign(value=data["p10"]), name="bands").mark_area(
            opacity=0.12, interpolate="step" if steps else "linear").encode(
            x=x, y=y, y2="p90:Q", color=col, detail="scenario:N", tooltip=tip),
        alt.Chart(data, name="medians").mark_line(
            strokeWidth=2.5, interpolate="step" if steps and line == "median" else "linear").encode(
            x=x, y=y, color=col, detail="scenario:N", tooltip=tip),
    ]
    own = _indicator_targets(targets, indicator)
    if own and pack is not None:
        layers.append(_plan_layer(own, indicator, pack, lang, x, y, lambda _s: alt.value(SERIES["plan"][2]),
                                  window_start))
        layers += _target_layer(own, indicator, pack, lang, x, y, lambda _s: alt.value(SERIES["target"][2]),
                                lambda: alt.value("diamond"), window_start)
    layers += _rules_layer(domain, lang)
    mean = line == "mean"
    subtitle = _t(lang, f"Đường: {'trung bình' if mean else 'trung vị'}; vùng mờ: khoảng 80\u00a0%.",
                  f"Lines: {'mean' if mean else 'median'}; faint areas: 80\u00a0% range.")
    return _assemble(layers, ind.label(lang), subtitle, HEIGHT, lang, configure, legend_columns=2)


# --- Tornado -------------------------------------------------------------------------------------

def tornado_frame(swings: pd.DataFrame, target: Target, pack: Pack, lang: str) -> pd.DataFrame:
    """The swings sorted widest first, with labels and formatted values for tooltips and tables."""
    ind = target.indicator
    data = swings.copy()
    data["width"] = (data["value_at_high"] - data["value_at_low"]).abs()
    data["p_width"] = (data["probability_at_high"] - data["probability_at_low"]).abs()
    data = data.sort_values(["width", "p_width"], ascending=False, kind="stable").reset_index(drop=True)
    levers = {lv.id: lv for lv in pack.levers}

    def lever_of(lever_id: str):
        return levers.get(lever_id, LEVER_BY_ID[lever_id])

    data["label"] = [lever_of(i).label(lang) for i in data["lever"]]
    # The axis draws a label in lines of at most LABEL_CHARS (its lines split at "\n"): a long assumption
    # name would otherwise take most of a phone's width from the bars.
    data["label_lines"] = ["\n".join(balanced(label, TORNADO_LABEL_CHARS)) for label in data["label"]]
    data["low_text"] = [lever_value(lever_of(i), v, lang) for i, v in zip(data["lever"], data["low_value"], strict=True)]
    data["high_text"] = [lever_value(lever_of(i), v, lang) for i, v in zip(data["lever"], data["high_value"], strict=True)]
    for end in ("low", "high"):
        data[f"at_{end}_text"] = [_value_text(ind, v, lang) for v in data[f"value_at_{end}"]]
        data[f"p_{end}_text"] = [probability(p, lang) for p in data[f"probability_at_{end}"]]
    data["lo"] = data[["value_at_low", "value_at_high"]].min(axis=1)
    data["hi"] = data[["value_at_low", "value_at_high"]].max(axis=1)
    data["width_text"] = [_value_text(ind, v, lang) for v in data["width"]]
    return data


TORNADO_LABEL_CHARS = 24
TORNADO_LABEL_PX = 160  # room the wrapped assumption names take left of the bars


def tornado_chart(swings_df: pd.DataFrame, target: Target, pack: Pack, lang: str = "vi",
                  show_target: bool = True, configure: bool = True) -> alt.TopLevelMixin:
    """One bar per lever: the projected value with the lever at the low and at the high end of its range.

    Bars are sorted widest first; the central value and the target are vertical rules; the ends are
    marked so the direction of each lever reads at a glance.
    """
    if swings_df.empty:
        raise ValueError("no swings to draw")
    ind = target.indicator
    data = tornado_frame(swings_df, target, pack, lang)
    order = list(data["label_lines"])
    low_name = _t(lang, "Giả định ở mức thấp", "Assumption at its low end")
    high_name = _t(lang, "Giả định ở mức cao", "Assumption at its high end")
    base = float(data["base_value"].iloc[0])
    measure = (_t(lang, f"Tổng thành lập mới đến {target.year}", f"Total founded by {target.year}")
               if target.kind == "new" else
               _t(lang, f"Giá trị năm {target.year}", f"Value in {target.year}"))
    x_title = _t(lang, f"{measure} (đường trung tâm)", f"{measure} (central path)")
    # The axis title is wrapped and ends at the plot's right edge, so on a phone it does not run off the
    # chart's left or right.
    x_title_lines = balanced(x_title, 34)
    axis_kw = dict(title=x_title_lines if len(x_title_lines) > 1 else x_title, titleAnchor="end", tickCount=8,
                   labelOverlap=True)
    axis = (alt.Axis(format=".0%", labelExpr=PERCENT_LABEL, **axis_kw) if _is_share(ind)
            else alt.Axis(format=",~f", **axis_kw))
    x = alt.X("lo:Q", axis=axis, scale=alt.Scale(zero=False, nice=True))
    yy = alt.Y("label_lines:N", sort=order, title=None,
               axis=alt.Axis(labelLimit=TORNADO_LABEL_PX, labelFontSize=12, labelExpr="split(datum.label, '\\n')"))
    tip = _tooltip(("label", _t(lang, "Giả định", "Assumption")),
                   ("low_text", _t(lang, "Mức thấp", "Low end")), ("at_low_text", _t(lang, "Dự báo khi thấp", "Projected at low")),
                   ("p_low_text", _t(lang, "Xác suất khi thấp", "Probability at low")),
                   ("high_text", _t(lang, "Mức cao", "High end")), ("at_high_text", _t(lang, "Dự báo khi cao", "Projected at high")),
                   ("p_high_text", _t(lang, "Xác suất khi cao", "Probability at high")),
                   ("width_text", _t(lang, "Độ dao động", "Swing")))
    bars = alt.Chart(data, name="bars").mark_bar(color="#a5c8ec", height={"band": 0.6}, stroke="#1f5fa8",
                                    strokeWidth=0.5).encode(
        x=x, x2="hi:Q", y=yy, tooltip=tip)
    ends = pd.concat([
        data.assign(value=data["value_at_low"], end=low_name),
        data.assign(value=data["value_at_high"], end=high_name)], ignore_index=True)
    end_scale = alt.Scale(domain=[low_name, high_name], range=["#e8590c", "#2b8a3e"])
    points = alt.Chart(ends, name="ends").mark_point(filled=True, size=90, opacity=1).encode(
        x=alt.X("value:Q"), y=yy,
        color=alt.Color("end:N", scale=end_scale, legend=alt.Legend(title=None, orient="bottom", labelLimit=240)),
        shape=alt.Shape("end:N", scale=alt.Scale(domain=[low_name, high_name], range=["triangle-left", "triangle-right"]),
                        legend=alt.Legend(title=None, orient="bottom", labelLimit=240)),
        tooltip=tip)
    goal = target_goal(target)
    # Labels sit on the side away from each other: the target's toward the edge of the axis.
    up = goal >= base
    ref_rows = [("#212529", base, "right" if up else "left",
                 _t(lang, f"Dự báo: {_value_text(ind, base, lang)}", f"Projected: {_value_text(ind, base, lang)}"))]
    if show_target:
        ref_rows.append(("#c92a2a", goal, "right" if up else "left",
                         _t(lang, f"Chỉ tiêu: {rule_text(target, lang)}", f"Target: {rule_text(target, lang)}")))
    ref_tip = _tooltip(("text", _t(lang, "Mốc so sánh", "Reference")))
    refs = []
    for kind, (colour, value, align, text) in zip(("base", "target"), ref_rows, strict=False):
        ref = pd.DataFrame([{"value": value, "text": text}])
        refs += [alt.Chart(ref, name=f"reference_{kind}").mark_rule(strokeWidth=1.5, strokeDash=[5, 3], color=colour).encode(
                     x=alt.X("value:Q"), tooltip=ref_tip),
                 alt.Chart(ref, name=f"reference_{kind}_label").mark_text(
                     # the target's label a line above the projection's: close values never overprint
                     baseline="bottom", dy=-18 if kind == "target" else -4, dx=-4 if align == "right" else 4,
                                          fontSize=11, fontWeight="bold", align=align, color=colour).encode(
                     x=alt.X("value:Q"), y=alt.value(0), text="text:N", tooltip=ref_tip)]
    subtitle = _t(lang, "Mỗi giả định đặt ở mức thấp và mức cao của khoảng bất định, các giả định khác giữ nguyên.",
                  "Each assumption set to the low and high end of its uncertainty range, the others unchanged.")
    return _assemble([bars, points, *refs], target.label(lang), subtitle, max(120, 44 * len(data)), lang, configure,
                     offset=30, extra_px=TORNADO_LABEL_PX)

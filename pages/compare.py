"""So sánh / Compare: two to four scenarios side by side (probabilities, trajectories, differing levers)."""

import json
import math

import pandas as pd
import streamlit as st

from planner import charts, registry
from planner.errors import PlannerError
from planner.fmt import lever_value, number, probability
from planner.packs import load_pack
from planner.registry import INDICATOR_BY_ID, INDICATORS, LIKELIHOOD, likelihood
from planner.scenario import resolve
from ui import figures, state
from ui.state import tr

MAX_SCENARIOS = 4
HIGHLIGHT = "background-color: #fff3bf; font-weight: 700"

pack = state.pack()
lang = state.lang()
current = state.scenario()


@st.cache_data(max_entries=64, show_spinner=False)
def overlay_spec(named_keys: tuple[tuple[str, str], ...], indicator: str, lang: str) -> dict:
    """The overlay chart's spec, cached on the scenarios' texts (label, key) and the indicator."""
    frames = {name: state.trajectories(json.loads(key)) for name, key in named_keys}
    first = json.loads(named_keys[0][1])
    pack = load_pack(first["pack"])
    return charts.overlay_chart(frames, indicator, pack, lang, pack.targets,
                                window_start=first.get("window_start")).to_dict(validate=False)


def preset_label(name: str) -> str:
    return registry.preset_label(name, lang)


st.title(tr("So sánh kịch bản", "Compare scenarios"))
st.caption(tr("Chọn từ hai đến bốn kịch bản: kịch bản đang dùng, các kịch bản mẫu của gói và các kịch bản đã lưu. "
              "Mọi kịch bản dùng cùng các số ngẫu nhiên, nên chênh lệch đến từ giả định, không phải từ nhiễu.",
              "Choose two to four scenarios: the current one, the pack's presets and saved scenarios. Every "
              "scenario uses the same random numbers, so differences come from the assumptions, not the noise."))

# --- The candidates: id -> (label in the picker, short label for tables and legends, scenario dict) ----------
candidates: dict[str, tuple[str, str]] = {"current": (tr("Kịch bản đang dùng", "Current scenario"),
                                                       tr("Đang dùng", "Current"))}
for name in pack.presets:
    candidates[f"preset:{name}"] = (tr("Kịch bản mẫu: ", "Preset: ") + preset_label(name), preset_label(name))
try:
    saved = state.store().list(pack=pack.id)
except PlannerError as exc:
    saved = []
    state.show_error(exc)
for item in saved:
    candidates[f"saved:{item.id}"] = (tr("Đã lưu: ", "Saved: ") + f"{item.name} (v{item.version})", item.name)


def scenario_of(choice: str) -> dict:
    """The scenario dict of a candidate; presets keep the current run settings (draws, uncertainty, window)."""
    if choice == "current":
        return current
    if choice.startswith("preset:"):
        return {**current, "preset": choice.removeprefix("preset:"), "levers": {}, "name": "", "note": ""}
    return figures.with_current_figures(state.store().load(choice.removeprefix("saved:")))


other = next((f"preset:{p}" for p in ("plan-pace", "optimistic", "trend") if p != current["preset"]
              and f"preset:{p}" in candidates), None)
chosen = state.multiselect_kept(
    tr("Kịch bản để so sánh", "Scenarios to compare"), list(candidates), [c for c in ("current", other) if c],
    f"cmp_choice_{pack.id}", lambda c: candidates[c][0], max_selections=MAX_SCENARIOS,
    placeholder=tr("Chọn kịch bản", "Choose scenarios"),
    help=tr("Kịch bản đầu tiên là mốc so sánh: ô khác với nó được tô màu.",
            "The first scenario is the reference: cells that differ from it are highlighted."))

if len(chosen) < 2:
    st.info(tr("Hãy chọn ít nhất hai kịch bản để so sánh.", "Choose at least two scenarios to compare."),
            icon=":material/info:")
    st.stop()
if len(chosen) > MAX_SCENARIOS:
    st.warning(tr(f"Chỉ so sánh được tối đa {MAX_SCENARIOS} kịch bản cùng lúc; đang hiển thị {MAX_SCENARIOS} kịch bản "
                  "đầu tiên.",
                  f"At most {MAX_SCENARIOS} scenarios can be compared at once; showing the first {MAX_SCENARIOS}."),
               icon=":material/warning:")
    chosen = chosen[:MAX_SCENARIOS]

# Short labels, made unique (two saved scenarios may share a name).
labels: dict[str, str] = {}
for choice in chosen:
    label, n = candidates[choice][1] or candidates[choice][0], 2
    base = label
    while label in labels.values():
        label, n = f"{base} ({n})", n + 1
    labels[choice] = label

try:
    scenarios = {labels[c]: scenario_of(c) for c in chosen}
    results = {name: state.assessment(data) for name, data in scenarios.items()}
except PlannerError as exc:
    state.show_error(exc)
    st.stop()
names = list(scenarios)
first = names[0]

# --- Probabilities side by side -------------------------------------------------------------------------
st.subheader(tr("Xác suất đạt từng chỉ tiêu", "Probability of meeting each target"))
probs = pd.DataFrame({name: results[name].set_index("id")["probability"] for name in names})
probs = probs.reindex([t.id for t in pack.modelled_targets])  # a target with no projection has nothing to compare
target_col, year_col = tr("Chỉ tiêu", "Target"), tr("Năm", "Year")
table = pd.DataFrame({target_col: [pack.target(i).label(lang) for i in probs.index],
                      year_col: [str(pack.target(i).year) for i in probs.index]})
for name in names:
    table[name] = [f"{likelihood(p).symbol} {probability(p, lang)}" for p in probs[name]]


def styles(frame: pd.DataFrame) -> pd.DataFrame:
    """Colour each probability by its likelihood band; highlight cells that differ from the first scenario."""
    css = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for j, name in enumerate(names):
        for i, p in enumerate(probs[name]):
            cell = f"color: {likelihood(p).colour}"
            if j > 0 and probability(p, lang) != probability(probs[first].iloc[i], lang):
                cell += f"; {HIGHLIGHT}"
            css.iloc[i, frame.columns.get_loc(name)] = cell
    return css


rows_height = 35 * (len(table) + 1) + 3  # every target in view, no inner scrolling
# A plain table, not the data grid: its long target names wrap, so on a 390-pixel phone the probabilities
# stay on screen beside them (the grid sized the name column to the longest name and pushed them off).
st.table(table.style.apply(styles, axis=None).hide(axis="index"))
st.caption(tr("Ô tô vàng: xác suất (làm tròn đến 1\u00a0%) khác với kịch bản đầu tiên. Ký hiệu: ",
              "Yellow cells: the probability (rounded to 1\u00a0%) differs from the first scenario. Symbols: ")
           + " · ".join(f"{b.symbol} {b.label(lang)}" for b in LIKELIHOOD))

diff = pd.DataFrame({target_col: table[target_col], year_col: table[year_col]})
for name in names[1:]:
    diff[name] = [(b - a) * 100 for a, b in zip(probs[first], probs[name], strict=True)]


def signed(value: float) -> str:
    if abs(value) < 0.05:
        return "0"
    return ("+" if value > 0 else "−") + number(abs(value), 1, lang)


def diff_colour(value: float) -> str:
    if abs(value) < 0.05:
        return "color: #868e96"
    return "color: #2b8a3e; font-weight: 600" if value > 0 else "color: #c92a2a; font-weight: 600"


st.markdown("**" + tr("Chênh lệch so với kịch bản đầu tiên (điểm phần trăm)",
                      "Difference from the first scenario (percentage points)") + "**")
st.dataframe(diff.style.format(signed, subset=names[1:]).map(diff_colour, subset=names[1:]),
             hide_index=True, width="stretch", height=rows_height)

# --- Trajectories overlaid ------------------------------------------------------------------------------
st.subheader(tr("Quỹ đạo chồng lên nhau", "Trajectories overlaid"))
with_target = list(dict.fromkeys(t.indicator for t in pack.modelled_targets))
options = with_target + [i.id for i in INDICATORS if i.id in pack.indicators and i.id not in with_target]
indicator = st.selectbox(tr("Chỉ số", "Indicator"), options, format_func=lambda i: INDICATOR_BY_ID[i].label(lang),
                         key=f"cmp_indicator_{pack.id}")
try:
    spec = overlay_spec(tuple((name, state.key_of(data)) for name, data in scenarios.items()), indicator, lang)
except PlannerError as exc:
    state.show_error(exc)
    st.stop()
st.vega_lite_chart(spec, width="stretch",
                   alt=tr(f"{INDICATOR_BY_ID[indicator].label(lang)}: trung vị của từng kịch bản",
                          f"{INDICATOR_BY_ID[indicator].label(lang)}: median of each scenario"))

# --- Only the assumptions that differ -------------------------------------------------------------------
st.subheader(tr("Giả định khác nhau", "Assumptions that differ"))
resolved = {name: resolve(data) for name, data in scenarios.items()}
rows = []
lever_col = tr("Giả định", "Assumption")
for lever in pack.levers:
    values = [resolved[name].values[lever.id] for name in names]
    if max(values) - min(values) > 1e-12:
        rows.append({lever_col: lever.label(lang), **{name: lever_value(lever, v, lang)
                                                     for name, v in zip(names, values, strict=True)}})
settings_rows = (
    (tr("Mức bất định", "Uncertainty scale"), lambda r: r.settings.uncertainty, lambda v: number(v, 2, lang)),
    (tr("Số lượt mô phỏng", "Draws"), lambda r: r.settings.draws, lambda v: number(v, 0, lang)),
    (tr("Hạt giống ngẫu nhiên", "Random seed"), lambda r: r.settings.seed, str),
    (tr("Năm đầu tính thành lập mới", "First year counted for foundings"),
     lambda r: r.settings.window_start or r.pack.window_start, str),
)
for label, get, show in settings_rows:
    values = [get(resolved[name]) for name in names]
    if any(not math.isclose(v, values[0]) for v in values):
        rows.append({lever_col: label, **{name: show(v) for name, v in zip(names, values, strict=True)}})
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3)
else:
    st.write(tr("Các kịch bản đã chọn có cùng mọi giả định.", "The chosen scenarios share every assumption."))

"""The Assumptions page's live panel: what a slider move changes, drawn as one HTML element.

A slider's callback reruns only the fragment that draws this panel (``levers.RESULTS_FRAGMENT``).  The
browser's cost of a move is Streamlit's redrawing of the page once per message it receives, so the
panel is a single element: the headline (targets likely met, against the preset), the probabilities
and the changed assumptions (each with its preset value and the range drawn around the new value)
come in one message instead of the seven a metric, captions, containers and a second fragment with
the group's table took (``bench/ui.py`` measures it; see
``shared/notes/ui-latency.md``).  Every text is escaped (``scorecard.html_table``); colours come from
the likelihood band, never from the words.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from planner.fmt import lever_value
from planner.model import lever_range
from planner.text import assumptions
from ui import state
from ui.scorecard import compact_table, headline
from ui.state import tr

PANEL_CLASS = "live-panel"
HEADLINE_CLASS = "live-headline"  # its number is ``.live-value`` (browser tests read it)
SCORECARD_CLASS = "live-scorecard"  # the probabilities (browser tests and bench/ui.py watch its cells)
CHANGED_CLASS = "live-changed"  # the changed assumptions, with their preset values and ranges

# Static CSS (no user text), drawn once by the page.  The headline looks like Streamlit's own metric.
PANEL_CSS = f"""<style>
.{HEADLINE_CLASS} {{ border: 1px solid rgba(128, 128, 128, 0.3); border-radius: 0.5rem; padding: 0.75rem 1rem;
  margin-bottom: 0.5rem; }}
.{HEADLINE_CLASS} .live-label {{ font-size: 0.875rem; }}
.{HEADLINE_CLASS} .live-value {{ font-size: 2.25rem; line-height: 1.3; }}
.{HEADLINE_CLASS} .live-delta {{ font-size: 0.875rem; font-weight: 600; white-space: nowrap; }}
.{HEADLINE_CLASS} .live-delta.up {{ color: #1a7f37; }}
.{HEADLINE_CLASS} .live-delta.down {{ color: #cf222e; }}
.{PANEL_CLASS} .live-caption {{ font-size: 0.875rem; opacity: 0.75; margin: 0.25rem 0 0.5rem; }}
.{PANEL_CLASS} h4 {{ font-size: 0.875rem; font-weight: 600; margin: 0.75rem 0 0.25rem; padding: 0; }}
.{CHANGED_CLASS} ul {{ margin: 0; padding-left: 1.1rem; font-size: 0.875rem; line-height: 1.4; }}
</style>"""


def headline_html(results: pd.DataFrame, preset: pd.DataFrame, changed: int) -> str:
    """Targets likely met, with the change from the preset, what "likely" means and how many
    assumptions were changed."""
    k, n = headline(results)
    k0, _ = headline(preset)
    delta = ""
    if k != k0:
        word = tr("so với kịch bản mẫu", "vs the preset")
        sign, way = ("+", "up") if k > k0 else ("\u2212", "down")  # the minus sign, not a hyphen
        delta = f' <span class="live-delta {way}">{sign}{abs(k - k0)} {escape(word)}</span>'
    label = tr("Chỉ tiêu có khả năng đạt", "Targets likely met")
    meaning = tr("có khả năng: xác suất đạt ít nhất 66\u00a0% (thang IPCC)",
                 "likely: a probability of at least 66\u00a0% (IPCC scale)")
    caption = tr(f"Kịch bản mẫu: {k0}/{n} · {assumptions(changed, 'vi')} đã thay đổi · {meaning}.",
                 f"Preset: {k0}/{n} · {assumptions(changed, 'en')} changed · {meaning}.")
    return (f'<div class="{HEADLINE_CLASS}" role="status"><div class="live-label">{escape(label)}</div>'
            f'<div><span class="live-value">{k}/{n}</span>{delta}</div></div>'
            f'<p class="live-caption">{escape(caption)}</p>')


MAX_CHANGED = 4  # changed assumptions listed by name; more are counted


def changed_html() -> str:
    """The assumptions this scenario changed (every group), each with its preset value and the
    uncertainty range the engine draws around the new value."""
    pack, data = state.pack(), state.scenario()
    lang = state.lang()
    base = pack.preset(data["preset"])
    scale = float(data["uncertainty"])
    changed = [lv for lv in pack.levers if lv.id in data["levers"]]
    if not changed:
        return ""
    items = []
    for lever in changed[:MAX_CHANGED]:
        value = data["levers"][lever.id]
        low, high = lever_range(lever, value, scale)
        detail = tr(f"mẫu {lever_value(lever, base[lever.id], lang)}; khoảng bất định "
                    f"{lever_value(lever, low, lang)} – {lever_value(lever, high, lang)}",
                    f"preset {lever_value(lever, base[lever.id], lang)}; uncertainty range "
                    f"{lever_value(lever, low, lang)} – {lever_value(lever, high, lang)}")
        items.append(f"<li><b>{escape(lever.label(lang))}</b>: {escape(lever_value(lever, value, lang))} "
                     f"({escape(detail)})</li>")
    more = len(changed) - MAX_CHANGED
    if more > 0:
        items.append("<li>" + escape(tr(f"… và {assumptions(more, 'vi')} khác", f"… and {assumptions(more, 'en')} more"))
                     + "</li>")
    title = tr("Đã thay đổi so với kịch bản mẫu", "Changed from the preset")
    return f'<div class="{CHANGED_CLASS}"><h4>{escape(title)}</h4><ul>{"".join(items)}</ul></div>'


def panel_html(results: pd.DataFrame, preset: pd.DataFrame) -> str:
    """The whole live panel as one HTML string."""
    changed = len(state.scenario()["levers"])
    return (f'<div class="{PANEL_CLASS}">' + headline_html(results, preset, changed)
            + f'<div class="{SCORECARD_CLASS}">' + compact_table(results) + "</div>" + changed_html() + "</div>")

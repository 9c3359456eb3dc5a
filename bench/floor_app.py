"""The floor of the UI benchmark: a bare page making the planner's engine step and showing one number.

One select-slider over the same positions as the planner's slider for the chosen lever; each move
runs the same engine call as the planner (``resolve`` then ``assess``, 5,000 draws, the other levers'
sub-models memoised as in the app) and shows one number.  No caching, no layout, no navigation: what
is left of a slider move when the page does nothing but the engine's work.

    streamlit run bench/floor_app.py   (then ?pack=…&preset=…&lever=…&start=… in the URL)
"""

import sys
from pathlib import Path

import streamlit as st

# The project first: this script's own folder holds bench/ui.py, which would shadow the ``ui`` package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.assess import assess  # noqa: E402
from planner.packs import load_pack  # noqa: E402
from planner.scenario import resolve  # noqa: E402
from ui.levers import from_display, slider_grid  # noqa: E402

query = st.query_params
pack = load_pack(query.get("pack", "hai-duong-2023"))
preset = query.get("preset", "trend")
lever = pack.lever(query.get("lever", "htx_new_per_year"))
grid = slider_grid(pack, lever)
if "x" not in st.session_state:
    st.session_state["x"] = float(query.get("start", grid[len(grid) // 2]))
shown = st.select_slider("x", options=grid, key="x")
res = resolve({"pack": pack.id, "preset": preset, "levers": {lever.id: from_display(lever, shown)}})
results = assess(res.pack, res.values, res.settings)
st.metric("sum of probabilities", f"{sum(r.probability for r in results):.6f}")

"""Charts as files: SVG for the HTML report, PNG for Word and downloads, projector-sized specs.

Drawn offline by ``vl_convert`` (Vega bundled, no network, no external URL allowed).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ..charts import FONT_STACK, LABEL_LIMIT, fitted_title

# Fonts that carry Vietnamese on Windows, Android/ChromeOS and Linux; vl_convert measures with the
# first one it has (DejaVu Sans on a Debian server), the reader's machine draws with the first it has.
REPORT_CHART_WIDTH = 640
REPORT_CHART_HEIGHT = 250  # two charts with their captions fit on an A4 page
DOCX_DPI = 240  # charts in Word: sharp in print (200 dpi at least), and quick to draw


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
    # Room for the 17-pixel value-axis title, which Vega places a few pixels past a narrow chart's left edge.
    spec["padding"] = {"left": 10, "right": 5, "top": 5, "bottom": 5}
    config = spec.setdefault("config", {})
    config["font"] = font
    config.setdefault("axis", {}).update(labelFontSize=17, titleFontSize=17, labelColor="#1d2733",
                                         titleColor="#1d2733", labelSeparation=14,
                                         labelFlush=True,  # the last year's label stays inside a narrow chart
                                         titlePadding=8)
    # Larger type takes more room: two legend columns (one on a phone), the title and
    # subtitle wrapped afresh for their size (the plain text travels in the spec's usermeta).
    config.setdefault("legend", {}).update(labelFontSize=16, symbolSize=180, labelColor="#1d2733",
                                           columns={"expr": "width < 300 ? 1 : 2"}, labelLimit=LABEL_LIMIT,
                                           rowPadding=8)
    config.setdefault("title", {}).update(fontSize=24, subtitleFontSize=16, subtitlePadding=6)
    meta = spec.get("usermeta") or {}
    if meta.get("title"):
        title = fitted_title(meta["title"], meta.get("subtitle"), title_px=15.5, subtitle_chars=34).to_dict()
        spec["title"] = {**spec.get("title", {}), **title}
    for layer in spec.get("layer", []):  # the target and milestone labels drawn as text marks
        mark = layer.get("mark")
        if isinstance(mark, dict) and mark.get("type") == "text":
            mark["fontSize"] = 16
            if layer.get("name") == "rule_labels_left":  # a line higher on a narrow chart, at this size
                mark["dy"] = {"expr": "width < 560 ? -24 : -4"}
    return spec


def chart_svg(chart: Any, width: int | None = REPORT_CHART_WIDTH, height: int | None = None) -> str:
    """An Altair chart (or its spec) as a standalone SVG document."""
    import vl_convert

    spec = print_spec(chart, width, height)
    return vl_convert.vegalite_to_svg(spec, vl_version=_vl_version(spec), allowed_base_urls=[])


def chart_png(chart: Any, width: int | None = REPORT_CHART_WIDTH, scale: float = 2.0,
              height: int | None = None, ppi: float | None = None) -> bytes:
    """An Altair chart (or its spec) as a PNG image (twice the pixels by default, sharp in Word);
    ``ppi`` writes the resolution into the file, so a word processor places it at its true size."""
    import vl_convert

    spec = print_spec(chart, width, height)
    extra = {"ppi": ppi} if ppi else {}
    return vl_convert.vegalite_to_png(spec, vl_version=_vl_version(spec), scale=scale, allowed_base_urls=[],
                                      **extra)


def inline_svg(svg: str) -> str:
    """An SVG document made fit for inlining in HTML: no XML prolog, no namespace URLs (HTML needs none)."""
    svg = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg, count=0)
    return svg.replace("xlink:href=", "href=")

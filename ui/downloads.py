"""Report downloads for the Present page: Word report (the administrative format), HTML report, Excel
workbook, CSV files, charts, and the comparison (Word or HTML).

Files are made only when a button is pressed (``st.download_button`` with a callable), from cached
calls of ``planner.report`` keyed on the scenario's text, so drawing the page costs nothing.  The
scenario's name goes into the reports (escaped there) and, as ASCII letters, digits and dashes,
into the file names; on screen it appears only as plain text (selectbox options).
"""

from __future__ import annotations

import json
from dataclasses import astuple
from datetime import date

import streamlit as st

from planner import charts, registry, report
from planner.errors import PlannerError
from planner.packs import Observation, load_pack
from planner.registry import INDICATOR_BY_ID, INDICATORS
from planner.results import observations_frame, target_indicators
from ui import csvform, state
from ui.saved import safe_file_name
from ui.state import tr

HTML_MIME = "text/html"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV_MIME = "text/csv"
OPEN_KEY = "present_downloads"


# --- Cached file makers (arguments are plain text and tuples, so the cache key is cheap) -----------

def _scenario(key: str, name: str, note: str) -> dict:
    return {**json.loads(key), "name": name, "note": note}


def _observations(uploaded: tuple) -> tuple[Observation, ...]:
    return tuple(Observation(*row) for row in uploaded)


@st.cache_data(max_entries=16, show_spinner=False)
def html_file(key: str, name: str, note: str, lang: str, uploaded: tuple = ()) -> bytes:
    return report.html_report(_scenario(key, name, note), lang, _observations(uploaded)).encode("utf-8")


@st.cache_data(max_entries=16, show_spinner=False)
def docx_file(key: str, name: str, note: str, lang: str, uploaded: tuple = ()) -> bytes:
    return report.docx_report(_scenario(key, name, note), lang, _observations(uploaded))


@st.cache_data(max_entries=16, show_spinner=False)
def xlsx_file(key: str, name: str, note: str, lang: str) -> bytes:
    return report.xlsx_report(_scenario(key, name, note), lang)


@st.cache_data(max_entries=16, show_spinner=False)
def trajectories_file(key: str) -> bytes:
    return report.trajectories_csv(json.loads(key))


@st.cache_data(max_entries=16, show_spinner=False)
def scorecard_file(key: str, lang: str) -> bytes:
    return report.scorecard_csv(json.loads(key), lang)


@st.cache_data(max_entries=32, show_spinner=False)
def chart_file(key: str, indicator: str, lang: str, fmt: str, uploaded: tuple = ()) -> bytes:
    """One indicator's fan chart as SVG or PNG (the engine's trajectories, the pack's and uploaded figures)."""
    data = json.loads(key)
    pack = load_pack(data["pack"])
    obs = observations_frame(pack, _observations(uploaded), lang)
    chart = charts.fan_chart(state.trajectories(data), indicator, obs, pack.targets, pack, lang,
                             window_start=data.get("window_start"))
    return report.chart_svg(chart).encode("utf-8") if fmt == "svg" else report.chart_png(chart)


@st.cache_data(max_entries=8, show_spinner=False)
def comparison_file(named: tuple[tuple[str, str, str], ...], lang: str) -> bytes:
    """``named``: (label, scenario key, name) of each scenario, in order."""
    scenarios = [_scenario(key, name, "") for _, key, name in named]
    return report.comparison_html(scenarios, lang, labels=[label for label, _, _ in named]).encode("utf-8")


@st.cache_data(max_entries=8, show_spinner=False)
def comparison_docx_file(named: tuple[tuple[str, str, str], ...], lang: str) -> bytes:
    scenarios = [_scenario(key, name, "") for _, key, name in named]
    return report.comparison_docx(scenarios, lang, labels=[label for label, _, _ in named])


# --- The section ----------------------------------------------------------------------------------

def _uploaded() -> tuple:
    from ui import figures

    return tuple(astuple(o) for o in figures.chart_figures())


def _candidates(current: dict) -> dict[str, tuple[str, dict]]:
    """Scenarios that can be compared: id → (label, scenario dict)."""
    lang = state.lang()
    pack = state.pack()
    out: dict[str, tuple[str, dict]] = {
        "current": (current.get("name") or tr("Kịch bản đang dùng", "Current scenario"), current)}
    for name in pack.presets:
        out[f"preset:{name}"] = (tr("Kịch bản mẫu: ", "Preset: ") + registry.preset_label(name, lang),
                                 {**current, "preset": name, "levers": {}, "name": "", "note": ""})
    try:
        saved = state.store().list(pack=pack.id)
    except PlannerError as exc:
        state.show_error(exc)
        saved = []
    for item in saved[:50]:
        out[f"saved:{item.id}"] = (f"{item.name} (v{item.version})", {"saved": item.id})
    return out


def _load(choice: dict) -> dict:
    if "saved" in choice:
        from ui import figures

        return figures.with_current_figures(state.store().load(choice["saved"]))
    return choice


def downloads_section() -> None:
    """The expander with every download of the current scenario, and the comparison report."""
    data = state.scenario()
    lang = state.lang()
    pack = state.pack()
    key = state.key_of(data)
    name, note = data.get("name", ""), data.get("note", "")
    stem = safe_file_name(name)
    uploaded = _uploaded()
    today = date.today().isoformat()

    # A lazy expander: closed (as on the projector), it draws nothing and asks the store for nothing.
    section = st.expander(tr("Tải báo cáo và số liệu", "Download reports and data"), icon=":material/download:",
                          key=OPEN_KEY, on_change="rerun")
    with section:
        if not section.open:
            return
        st.caption(tr("Các tệp được tạo khi bấm nút và dùng được khi không có mạng. Tỷ lệ trong CSV và Excel ghi dạng "
                      "số thập phân (0,7 là 70\u00a0%); Excel hiển thị dạng phần trăm.",
                      "Files are made when a button is pressed and work without a network. Shares in CSV and Excel "
                      "are fractions (0.7 is 70\u00a0%); Excel shows them as percentages."))
        form = csvform.picker()  # the CSV files below: Vietnamese Excel or the contract's form
        with st.container(horizontal=True, key="present_download_row"):
            st.download_button(
                tr("Báo cáo Word (Nghị định 30)", "Word report"),
                data=lambda: docx_file(key, name, note, lang, uploaded), file_name=f"{stem}-{today}.docx",
                mime=DOCX_MIME, icon=":material/article:", key="dl_docx", on_click="ignore", type="primary",
                help=tr("Văn bản Word theo thể thức Nghị định 30/2020/NĐ-CP: điền số, nơi nhận và người ký "
                        "(các ô tô vàng) rồi trình ký; phụ lục có bảng điểm đầy đủ, giả định và số liệu gốc.",
                        "A Word document: the scorecard, the charts, the assumptions changed, the method, and an "
                        "appendix with the full scorecard and the baseline."))
            st.download_button(
                tr("Báo cáo HTML (in A4)", "HTML report (A4 print)"),
                data=lambda: html_file(key, name, note, lang, uploaded), file_name=f"{stem}-{today}.html",
                mime=HTML_MIME, icon=":material/description:", key="dl_html", on_click="ignore",
                help=tr("Một tệp duy nhất, mở bằng trình duyệt, in ra A4 hoặc lưu PDF; biểu đồ nằm ngay trong tệp.",
                        "One file: open it in a browser, print on A4 or save as PDF; the charts are inside the file."))
            st.download_button(
                tr("Sổ tính Excel", "Excel workbook"), data=lambda: xlsx_file(key, name, note, lang),
                file_name=f"{stem}-{today}.xlsx", mime=XLSX_MIME, icon=":material/table_view:", key="dl_xlsx",
                on_click="ignore",
                help=tr("Các trang: bảng điểm, quỹ đạo, giả định, số liệu gốc, phương pháp.",
                        "Sheets: scorecard, trajectories, assumptions, baseline, method."))
            st.download_button(
                tr("Quỹ đạo (CSV)", "Trajectories (CSV)"), data=lambda: csvform.in_form(trajectories_file(key), form),
                file_name=f"{stem}-{tr('quy-dao', 'trajectories')}.csv", mime=CSV_MIME, icon=":material/csv:",
                key="dl_traj_csv", on_click="ignore",
                help=tr("Năm, chỉ số, đường trung tâm, trung bình, p10, p50, p90; UTF-8 có BOM.",
                        "Year, indicator, central path, mean, p10, p50, p90; UTF-8 with BOM."))
            st.download_button(
                tr("Bảng điểm (CSV)", "Scorecard (CSV)"), data=lambda: csvform.in_form(scorecard_file(key, lang), form),
                file_name=f"{stem}-{tr('bang-diem', 'scorecard')}.csv", mime=CSV_MIME, icon=":material/csv:",
                key="dl_score_csv", on_click="ignore")

        st.markdown("**" + tr("Biểu đồ (PNG hoặc SVG)", "Charts (PNG or SVG)") + "**")
        with_target = target_indicators(pack)
        options = with_target + [i.id for i in INDICATORS if i.id in pack.indicators and i.id not in with_target]
        with st.container(horizontal=True, vertical_alignment="bottom", key="present_chart_row"):
            indicator = st.selectbox(tr("Biểu đồ", "Chart"), options, key=f"dl_chart_{pack.id}",
                                     format_func=lambda i: INDICATOR_BY_ID[i].label(lang), width=420)
            slug = indicator.replace("_", "-")
            st.download_button("PNG", data=lambda: chart_file(key, indicator, lang, "png", uploaded),
                               file_name=f"{stem}-{slug}.png", mime="image/png", icon=":material/image:",
                               key="dl_chart_png", on_click="ignore",
                               help=tr("Ảnh PNG độ phân giải gấp đôi, dán vào Word.",
                                       "A PNG at twice the resolution, to paste into Word."))
            st.download_button("SVG", data=lambda: chart_file(key, indicator, lang, "svg", uploaded),
                               file_name=f"{stem}-{slug}.svg", mime="image/svg+xml", icon=":material/polyline:",
                               key="dl_chart_svg", on_click="ignore",
                               help=tr("Hình vẽ SVG, phóng to không vỡ.", "An SVG drawing that scales without blur."))

        st.markdown("**" + tr("Báo cáo so sánh (2–4 kịch bản)", "Comparison report (2–4 scenarios)") + "**")
        candidates = _candidates(data)
        default = ["current"] + [c for c in ("preset:plan-pace", "preset:optimistic")
                                 if c in candidates and c != f"preset:{data['preset']}"][:1]
        chosen = st.multiselect(tr("Kịch bản", "Scenarios"), list(candidates), default=default,
                                format_func=lambda c: candidates[c][0], max_selections=report.MAX_COMPARED,
                                key=f"dl_compare_{pack.id}",
                                placeholder=tr("Chọn từ hai đến bốn kịch bản", "Choose two to four scenarios"))
        ready = len(chosen) >= 2
        named: tuple = ()
        if ready:
            try:
                loaded = [(candidates[c][0], _load(candidates[c][1])) for c in chosen]
                named = tuple((label, state.key_of(scn), scn.get("name", "")) for label, scn in loaded)
            except PlannerError as exc:
                state.show_error(exc)
                ready = False
        st.download_button(
            tr("Báo cáo so sánh (Word)", "Comparison report (Word)"),
            data=(lambda: comparison_docx_file(named, lang)) if ready else b"",
            file_name=f"{tr('so-sanh', 'comparison')}-{stem}-{today}.docx", mime=DOCX_MIME,
            icon=":material/article:", key="dl_compare_docx", on_click="ignore", disabled=not ready,
            help=tr("Văn bản Word: xác suất đạt từng chỉ tiêu đặt cạnh nhau, giả định khác nhau, quỹ đạo chồng lên nhau.",
                    "A Word document: probabilities side by side, the assumptions that differ, trajectories overlaid."))
        st.download_button(
            tr("Báo cáo so sánh (HTML)", "Comparison report (HTML)"),
            data=(lambda: comparison_file(named, lang)) if ready else b"",
            file_name=f"{tr('so-sanh', 'comparison')}-{stem}-{today}.html", mime=HTML_MIME,
            icon=":material/compare_arrows:", key="dl_compare", on_click="ignore", disabled=not ready,
            help=tr("Xác suất đạt từng chỉ tiêu đặt cạnh nhau, các giả định khác nhau và quỹ đạo chồng lên nhau.",
                    "Probabilities side by side, the assumptions that differ and the trajectories overlaid."))
        if not ready:
            st.caption(tr("Chọn ít nhất hai kịch bản.", "Choose at least two scenarios."))

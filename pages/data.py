"""Dữ liệu / Data and method: the pack's figures with sources and estimate flags, uploads of actual
figures, the calibration, the method in plain words, the pack's own notes, and uploading a pack."""

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from planner.actuals import MAX_BYTES, actuals_csv, read_actuals, read_typed_figure, with_figure
from planner.calibrate import DISSOLUTION_BOUNDS, GROWTH_BOUNDS, MIN_POINTS
from planner.csvforms import EXCEL_VI
from planner.errors import PlannerError
from planner.fmt import indicator_value, number, percent
from planner.packs import BASES, basis_label
from planner.registry import HISTORY_BY_ID, INDICATOR_BY_ID, INDICATORS
from planner.text import source_text
from ui import csvform, evidence, pack_upload, state, uploads
from ui.figures_view import baseline_note, figures_section
from ui.levers import escape_markdown, show_error
from ui.method import show_method
from ui.state import tr

UPLOAD_KEY = "actuals_upload"
STATUS = "actuals_status"  # the outcome of the last upload: {"pack", "ok", "name", "rows", "warnings", "error"}
PENDING = "actuals_pending"  # (pack, name, bytes) of a file that reads once its percentages are divided by 100
FIX_KEY = "actuals_percent_fix"
TEMPLATE = "\ufeffchỉ tiêu,năm,giá trị,nguồn,ghi chú,loại số liệu\r\n".encode()
ENTRY = "actuals_entry_"  # prefix of the typed-figure form's widgets
REMOVE_KEY = "actuals_remove"

pack = state.pack()
lang = state.lang()


# --- Helpers ------------------------------------------------------------------------------------

def day(text: str) -> str:
    """An ISO date as people write it: 25/11/2022 (vi) or 2022-11-25 (en)."""
    try:
        value = date.fromisoformat(text)
    except (TypeError, ValueError):
        return text or ""
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


def kind_label(basis: str) -> str:
    """What a figure is (its ``basis``), with a mark that sets a non-published figure apart."""
    return tr("✔ Công bố", "✔ Published") if basis == "published" else "⚠ " + basis_label(basis, state.lang())


def observations_table(observations, with_date: bool = True, kind: str | None = None) -> pd.DataFrame:
    """A table of figures; ``kind`` (uploaded figures) is said beside what each figure is."""
    rows = []
    for o in observations:
        ind = pack.indicator(o.indicator)
        row = {
            tr("Chỉ số", "Indicator"): ind.label(lang),
            tr("Năm", "Year"): o.period,
            tr("Giá trị", "Value"): indicator_value(o.indicator, o.value, lang) if o.indicator in INDICATOR_BY_ID
            else number(o.value, 0, lang),
            tr("Đơn vị", "Unit"): ind.unit(lang),
            tr("Loại số liệu", "Kind of figure"): kind_label(o.basis) + (f" · {kind}" if kind else ""),
            tr("Nguồn", "Source"): source_text(o.source_in(state.lang()), state.lang()),
        }
        if with_date:
            row[tr("Ngày", "Date")] = day(o.date)
        row[tr("Ghi chú", "Note")] = o.note_in(state.lang())
        rows.append(row)
    return pd.DataFrame(rows)


def _highlight(text: str) -> str:
    return "background-color: #b5890022; color: #8a6500; font-weight: 600" if text.startswith("⚠") else ""


def show_observations(observations, key: str, with_date: bool = True, kind: str | None = None) -> None:
    frame = observations_table(observations, with_date, kind)
    styled = frame.style.map(_highlight, subset=[tr("Loại số liệu", "Kind of figure")])
    st.dataframe(styled, hide_index=True, width="stretch", key=key,
                 column_config={tr("Nguồn", "Source"): st.column_config.TextColumn(width="medium"),
                                tr("Ghi chú", "Note"): st.column_config.TextColumn(width="large")})


def vi_axis(decimals: int = 0) -> str:
    """A Vega expression that writes axis numbers in the page's style (1.234 in Vietnamese)."""
    base = f"format(datum.value, ',.{decimals}f')"
    if lang != "vi":
        return base
    return f"replace(replace(replace({base}, /,/g, '_'), /[.]/g, ','), /_/g, '.')"


# --- Upload of actual figures (callbacks: they run before the page, once per new file) -----------

def _read(data: bytes, name: str, percent_fix: bool) -> None:
    """Read a file; on success add its figures to those already there (a file's figure replaces one of
    the same indicator and year), on error raise and keep them all."""
    result = read_actuals(data, name, state.pack(), state.lang(), percent_fix=percent_fix)
    figures, replaced = state.uploaded_actuals(), 0
    for figure in result.observations:
        figures, was_there = with_figure(figures, figure)
        replaced += was_there
    state.set_uploaded_actuals(figures)
    st.session_state[STATUS] = {"pack": state.pack().id, "ok": True, "name": name, "rows": len(result.observations),
                                "replaced": replaced, "kept": len(figures) - len(result.observations),
                                "warnings": result.warnings}
    st.session_state.pop(PENDING, None)
    st.session_state.pop(REMOVE_KEY, None)


def on_upload() -> None:
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:  # the file left the box (removed, or refused for its size): its message goes with
        st.session_state.pop(STATUS, None)  # it; the figures stay until cleared
        st.session_state.pop(PENDING, None)
        return
    data, name = upload.getvalue(), upload.name
    st.session_state.pop(PENDING, None)
    st.session_state[FIX_KEY] = False
    try:
        _read(data, name, False)
    except PlannerError as exc:
        fixable = False
        try:
            read_actuals(data, name, state.pack(), state.lang(), percent_fix=True)
            fixable = True
        except PlannerError:
            pass
        st.session_state[STATUS] = {"pack": state.pack().id, "ok": False, "name": name, "error": exc}
        if fixable:
            st.session_state[PENDING] = (state.pack().id, name, data)


def on_percent_fix() -> None:
    pending = st.session_state.get(PENDING)
    if not st.session_state.get(FIX_KEY) or not pending or pending[0] != state.pack().id:
        return
    _, name, data = pending
    try:
        _read(data, name, True)
    except PlannerError as exc:
        st.session_state[STATUS] = {"pack": state.pack().id, "ok": False, "name": name, "error": exc}


def on_clear() -> None:
    state.set_uploaded_actuals(())
    st.session_state.pop(STATUS, None)
    st.session_state.pop(PENDING, None)
    st.session_state.pop(REMOVE_KEY, None)


def on_entry() -> None:
    """Add (or correct) one typed figure, read by the same rules as a file; on an error nothing changes."""
    get = st.session_state.get
    try:
        result = read_typed_figure(get(ENTRY + "indicator"), int(get(ENTRY + "year")), get(ENTRY + "value") or "",
                                   state.pack(), state.lang(), get(ENTRY + "source") or "", get(ENTRY + "note") or "",
                                   get(ENTRY + "basis") or "published")
    except PlannerError as exc:
        st.session_state[STATUS] = {"pack": state.pack().id, "ok": False, "name": "", "error": exc}
        st.session_state.pop(PENDING, None)  # a file waiting for "divide by 100" is no longer the subject
        return
    figure = result.observations[0]
    figures, replaced = with_figure(state.uploaded_actuals(), figure)
    state.set_uploaded_actuals(figures)
    st.session_state[STATUS] = {"pack": state.pack().id, "ok": True, "entry": figure, "replaced": replaced,
                                "warnings": result.warnings}
    st.session_state.pop(PENDING, None)
    st.session_state.pop(REMOVE_KEY, None)  # rows are chosen by indicator and year, but start afresh
    # Ready for the next figure: the indicator and year stay (the next is often the next year); the value,
    # source, note and basis belonged to this figure and go, so none is carried to another by mistake.
    for field in ("value", "source", "note"):
        st.session_state[ENTRY + field] = ""
    st.session_state[ENTRY + "basis"] = "published"


def figure_key(o) -> str:
    """A figure's identity in the removal list: its indicator and year (positions shift as figures come)."""
    return f"{o.indicator}|{o.year}"


def on_remove() -> None:
    chosen = set(st.session_state.get(REMOVE_KEY) or ())
    figures = state.uploaded_actuals()
    kept = tuple(o for o in figures if figure_key(o) not in chosen)
    state.set_uploaded_actuals(kept)
    st.session_state[REMOVE_KEY] = []
    st.session_state[STATUS] = {"pack": state.pack().id, "ok": True, "removed": len(figures) - len(kept),
                                "warnings": ()}


# --- Page ---------------------------------------------------------------------------------------

st.title(tr("Dữ liệu và phương pháp", "Data and method"))
meta = pack.meta
last_year = max(t.year for t in pack.targets)
first_window = state.scenario().get("window_start") or pack.window_start
estimates = sum(o.estimate for o in pack.baseline.values())
st.markdown("\n".join(escape_markdown(line) for line in (
    tr("Gói kế hoạch: ", "Plan pack: ") + pack.name(lang),
    tr("Văn bản: ", "Document: ") + str(meta.get("document", ""))
    + ((", " + tr("ngày ", "dated ") + day(str(meta["document_date"]))) if meta.get("document_date") else ""),
    tr("Cơ quan ban hành: ", "Issued by: ") + meta.get(f"issuer_{lang}", ""),
    tr("Năm gốc (số liệu xuất phát): ", "Base year (starting figures): ") + str(pack.base_year),
    tr(f"Kỳ kế hoạch: thành lập mới tính từ 01/01/{first_window}; chỉ tiêu đến năm "
       f"{', '.join(str(y) for y in sorted({t.year for t in pack.targets}))}; dự báo đến {pack.horizon}.",
       f"Plan window: foundings counted from 1 January {first_window}; targets for "
       f"{', '.join(str(y) for y in sorted({t.year for t in pack.targets}))}; projections to {pack.horizon}."),
)).replace("\n", "  \n"))
if pack.text("area_note", lang):
    st.info(escape_markdown(pack.text("area_note", lang)), icon=":material/map:")

tab_data, tab_figures, tab_upload, tab_method, tab_pack = st.tabs([
    tr("Số liệu gốc và lịch sử", "Baseline and history"),
    tr("Số liệu dùng cho dự báo", "Figures in use"),
    tr("Số liệu thực tế (tải lên, nhập)", "Actual figures (upload, type in)"),
    tr("Phương pháp", "Method"),
    tr("Gói kế hoạch (tải lên)", "Plan pack (upload)"),
])

with tab_figures:
    figures_section()

with tab_data:
    st.subheader(tr(f"Số liệu năm gốc {pack.base_year}", f"Baseline {pack.base_year}"))
    if estimates:
        st.warning(tr(f"{estimates}/{len(pack.baseline)} số liệu gốc là **ước tính** của dự án (không có số công bố); "
                      "chúng được đánh dấu ⚠ và có thể thay bằng số liệu thực tế ở thẻ “Số liệu thực tế”.",
                      f"{estimates} of {len(pack.baseline)} baseline figures are **estimates** of the project (no "
                      "published figure exists); they are marked ⚠ and can be replaced with actual figures in the "
                      "“Actual figures” tab."), icon=":material/warning:")
    show_observations(pack.baseline.values(), key="baseline_table")
    baseline_note()

    if pack.series:
        st.subheader(tr("Chuỗi số liệu lịch sử", "History"))
        order = {ind: i for i, ind in enumerate([*INDICATOR_BY_ID, *HISTORY_BY_ID, *pack.declared])}
        show_observations(sorted(pack.series, key=lambda o: (order.get(o.indicator, len(order)), o.year)),
                          key="series_table")
    if pack.actuals:
        st.subheader(tr("Số liệu thực tế sau năm gốc (trong gói)", "Actual figures after the base year (in the pack)"))
        show_observations(pack.actuals, key="actuals_table", with_date=False)
    pack_upload.show_tracked(pack)

    if pack.fits:
        st.subheader(tr("Hiệu chỉnh theo chuỗi số liệu", "Calibration to the series"))
        st.caption(tr("Kịch bản mẫu “Xu hướng” lấy λ0, g, δ từ phép khớp bình phương tối thiểu (scipy least_squares, "
                      "có giới hạn) của mô hình thành lập – giải thể với chuỗi số liệu ở trên. RMSE: sai số căn "
                      "quân phương của tổng số (đơn vị); MAPE: sai số phần trăm tuyệt đối trung bình.",
                      "The “Trend” preset takes λ0, g and δ from a bounded least-squares fit (scipy least_squares) "
                      "of the birth–death model to the series above. RMSE: root mean square error of the stock "
                      "(organisations); MAPE: mean absolute percentage error."))
        for kind, fit in pack.fits.items():
            ind = pack.indicator(kind)
            with st.container(border=True):
                st.markdown(f"**{escape_markdown(ind.label(lang))}** · "
                            + tr(f"{fit.points} điểm số liệu", f"{fit.points} data points"))
                cols = st.columns(5)
                cols[0].metric(tr("λ0: thành lập năm đầu", "λ0: foundings, first year"), number(fit.new_per_year, 1, lang))
                cols[1].metric(tr("g: tăng trưởng / năm", "g: growth a year"), percent(fit.growth, 2, lang))
                cols[2].metric(tr("δ: giải thể / năm", "δ: dissolved a year"), percent(fit.dissolution_rate, 2, lang))
                cols[3].metric("RMSE", number(fit.rmse, 1, lang))
                cols[4].metric("MAPE", percent(fit.mape, 2, lang))
                notes = []
                if fit.points <= MIN_POINTS:
                    notes.append(tr(f"Chỉ có {fit.points} điểm số liệu: g được giữ bằng 0.",
                                    f"Only {fit.points} data points: g is held at 0."))
                at_bound = [name for name, value, (low, high) in (
                    ("g", fit.growth, GROWTH_BOUNDS), ("δ", fit.dissolution_rate, DISSOLUTION_BOUNDS))
                    if fit.points > MIN_POINTS or name != "g"
                    if min(abs(value - low), abs(value - high)) < 1e-6]
                if at_bound:
                    notes.append(tr(f"{', '.join(at_bound)} chạm giới hạn cho phép của phép khớp: ước tính kém tin "
                                    "cậy, nên xem lại giả định ở trang Giả định.",
                                    f"{', '.join(at_bound)} reached the bound of the fit: the estimate is weak; "
                                    "review the assumption on the Assumptions page."))
                if notes:
                    st.caption(" ".join(notes))
                observed_label, fitted_label = tr("Số liệu", "Observed"), tr("Mô hình", "Fitted")
                points = pd.DataFrame({
                    "year": list(fit.years) * 2,
                    "period": list(fit.periods or map(str, fit.years)) * 2,
                    "value": list(fit.observed) + list(fit.fitted),
                    "series": [observed_label] * fit.points + [fitted_label] * fit.points,
                    "indicator": list(fit.indicators) * 2,
                })
                points["shown"] = [indicator_value(i, v, lang)
                                   for i, v in zip(points["indicator"], points["value"], strict=True)]
                # Yearly figures are charted (two or more of one series); totals over several years and
                # lone figures are written out, so a six-year total never sits on a chart of single years.
                points = points[~points["period"].str.contains("–")]
                yearly = [i for i, y in zip(fit.indicators, fit.periods or map(str, fit.years), strict=True) if "–" not in y]
                charted = [i for i in dict.fromkeys(yearly) if yearly.count(i) >= 2]
                for indicator in dict.fromkeys(fit.indicators):
                    rows = [(y, o, f) for y, o, f, i in zip(fit.periods or tuple(map(str, fit.years)), fit.observed,
                                                            fit.fitted, fit.indicators, strict=True)
                            if i == indicator and (indicator not in charted or "–" in y)]
                    if not rows:
                        continue
                    st.caption(escape_markdown(pack.indicator(indicator).label(lang) + ": " + "; ".join(
                        f"{y}: {observed_label.lower()} {indicator_value(indicator, o, lang)}, "
                        f"{fitted_label.lower()} {indicator_value(indicator, f, lang)}" for y, o, f in rows)))
                for col, indicator in zip(st.columns(max(len(charted), 1)), charted, strict=False):
                    part = points[points["indicator"] == indicator]
                    colour = alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"),
                                       scale=alt.Scale(domain=[observed_label, fitted_label],
                                                       range=["#d9480f", "#1f5fa8"]))
                    base = alt.Chart(part).encode(
                        x=alt.X("year:Q", title=tr("Năm", "Year"), axis=alt.Axis(format="d", tickMinStep=1),
                                scale=alt.Scale(zero=False)),
                        y=alt.Y("value:Q", title=pack.indicator(indicator).label(lang), scale=alt.Scale(zero=False),
                                axis=alt.Axis(labelExpr=vi_axis())),
                        color=colour,
                        tooltip=[alt.Tooltip("year:Q", title=tr("Năm", "Year"), format="d"),
                                 alt.Tooltip("series:N", title=tr("Loại", "Series")),
                                 alt.Tooltip("shown:N", title=tr("Giá trị", "Value"))])
                    observed = base.transform_filter(alt.datum.series == observed_label).mark_point(
                        size=80, filled=True, opacity=1)
                    fitted = base.transform_filter(alt.datum.series == fitted_label).mark_line(
                        point=alt.OverlayMarkDef(shape="diamond", size=40), strokeDash=[4, 3])
                    col.altair_chart((fitted + observed).properties(height=220), width="stretch")
    evidence.show(pack)

with tab_upload:
    st.subheader(tr("Tải lên hoặc nhập số liệu thực tế", "Upload or type in actual figures"))
    st.markdown(tr(
        "Tệp CSV hoặc Excel (.xlsx) với các cột **chỉ tiêu**, **năm**, **giá trị** và tùy chọn **nguồn**, "
        "**ghi chú**, **loại số liệu** (công bố, ước tính, một phần năm, định nghĩa khác; để trống là công bố) "
        "(tên cột tiếng Anh indicator, year, value, source, note, basis cũng được). Tỷ lệ ghi dưới dạng "
        "phân số (0,45 là 45\u00a0%) hoặc có dấu % (45\u00a0%). Số liệu của tệp được thêm vào số liệu đã có (số cùng chỉ tiêu "
        "và năm được thay) và hiện trên biểu đồ quỹ đạo để so với dự báo; chúng chỉ được giữ trong phiên làm việc này.",
        "A CSV or Excel (.xlsx) file with the columns **indicator**, **year**, **value** and optionally "
        "**source**, **note**, **basis** (published, estimate, part of a year, other definition; empty means "
        "published) (the Vietnamese headers chỉ tiêu, năm, giá trị, nguồn, ghi chú, loại số liệu work too). Shares "
        "as fractions (0.45 means 45\u00a0%) or with a % sign (45\u00a0%). A file's figures are added to those already there "
        "(one of the same indicator and year is replaced) and appear on the trajectory charts beside the "
        "projections; they are kept for this session only."))
    col1, col2 = st.columns([3, 2])
    with col1:
        uploads.uploader(tr("Chọn tệp số liệu", "Choose a data file"), UPLOAD_KEY, ["csv", "xlsx", "txt"],
                         MAX_BYTES, on_upload,
                         help=tr("Mã hóa UTF-8 (có hoặc không BOM), UTF-16 hoặc Windows-1258; phân cách bằng dấu "
                                 "phẩy, chấm phẩy hoặc tab.",
                                 "UTF-8 (with or without BOM), UTF-16 or Windows-1258; separated by commas, "
                                 "semicolons or tabs."))
    with col2:
        st.download_button(tr("Tải tệp mẫu (CSV)", "Download the template (CSV)"), data=TEMPLATE,
                           file_name="mau-so-lieu-thuc-te.csv", mime="text/csv", icon=":material/download:",
                           key="actuals_template", on_click="ignore")
        st.caption(tr("Tệp mẫu UTF-8 có BOM, mở được bằng Excel.", "UTF-8 with BOM, opens in Excel."))

    modelled = [ind for ind in INDICATORS if ind.id in pack.indicators]
    st.markdown(tr("**Hoặc nhập từng số liệu**: nhập lại cùng chỉ tiêu và năm để sửa số đã nhập.",
                   "**Or type figures in one by one**: the same indicator and year again corrects a figure."))
    with st.form(ENTRY + "form"):
        col1, col2, col3 = st.columns([3, 1, 1])
        col1.selectbox(tr("Chỉ số", "Indicator"), [ind.id for ind in modelled], key=ENTRY + "indicator",
                       format_func=lambda i: INDICATOR_BY_ID[i].label(lang))
        col2.number_input(tr("Năm", "Year"), min_value=pack.base_year, max_value=pack.horizon, step=1,
                          value=min(max(date.today().year - 1, pack.base_year), pack.horizon), key=ENTRY + "year")
        col3.text_input(tr("Giá trị", "Value"), key=ENTRY + "value", max_chars=30,
                        placeholder=tr("vd. 530 hoặc 61,3", "e.g. 530 or 61.3"),
                        help=tr("Số đếm ghi số nguyên (1.234 là một nghìn hai trăm ba mươi tư). Tỷ lệ ghi theo %: "
                                "61,3 là 61,3\u00a0%.",
                                "Counts as whole numbers. Shares in %: 61.3 means 61.3\u00a0%."))
        col4, col5, col6 = st.columns([2, 2, 1])
        col4.text_input(tr("Nguồn", "Source"), key=ENTRY + "source", max_chars=300)
        col5.text_input(tr("Ghi chú", "Note"), key=ENTRY + "note", max_chars=500)
        # What the figure is, as the pack's figures say: a department's figure is published unless said.
        col6.selectbox(tr("Loại số liệu", "Kind of figure"), BASES, key=ENTRY + "basis",
                       format_func=lambda b: basis_label(b, lang),
                       help=tr("Số liệu công bố, ước tính, số của một phần năm (ghi các tháng trong ghi chú) hoặc "
                               "theo định nghĩa khác (ghi rõ trong ghi chú). Số một phần năm hoặc định nghĩa khác "
                               "được giữ và hiện trên biểu đồ nhưng không dùng cho dự báo, trừ khi bật ở thẻ số liệu "
                               "đang dùng.",
                               "A published figure, an estimate, a count of part of a year (say the months in the "
                               "note) or a figure of another definition (say which in the note). A part-year or "
                               "other-definition figure is kept and charted but not used for the projection unless "
                               "switched on in the figures in use."))
        st.form_submit_button(tr("Thêm số liệu", "Add the figure"), icon=":material/add:", on_click=on_entry)

    status = st.session_state.get(STATUS)
    if status and status["pack"] == pack.id:
        if status["ok"] and "entry" in status:
            o = status["entry"]
            what = (f"{INDICATOR_BY_ID[o.indicator].label(lang)} {o.year}: "
                    f"{indicator_value(o.indicator, o.value, lang)}")
            st.success(escape_markdown((tr("Đã sửa số liệu ", "Corrected the figure ") if status["replaced"]
                                        else tr("Đã thêm số liệu ", "Added the figure ")) + what + "."),
                       icon=":material/check_circle:")
        elif status["ok"] and "removed" in status:
            removed = status["removed"]
            st.success(tr(f"Đã xóa {removed} dòng số liệu.", f"Removed {removed} row{'' if removed == 1 else 's'}."),
                       icon=":material/check_circle:")
        if status["ok"] and "rows" in status:
            n, replaced, kept = status["rows"], status.get("replaced", 0), status.get("kept", 0)
            extra = ""
            if replaced:
                extra += tr(f" {replaced} số liệu cùng chỉ tiêu và năm đã được thay bằng số trong tệp.",
                            f" {replaced} figure{'' if replaced == 1 else 's'} of the same indicator and year "
                            "replaced by the file's.")
            if kept:
                extra += tr(f" {kept} số liệu khác đã có được giữ nguyên.",
                            f" {kept} other figure{'' if kept == 1 else 's'} already there kept.")
            st.success(tr(f"Đã đọc {n} dòng số liệu từ tệp ", f"Read {n} row{'' if n == 1 else 's'} from the file ")
                       + escape_markdown(status["name"]) + "." + extra, icon=":material/check_circle:")
        if status["ok"]:
            for warning in status["warnings"]:
                st.warning(escape_markdown(warning.message(lang)), icon=":material/info:")
        else:
            show_error(status["error"])
            st.caption(tr("Số liệu đã tải lên trước đó (nếu có) được giữ nguyên.",
                          "Figures uploaded before (if any) are kept as they were."))
            pending = st.session_state.get(PENDING)
            if pending and pending[0] == pack.id:
                st.checkbox(tr("Các giá trị tỷ lệ là phần trăm: chia cho 100", "Values are percentages: divide by 100"),
                            key=FIX_KEY, on_change=on_percent_fix)

    uploaded = state.uploaded_actuals()
    if uploaded:
        st.subheader(tr("Số liệu thực tế đã thêm", "Actual figures added"))
        show_observations(uploaded, key="uploaded_table", with_date=False,
                          kind=tr("↑ Tải lên / nhập", "↑ Uploaded / typed"))
        st.caption(tr("Số liệu chỉ được giữ trong phiên làm việc này: hãy tải tệp CSV về để lần sau tải lên lại.",
                      "The figures are kept for this session only: download the CSV to upload them again later."))
        with st.container(horizontal=True, vertical_alignment="bottom"):
            form = csvform.picker()
            st.download_button(tr("Tải số liệu này (CSV)", "Download these figures (CSV)"),
                               data=actuals_csv(uploaded, excel_vi=form == EXCEL_VI),
                               file_name=f"so-lieu-thuc-te-{pack.id}.csv",
                               mime="text/csv", icon=":material/download:", key="actuals_download", on_click="ignore")
            by_key = {figure_key(o): o for o in uploaded}
            st.multiselect(tr("Chọn dòng để xóa", "Rows to remove"), list(by_key), key=REMOVE_KEY,
                           format_func=lambda k: f"{INDICATOR_BY_ID[by_key[k].indicator].label(lang)} {by_key[k].year}: "
                                                 f"{indicator_value(by_key[k].indicator, by_key[k].value, lang)}",
                           width=420, placeholder=tr("Chọn dòng", "Choose rows"))
            st.button(tr("Xóa các dòng đã chọn", "Remove the chosen rows"), key="actuals_remove_chosen",
                      icon=":material/delete:", on_click=on_remove, disabled=not st.session_state.get(REMOVE_KEY))
            st.button(tr("Xóa hết", "Clear all"), key="actuals_clear", icon=":material/delete_sweep:",
                      on_click=on_clear)
    else:
        st.caption(tr("Chưa có số liệu thực tế nào được tải lên hoặc nhập trong phiên này.",
                      "No actual figures uploaded or typed in this session."))

    with st.expander(tr("Mã chỉ tiêu dùng trong tệp", "Indicator ids for the file")):
        st.dataframe(pd.DataFrame({
            tr("Mã (cột chỉ tiêu)", "Id (indicator column)"): [ind.id for ind in modelled],
            tr("Tên", "Name"): [ind.label(lang) for ind in modelled],
            tr("Đơn vị", "Unit"): [tr("phân số (0–1) hoặc %", "fraction (0–1) or %") if ind.is_share
                                   else ind.unit(lang) for ind in modelled],
        }), hide_index=True, width="stretch")
        st.caption(tr("Cột chỉ tiêu nhận mã hoặc tên tiếng Việt (có hoặc không dấu). Năm từ "
                      f"{pack.base_year} đến {pack.horizon}.",
                      "The indicator column takes the id or the Vietnamese name (with or without diacritics). "
                      f"Years from {pack.base_year} to {pack.horizon}."))

with tab_method:
    st.subheader(tr("Phương pháp", "Method"))
    show_method(lang)

    st.subheader(tr("Ghi chú của gói kế hoạch", "Notes of the plan pack"))
    st.caption(tr("Do người soạn gói viết (notes.vi.md, notes.en.md): địa bàn, thay đổi hành chính, cách đọc chỉ tiêu.",
                  "Written by the pack's authors (notes.vi.md, notes.en.md): the area, administrative changes, how "
                  "the targets are read."))
    pack_upload.show_notes(pack)

with tab_pack:
    pack_upload.show_upload(pack)

"""The Data page's section on actual figures: which the projection uses and why not, a switch per
figure, the as-of year, the stock–flow checks, what the figures do to the answer, and the stored
figures (saved for everyone, with their versions)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from planner.errors import PlannerError
from planner.fmt import indicator_value, probability, signed
from planner.monitoring import Figure, figure_key
from planner.packs import basis_label
from planner.registry import INDICATOR_BY_ID
from planner.text import source_text
from ui import figures, state
from ui.state import escape_markdown, show_error, tr

AS_OF_KEY = "figures_as_of"
AUTHOR_KEY = "figures_author"
STORED_PICK = "figures_stored_pick"
VERSION_PICK = "figures_version_pick"
FLASH = "figures_flash"
LATEST = "—"


def _origin(origin: str) -> str:
    return {"pack": tr("Gói kế hoạch", "Plan pack"), "stored": tr("Lưu chung", "Stored (shared)"),
            "extra": tr("Thử trong phiên này", "This session only")}[origin]


def _figure_label(f: Figure) -> str:
    o = f.obs
    return f"{INDICATOR_BY_ID[o.indicator].label(state.lang())} {o.year}: {indicator_value(o.indicator, o.value, state.lang())}"


def _toggle_key(f: Figure) -> str:
    return f"figure_use_{state.scenario()['pack']}_{f.key}"


def _on_toggle(key: str, widget: str) -> None:
    figures.set_switch(key, bool(st.session_state.get(widget)))


def _on_as_of() -> None:
    choice = st.session_state.get(AS_OF_KEY, LATEST)
    data = {k: v for k, v in state.scenario().items() if k != "as_of"}
    if choice != LATEST:
        data["as_of"] = int(choice)
    try:
        state.set_scenario(data)
    except PlannerError as exc:
        st.session_state[FLASH] = ("error", exc)


def _author() -> str:
    return (st.session_state.get(AUTHOR_KEY) or "").strip()


def _store_session() -> None:
    """Save the figures tried in this session into the shared store (each a new version)."""
    pack_id = state.scenario()["pack"]
    session = state.uploaded_actuals()
    try:
        if not _author() and state.store().actor is None:
            raise PlannerError("hãy ghi tên người nhập", "give the name of who enters them", tr("Người nhập", "Entered by"))
        done = state.store().import_figures(pack_id, list(session), author=_author())
    except PlannerError as exc:
        st.session_state[FLASH] = ("error", exc)
        return
    state.set_uploaded_actuals(())  # now stored: in force for everyone, no longer a session trial
    figures.forget_stored(pack_id)
    st.session_state[FLASH] = ("ok", tr(f"Đã lưu chung: {done.added} số liệu mới, {done.corrected} số liệu sửa "
                                        f"(phiên bản mới), {done.unchanged} không đổi.",
                                        f"Stored for everyone: {done.added} new, {done.corrected} corrected (a new "
                                        f"version each), {done.unchanged} unchanged."))


def _stored_action(action: str) -> None:
    pack_id = state.scenario()["pack"]
    pick = st.session_state.get(STORED_PICK)
    if not pick:
        return
    indicator, year = pick.split(":")
    try:
        if action == "remove":
            state.store().remove_figure(pack_id, indicator, int(year), author=_author())
            message = tr("Đã gỡ số liệu (vẫn giữ trong lịch sử, có thể khôi phục).",
                         "Figure removed (kept in its history; it can be restored).")
        else:
            version = st.session_state.get(VERSION_PICK)
            state.store().restore_figure(pack_id, indicator, int(year), int(version) if version else None,
                                         author=_author())
            message = tr("Đã khôi phục số liệu thành phiên bản mới.", "Figure restored as a new version.")
    except PlannerError as exc:
        st.session_state[FLASH] = ("error", exc)
        return
    figures.forget_stored(pack_id)
    st.session_state[FLASH] = ("ok", message)


def _flash() -> None:
    flash = st.session_state.pop(FLASH, None)
    if flash and flash[0] == "error":
        show_error(flash[1])
    elif flash:
        st.success(escape_markdown(flash[1]), icon=":material/check_circle:")


def _in_force_line(evidence) -> str:
    counts = {o: sum(f.used and f.origin == o for f in evidence.figures) for o in ("pack", "stored", "extra")}
    line = tr(f"Đang dùng {len(evidence.used)} số liệu thực tế: {counts['pack']} của gói kế hoạch, "
              f"{counts['stored']} lưu chung (mọi người cùng thấy), {counts['extra']} chỉ thử trong phiên này. ",
              f"In force: {len(evidence.used)} actual figures: {counts['pack']} from the plan pack, "
              f"{counts['stored']} stored (everyone sees them), {counts['extra']} tried for this session only. ")
    line += tr(f"Năm xét: {evidence.latest_year}. Dấu vân tay số liệu: {evidence.fingerprint}.",
               f"As of {evidence.latest_year}. Fingerprint of the figures: {evidence.fingerprint}.")
    return line


def _figure_rows(evidence) -> None:
    lang = state.lang()
    in_force = {f.key: f for f in reversed(evidence.figures)}
    for f in evidence.figures:
        cols = st.columns([3, 2, 5], vertical_alignment="center")
        if in_force.get(f.key) is f and f.reason not in ("replaced", "not_modelled", "outside", "after_as_of"):
            widget = _toggle_key(f)
            st.session_state[widget] = f.used
            cols[0].toggle(escape_markdown(_figure_label(f)), key=widget, on_change=_on_toggle,
                           args=(f.key, widget),
                           help=tr("Bật: dự báo bắt đầu từ số liệu này. Tắt: giữ lại nhưng không dùng.",
                                   "On: the projection starts from this figure. Off: kept but not used."))
        else:
            cols[0].markdown(f"~~{escape_markdown(_figure_label(f))}~~")
        # What the figure is, where it is not a published figure (as the tables and charts mark it).
        basis = "" if f.obs.basis == "published" else "⚠ " + basis_label(f.obs.basis, lang) + " · "
        cols[1].caption(escape_markdown(_origin(f.origin)) + " · " + basis
                        + (tr("✔ dùng", "✔ used") if f.used else tr("✘ không dùng", "✘ not used")))
        detail = [source_text(f.obs.source_in(lang), lang)] if f.obs.source else []
        if f.obs.note_in(lang):
            detail.append(f.obs.note_in(lang))
        if not f.used:
            detail.append(tr("Không dùng: ", "Not used: ") + f.why_not(lang))
        elif f.obs.year == state.pack().base_year and f.obs.indicator in state.pack().baseline:
            base = state.pack().baseline[f.obs.indicator]
            detail.append(tr(f"Thay số liệu năm gốc của gói ({indicator_value(base.indicator, base.value, lang)}"
                             f"{', ước tính' if base.estimate else ''}).",
                             f"Replaces the pack's base-year figure ({indicator_value(base.indicator, base.value, lang)}"
                             f"{', an estimate' if base.estimate else ''})."))
        cols[2].caption(escape_markdown(" · ".join(detail)))


def _effect(evidence) -> None:
    """Every target's probability from the base year alone against the probability from the figures."""
    data = state.scenario()
    try:
        without = state.assessment({**data, "actuals": [], "fingerprint": None})
        now = state.assessment()
    except PlannerError as exc:
        show_error(exc)
        return
    pack = state.pack()
    rows = []
    for a, b in zip(without.to_dict("records"), now.to_dict("records"), strict=True):
        rows.append({tr("Chỉ tiêu", "Target"): pack.target(a["id"]).label(state.lang()),
                     tr("Chỉ từ năm gốc", "From the base year only"): probability(a["probability"], state.lang()),
                     tr("Từ số liệu thực tế", "From the actual figures"): probability(b["probability"], state.lang()),
                     tr("Thay đổi (điểm\u00a0%)", "Change (points)"): signed((b['probability'] - a['probability']) * 100, 0, state.lang())})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="figures_effect")
    st.caption(tr("Cùng giả định và cùng dãy số ngẫu nhiên; khác biệt chỉ do số liệu thực tế.",
                  "Same assumptions and the same random numbers: the difference comes from the actual figures alone."))


def _stored_section(pack_id: str) -> None:
    st.subheader(tr("Số liệu lưu chung", "Stored figures (shared)"))
    store = state.store()
    editor = store.may("figure.import")
    if editor:
        st.text_input(tr("Người nhập (ghi vào mọi thay đổi)", "Entered by (recorded with every change)"),
                      key=AUTHOR_KEY, max_chars=200)
    else:
        st.info(tr("Tài khoản của bạn có quyền xem: bạn thử được số liệu trong phiên này nhưng không lưu chung được.",
                   "Your account is a viewer: you can try figures for this session but not store them."),
                icon=":material/visibility:")
    session = state.uploaded_actuals()
    if session and editor:
        st.button(tr(f"Lưu chung {len(session)} số liệu đang thử", f"Store the {len(session)} figures being tried"),
                  key="figures_store_session", on_click=_store_session, icon=":material/cloud_upload:",
                  help=tr("Mỗi số liệu được lưu thành phiên bản mới; số cũ vẫn giữ trong lịch sử.",
                          "Each figure is saved as a new version; the old one stays in its history."))
    try:
        stored = store.figures(pack_id, include_removed=True)
    except PlannerError as exc:
        show_error(exc)
        return
    if not stored:
        st.caption(tr("Chưa có số liệu nào được lưu chung cho gói này.", "No figure is stored for this pack yet."))
        return
    lang = state.lang()
    st.dataframe(pd.DataFrame([{
        tr("Chỉ số", "Indicator"): INDICATOR_BY_ID[f.indicator].label(lang), tr("Năm", "Year"): str(f.year),
        tr("Giá trị", "Value"): indicator_value(f.indicator, f.value, lang),
        tr("Phiên bản", "Version"): f.version, tr("Trạng thái", "State"): tr("đã gỡ", "removed") if f.removed
        else tr("đang dùng", "in force"), tr("Người nhập", "Entered by"): f.author, tr("Lúc", "At"): f.saved_at,
        tr("Loại số liệu", "Kind of figure"): basis_label(f.basis, lang),
        tr("Nguồn", "Source"): f.source} for f in stored]), hide_index=True, width="stretch", key="figures_stored")
    keys = [figure_key(f.indicator, f.year) for f in stored]
    by_key = dict(zip(keys, stored, strict=True))
    pick = st.selectbox(tr("Số liệu", "Figure"), keys, key=STORED_PICK,
                        format_func=lambda k: f"{INDICATOR_BY_ID[by_key[k].indicator].label(lang)} {by_key[k].year}")
    history = store.figure_history(pack_id, by_key[pick].indicator, by_key[pick].year)
    st.dataframe(pd.DataFrame([{
        tr("Phiên bản", "Version"): h.version, tr("Giá trị", "Value"): indicator_value(h.indicator, h.value, lang),
        tr("Gỡ", "Removal"): "✘" if h.removed else "", tr("Người nhập", "Entered by"): h.author,
        tr("Lúc", "At"): h.saved_at, tr("Ghi chú", "Note"): h.note} for h in history]),
        hide_index=True, width="stretch", key="figures_history")
    if not editor:
        return
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox(tr("Phiên bản để khôi phục", "Version to restore"), [h.version for h in history if not h.removed],
                     key=VERSION_PICK, width=220)
        st.button(tr("Khôi phục phiên bản này", "Restore this version"), key="figures_restore",
                  on_click=_stored_action, args=("restore",), icon=":material/history:")
        st.button(tr("Gỡ số liệu", "Remove the figure"), key="figures_remove", on_click=_stored_action,
                  args=("remove",), icon=":material/delete:", disabled=by_key[pick].removed)


def figures_section() -> None:
    """The whole section (a tab of the Data page)."""
    data = state.scenario()
    pack = state.pack()
    st.subheader(tr("Số liệu thực tế dùng cho dự báo", "Actual figures the projection starts from"))
    st.markdown(tr(
        "Mỗi chỉ số được dự báo từ số liệu thực tế mới nhất của nó: số tồn lượng và tỷ lệ đi qua số liệu ở năm "
        "đó rồi mới tăng theo giả định; số thành lập mới đã ghi nhận được tính là đã đạt, chỉ các năm chưa có số "
        "mới được dự báo. Số liệu khác định nghĩa được giữ lại nhưng không dùng, trừ khi bạn bật lên.",
        "Each indicator is projected from its latest actual figure: stocks and shares pass through the figure "
        "in its year and grow from there with the assumptions; recorded foundings count as done and only the "
        "years without a count are projected. A figure of another definition is kept but not used unless you "
        "switch it on."))
    _flash()
    figures.changed_notice()
    evidence = figures.in_force(data)
    st.info(escape_markdown(_in_force_line(evidence)), icon=":material/fact_check:")

    years = list(range(pack.base_year, min(pack.horizon, max(date.today().year, evidence.latest_year)) + 1))
    options = [LATEST, *[str(y) for y in years]]
    st.session_state[AS_OF_KEY] = str(data["as_of"]) if data.get("as_of") is not None else LATEST
    st.selectbox(tr("Năm xét: bỏ qua số liệu sau năm này", "As of: ignore figures after this year"), options,
                 key=AS_OF_KEY, on_change=_on_as_of, width=360,
                 format_func=lambda o: tr("mọi số liệu (mới nhất)", "all figures (latest)") if o == LATEST else o,
                 help=tr(f"Chọn {pack.base_year} để xem dự báo chỉ từ năm gốc, như trước khi có số liệu thực tế.",
                         f"Choose {pack.base_year} for the projection from the base year alone, as before any "
                         "actual figure."))

    if figures.pinned(data):
        st.caption(tr("Đang dùng đúng bộ số liệu của kịch bản đã mở; các công tắc dưới đây áp dụng cho số liệu hiện nay.",
                      "The scenario's own set of figures is in force; the switches below apply to the current figures."))
    live = figures.live_evidence(data)
    if live.figures:
        _figure_rows(live)
    else:
        st.caption(tr("Chưa có số liệu thực tế nào.", "No actual figures yet."))

    if evidence.issues:
        st.markdown("**" + tr("Tồn lượng và số thành lập, giải thể", "Stocks against foundings and dissolutions")
                    + "**")
        for issue in evidence.issues:
            (st.warning if issue.contradiction else st.info)(escape_markdown(issue.message(state.lang())),
                                                             icon=":material/balance:")

    st.markdown("**" + tr("Số liệu thực tế thay đổi kết quả thế nào", "What the actual figures do to the answer")
                + "**")
    _effect(evidence)
    _stored_section(pack.id)


def baseline_note() -> None:
    """Under the baseline table: the base-year figures that actual figures now replace, with their source."""
    pack = state.pack()
    evidence = figures.in_force()
    lang = state.lang()
    replaced = [o for o in evidence.used if o.year == pack.base_year and o.indicator in pack.baseline]
    for o in replaced:
        base = pack.baseline[o.indicator]
        st.info(escape_markdown(tr(
            f"{INDICATOR_BY_ID[o.indicator].label(lang)} {pack.base_year}: dự báo dùng số liệu thực tế "
            f"{indicator_value(o.indicator, o.value, lang)} thay cho {indicator_value(o.indicator, base.value, lang)}"
            f"{' (ước tính)' if base.estimate else ''} của gói. Nguồn: {source_text(o.source_in(lang), lang) or 'không ghi'}.",
            f"{INDICATOR_BY_ID[o.indicator].label(lang)} {pack.base_year}: the projection uses the actual figure "
            f"{indicator_value(o.indicator, o.value, lang)} instead of the pack's "
            f"{indicator_value(o.indicator, base.value, lang)}{' (an estimate)' if base.estimate else ''}. "
            f"Source: {source_text(o.source_in(lang), lang) or 'not given'}.")), icon=":material/published_with_changes:")

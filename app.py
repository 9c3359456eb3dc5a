"""Entry of the scenario planner: page config, language, shared scenario state, navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from planner.errors import PlannerError
from planner.registry import preset_label
from planner.text import assumptions
from ui import auth, state
from ui.scorecard import headline
from ui.state import tr

ICON = Path(__file__).parent / "assets" / "icon.png"  # served by the app itself: nothing fetched from outside
st.set_page_config(page_title="Kế hoạch KTTT · Collective economy planner", page_icon=str(ICON),
                   layout="wide")
state.stored_packs()  # packs saved to the store load by id in this process before a link names one
state.init()

ASSUMPTIONS_URL = "gia-dinh"  # the page whose sliders rerun only its own live section
PRESENT_URL = "trinh-chieu"

# (file, Vietnamese title, English title, icon, URL path, help in Vietnamese, help in English)
PAGES = (
    ("pages/overview.py", "Tổng quan", "Overview", ":material/dashboard:", "tong-quan",
     "Bảng điểm: mỗi chỉ tiêu, dự báo, xác suất đạt và tiến độ.",
     "Scorecard: every target, its projection, probability and pace."),
    ("pages/assumptions.py", "Giả định", "Assumptions", ":material/tune:", ASSUMPTIONS_URL,
     "Điều chỉnh giả định theo nhóm; chọn kịch bản mẫu; lưu kịch bản.",
     "Adjust the assumptions by group; choose a preset; save the scenario."),
    ("pages/trajectories.py", "Quỹ đạo", "Trajectories", ":material/show_chart:", "quy-dao",
     "Biểu đồ quạt đến 2045 cho từng chỉ số, với lịch sử và chỉ tiêu.",
     "Fan charts to 2045 for every indicator, with history and targets."),
    ("pages/compare.py", "So sánh", "Compare", ":material/compare_arrows:", "so-sanh",
     "So sánh hai đến bốn kịch bản: xác suất, quỹ đạo, giả định khác nhau.",
     "Compare two to four scenarios: probabilities, trajectories, differing assumptions."),
    ("pages/sensitivity.py", "Độ nhạy", "Sensitivity", ":material/insights:", "do-nhay",
     "Giả định nào quan trọng nhất, và cần gì để đạt chỉ tiêu.",
     "Which assumptions matter most, and what it would take to meet a target."),
    ("pages/data.py", "Dữ liệu", "Data and method", ":material/table_chart:", "du-lieu",
     "Số liệu gốc có nguồn, tải số liệu thực tế, phương pháp.",
     "Baseline with sources, upload actual figures, the method."),
    ("pages/present.py", "Trình chiếu", "Present", ":material/slideshow:", PRESENT_URL,
     "Màn hình cho cuộc họp lãnh đạo; tải báo cáo.",
     "A clean view for the leadership meeting; download reports."),
)

ADMIN_PAGE = ("pages/admin.py", "Quản trị", "Administration", ":material/admin_panel_settings:", "quan-tri",
              "Quyền người dùng, khôi phục mục đã xóa, nhật ký thay đổi.",
              "Users' roles, restoring deleted items, the audit trail.")

try:
    role = state.store().role()  # None without sign-in
except PlannerError as exc:
    role = None
    state.show_error(exc)
shown = PAGES + ((ADMIN_PAGE,) if role == "admin" else ())  # the admin page exists only for admins
OVERVIEW_URL = "tong-quan"
# The default page's own url_path is never shown (its address is the root) but names it internally; it
# must differ from "tong-quan", which the alias below answers, and from the file's name (AppTest).
pages = [st.Page(path, title=tr(vi, en), icon=icon, url_path=url if url != OVERVIEW_URL else "trang-chu",
                 help=tr(hvi, hen), default=(url == OVERVIEW_URL))
         for path, vi, en, icon, url, hvi, hen in shown]


def _overview_alias() -> None:
    """Never drawn: the run switches to the Overview first (see below)."""


# The Overview lives at the app's root; "/tong-quan", its name in the menu's language, is an address
# people type or keep from old links: it opens the Overview, not Streamlit's "Page not found".
alias = st.Page(_overview_alias, title=tr("Tổng quan", "Overview"), url_path=OVERVIEW_URL, visibility="hidden")
page = st.navigation([*pages, alias], position="top")
if page is alias:
    st.switch_page(pages[0], query_params=st.query_params.to_dict())
# With [auth] configured nothing below runs until the person has signed in.  After the navigation, so a
# link to any page opens the sign-in, not Streamlit's "Page not found".
auth.gate()
# The Present page keeps the sidebar shut (and hidden, see pages/present.py); every other page opens it
# on a desktop screen and keeps it shut on a phone ("auto"), where it would cover the page.
# Said once per run, after the page is known, so a rerun never opens it and shuts it again.
st.set_page_config(initial_sidebar_state="collapsed" if page.url_path == PRESENT_URL else "auto")

# The scenario is the source of truth: the sidebar's widgets are set from it before they are drawn,
# and their callbacks write the user's choice back to it (so a page that loads a scenario or picks a
# preset is never undone by a stale widget value).
st.session_state["language_choice"] = state.lang()
st.session_state["pack_choice"] = state.scenario()["pack"]
st.session_state["preset_choice"] = state.scenario()["preset"]


def _on_language() -> None:
    if st.session_state.get("language_choice") in ("vi", "en"):
        st.session_state[state.LANG] = st.session_state["language_choice"]


PACK_PENDING = "pack_pending"  # a pack chosen while the scenario has changes: switched only once confirmed


def _on_pack() -> None:
    wanted, data = st.session_state["pack_choice"], state.scenario()
    if wanted == data["pack"]:
        return
    if data["levers"]:  # switching starts a new scenario: ask before the changes are dropped
        st.session_state[PACK_PENDING] = wanted
    else:
        state.set_pack(wanted)


def _confirm_pack() -> None:
    pending = st.session_state.pop(PACK_PENDING, None)
    if pending:
        state.set_pack(pending)


def _cancel_pack() -> None:
    st.session_state.pop(PACK_PENDING, None)


def pack_question() -> None:
    """Below the pack box: the pack chosen over changed assumptions, switched only on a second click."""
    pending = st.session_state.get(PACK_PENDING)
    if not pending or pending == state.scenario()["pack"]:
        st.session_state.pop(PACK_PENDING, None)
        return
    changed = len(state.scenario()["levers"])
    st.warning(tr(f"Đổi sang gói “{pack_names[pending]}” sẽ bỏ {assumptions(changed, 'vi')} đã thay đổi của "
                  "kịch bản này. Muốn giữ chúng, hãy lưu kịch bản (trang Giả định) trước khi đổi.",
                  f"Switching to “{pack_names[pending]}” drops the {assumptions(changed, 'en')} changed in this "
                  "scenario. To keep them, save the scenario (Assumptions page) first."),
               icon=":material/warning:")
    with st.container(horizontal=True):
        st.button(tr("Đổi gói", "Switch pack"), key="pack_confirm", type="primary", on_click=_confirm_pack)
        st.button(tr("Giữ gói hiện tại", "Keep this pack"), key="pack_cancel", on_click=_cancel_pack)


def _on_preset() -> None:
    state.set_preset(st.session_state["preset_choice"])


def sidebar_headline() -> None:
    """k/n targets likely met (the Assumptions page shows it beside its sliders instead)."""
    try:
        likely, projected = headline(state.assessment())
        st.metric(tr("Chỉ tiêu có khả năng đạt", "Targets likely met"), f"{likely}/{projected}",
                  help=tr("Xác suất đạt ít nhất 66 % (thang IPCC: “có khả năng”).",
                          "Probability of at least 66 % (IPCC scale: “likely”)."))
        changed = len(state.scenario()["levers"])
        st.caption(tr(f"{assumptions(changed, 'vi')} khác với kịch bản mẫu.",
                      f"{assumptions(changed, 'en')} differ{'s' if changed == 1 else ''} from the preset.")
                   if changed else tr("Đang dùng nguyên kịch bản mẫu.", "Using the preset as it is."))
    except PlannerError as exc:
        state.show_error(exc)


with st.sidebar:
    auth.sidebar(role)
    st.segmented_control("Ngôn ngữ / Language", ["vi", "en"], format_func={"vi": "Tiếng Việt", "en": "English"}.get,
                         key="language_choice", on_change=_on_language)
    pack_names = state.available_packs()
    st.selectbox(tr("Gói kế hoạch", "Plan pack"), list(pack_names), key="pack_choice", on_change=_on_pack,
                 format_func=pack_names.get)
    pack_question()
    preset_names = {p: preset_label(p, state.lang()) for p in state.pack().presets}
    st.selectbox(tr("Kịch bản mẫu", "Preset"), list(preset_names), key="preset_choice",
                 on_change=_on_preset, format_func=preset_names.get,
                 help=tr("Đổi kịch bản mẫu đặt lại mọi giả định về giá trị của mẫu đó.",
                         "Changing the preset resets every assumption to that preset's values."))
    # On the Assumptions page a slider reruns only the page's live section, which has its own headline;
    # one here would fall behind.
    if page.url_path != ASSUMPTIONS_URL:
        sidebar_headline()
    if state.pack().meta.get("area_note_vi"):
        st.caption(state.pack().meta.get(f"area_note_{state.lang()}", ""))

notices = st.session_state.pop(state.NOTICES, [])
if notices:  # one box, however many parts of the link were unusable
    SHOWN = 8
    lines = [state.escape_markdown(m) for m in notices[:SHOWN]]
    if len(notices) > SHOWN:
        lines.append(tr(f"… và {len(notices) - SHOWN} giá trị khác", f"… and {len(notices) - SHOWN} more"))
    st.warning(tr("Liên kết có giá trị không dùng được; phần còn lại của liên kết đã được áp dụng:",
                  "The link has values that cannot be used; the rest of the link was applied:")
               + "".join(f"\n- {line}" for line in lines), icon=":material/link_off:")

try:
    page.run()
except Exception:  # noqa: BLE001 - the page boundary: a bug shows a plain message, never a traceback
    state.show_failure(page.url_path or "tong-quan")
state.sync_url()

"""A second reference for the UI benchmark: the cheapest page of an app shaped like the planner.

The same shell as app.py (seven pages in a top navigation, a sidebar with a language switch and two
select boxes) around one slider and one number in a fragment, as on the Assumptions page. No planner
code: the gap between this page and bench/bare_app.py is what the shell alone costs in Streamlit.
"""

import streamlit as st

st.set_page_config(page_title="shell", layout="wide", initial_sidebar_state="expanded")


def slider_page() -> None:
    @st.fragment
    def live() -> None:
        value = st.slider("x", 0, 200, 15, key="x")
        st.metric("value", value * 8)

    live()


def other_page() -> None:
    st.write("page")


pages = [st.Page(slider_page, title="Trang 1", icon=":material/tune:", url_path="p1", default=True)]
pages += [st.Page(other_page, title=f"Trang {i}", icon=":material/tune:", url_path=f"p{i}") for i in range(2, 8)]
page = st.navigation(pages, position="top")
with st.sidebar:
    st.segmented_control("Ngôn ngữ / Language", ["vi", "en"], key="lang", default="vi")
    st.selectbox("Gói kế hoạch", ["a", "b"], key="pack")
    st.selectbox("Kịch bản mẫu", ["a", "b", "c", "d"], key="preset")
    st.caption("Ghi chú về địa bàn.")
page.run()

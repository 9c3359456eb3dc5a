"""The floor for the UI benchmark: a bare one-slider Streamlit page that redraws one number."""

import streamlit as st

value = st.slider("x", 0, 200, 15, key="x")
st.metric("value", value * 8)

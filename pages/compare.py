"""Page under construction in this commit."""

import streamlit as st

st.write("…")

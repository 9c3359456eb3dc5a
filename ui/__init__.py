"""The Streamlit shell's shared pieces: scenario state, cached engine calls, charts, widgets."""

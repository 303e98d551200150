"""The Verve domain and its services. No Streamlit here: see docs/architecture.md."""

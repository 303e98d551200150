"""The Streamlit UI. Thin: pages read widgets, call one `recruitment` service, render."""

"""The Streamlit UI. Thin: pages read widgets, call one `recruitment` service, render.

`app.py` is the router; the screens live in one folder per area (`journey/`,
`casework/`, `placement/`, `analytics/`, `messaging/`, `accounts/`), beside the
shared pieces (`access`, `action`, `data`, `i18n`, `charts`, `components`).
No folder is called `pages/`, so Streamlit's legacy pages-directory mode never applies.
"""

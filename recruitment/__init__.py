"""Verve's domain and its services, one package per area (see docs/architecture.md).

No Streamlit here. Services take `*, session` and the acting user, check one permission
with `@requires`, and never commit: the caller (a page, the CLI, a test) frames one
transaction per user action. `cli/` is the `verve` command, a thin layer over the same
services.
"""

"""The dashboard never hands text to an HTML renderer: not st.html, not
unsafe_allow_html, and not a components iframe (where a script would run)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = (
    "unsafe_allow_html",
    "st.html(",
    "components.html(",
    "components.iframe(",
    "components.v1",
)


@pytest.mark.parametrize("needle", FORBIDDEN)
def test_no_dashboard_code_renders_raw_html(needle):
    hits = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "dashboard").rglob("*.py")
        if needle in path.read_text(encoding="utf-8")
    ]
    assert not hits, f"{needle} in {hits}"

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


#: The one exception: the page frame's constant stylesheet and script (dashboard/frame.py).
FRAME = ROOT / "dashboard" / "frame.py"


@pytest.mark.parametrize("needle", FORBIDDEN)
def test_no_dashboard_code_renders_raw_html(needle):
    hits = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "dashboard").rglob("*.py")
        if path != FRAME and needle in path.read_text(encoding="utf-8")
    ]
    assert not hits, f"{needle} in {hits}"


def test_the_frame_hands_streamlit_only_its_constant_files():
    import ast

    tree = ast.parse(FRAME.read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "st.html"
    ]
    assert [ast.unparse(call.args[0]) for call in calls] == ["STYLESHEET", "script"]
    assert "unsafe_allow_html" not in FRAME.read_text(encoding="utf-8")
    # The script is filled in with nothing but one of Verve's language codes.
    assert FRAME.read_text(encoding="utf-8").count(".replace(") == 1
    from dashboard.frame import frame

    with pytest.raises(ValueError):
        frame("<script>")

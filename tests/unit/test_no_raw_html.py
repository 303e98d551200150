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
    # The script is filled in with nothing but one of Verve's language codes and the
    # file names of Streamlit's modules to load ahead.
    assert FRAME.read_text(encoding="utf-8").count(".replace(") == 0
    from dashboard.frame import frame, frame_html, preloaded_modules

    with pytest.raises(ValueError):
        frame("<script>")
    template = (ROOT / "dashboard" / "static" / "frame.html").read_text(encoding="utf-8")
    for language in ("nb", "en"):
        for preload in (False, True):
            filled = frame_html(language, preload_modules=preload)
            module = " ".join(preloaded_modules()) if preload else ""
            assert filled == template.replace("__LANG__", language).replace("__PRELOAD__", module)


def test_only_staff_pages_load_the_table_and_chart_modules_ahead():
    """Staff get the names of Streamlit's table and chart modules (and the form widgets')
    to load while idle; an applicant's page (on a phone, perhaps on mobile data) names
    none, so nothing extra is fetched."""
    import re

    import streamlit

    from dashboard.frame import preloaded_modules

    modules = preloaded_modules()
    scripts = [name.split(".")[0] for name in modules if name.endswith(".js")]
    assert scripts[:2] == ["DataFrame", "ArrowVegaLiteChart"], modules
    assert [n.split(".")[0] for n in modules if n.endswith(".css")] == ["DataFrame"], modules
    static = Path(streamlit.__file__).parent / "static" / "static"
    for name in modules:
        kind = re.fullmatch(r"[A-Za-z-]+\.[A-Za-z0-9_-]+\.(js|css)", name)
        assert kind, name
        assert (static / kind[1] / name).is_file()
    from dashboard.frame import frame_html

    assert f'data-preload="{" ".join(modules)}"' in frame_html("nb", preload_modules=True)
    assert 'data-preload=""' in frame_html("nb")
    app = (ROOT / "dashboard" / "app.py").read_text(encoding="utf-8")
    assert "frame(lang(), preload_modules=actor is not None)" in app

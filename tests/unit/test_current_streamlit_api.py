"""No page uses a Streamlit argument that the server log says will be removed."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REMOVED = ("use_container_width",)


def test_no_dashboard_code_uses_a_deprecated_streamlit_argument():
    hits = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "dashboard").rglob("*.py")
        for name in REMOVED
        if name in path.read_text(encoding="utf-8")
    ]
    assert not hits, hits

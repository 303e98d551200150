"""Streamlit's settings that decide how a served Verve holds up with many people at once
(dashboard/.streamlit/config.toml; docs/performance.md has the figures)."""

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "dashboard" / ".streamlit" / "config.toml"


def test_no_full_garbage_collection_after_every_script_run():
    # Streamlit's default collects all generations after each run, holding the
    # interpreter 0.1-0.5 s at 100,000 applicants: twenty sign-ups sent together all
    # answered after 19 s and cost 0.5 CPU s each; without it 6 s and 0.04 CPU s.
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_no_source_file_watching():
    # The watcher walks every imported module's path on the event loop after each run.
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False

"""Migration files are named after the revision they hold, so the folder reads like the
chain and a reader finds `0111_from_at` in `0111_from_at_*.py`."""

import ast
from pathlib import Path

import pytest

VERSIONS = Path(__file__).resolve().parents[2] / "db" / "migrations" / "versions"
FILES = sorted(path for path in VERSIONS.glob("*.py") if path.name != "__init__.py")


def _assigned(path: Path, name: str) -> str | None:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return ast.literal_eval(node.value)
    raise AssertionError(f"{path.name} assigns no {name}")


def test_there_are_migrations():
    assert len(FILES) >= 6


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_a_migration_file_is_named_after_its_revision(path):
    revision = _assigned(path, "revision")
    assert path.stem == revision or path.stem.startswith(f"{revision}_"), (path.name, revision)


def test_the_revisions_form_one_chain():
    down = {_assigned(path, "revision"): _assigned(path, "down_revision") for path in FILES}
    heads = set(down) - set(down.values())
    assert len(heads) == 1, heads
    roots = [revision for revision, parent in down.items() if parent is None]
    assert len(roots) == 1, roots

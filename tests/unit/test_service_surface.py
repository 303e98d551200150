"""The domain's surface: one permission check per service, in its decorator.

`@requires(...)` (recruitment/core/access.py) is the one place a service names the
permissions it needs; tests/integration/test_role_table.py reads only the decorator, so a
`require(...)` in a body would be a second source of truth it cannot see."""

import ast
from pathlib import Path

import recruitment

RECRUITMENT = Path(recruitment.__file__).parent
ACCESS = RECRUITMENT / "core" / "access.py"


def _sources():
    for path in sorted(RECRUITMENT.rglob("*.py")):
        yield path.relative_to(RECRUITMENT.parent), ast.parse(path.read_text(), str(path))


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _requires_decorators(fn: ast.FunctionDef) -> list[ast.Call]:
    return [
        d for d in fn.decorator_list if isinstance(d, ast.Call) and _called_name(d) == "requires"
    ]


def test_no_service_checks_a_permission_in_its_body():
    found = [
        f"{path}:{node.lineno} {ast.unparse(node)}"
        for path, tree in _sources()
        if path != ACCESS.relative_to(RECRUITMENT.parent)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _called_name(node) == "require"
    ]
    assert not found, (
        "name every permission in the service's @requires(...) instead (a check that "
        f"depends on the data uses allowed(...)): {found}"
    )


def test_no_service_is_decorated_twice():
    found = [
        f"{path}:{node.lineno} {node.name}"
        for path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and len(_requires_decorators(node)) > 1
    ]
    assert not found, f"one @requires(...) per service, naming all its permissions: {found}"

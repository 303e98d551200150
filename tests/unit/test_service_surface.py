"""The domain's surface: guarded services, a short allow-list, and private building blocks.

`@requires(...)` (recruitment/core/access.py) is the one place a service names the
permissions it needs; tests/integration/test_role_table.py reads only the decorator, so a
`require(...)` in a body would be a second source of truth it cannot see. A public function
that takes a session but no actor is either on `UNGUARDED`, with its reason, or private:
a leading underscore used within its own area, or an underscore module (import-linter
keeps pages and the command line out of those, see pyproject.toml)."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import recruitment
from recruitment.core.access import UNGUARDED

ROOT = Path(recruitment.__file__).resolve().parents[1]
ACCESS = Path("recruitment", "core", "access.py")


def _private(dotted: str) -> bool:
    return any(part.startswith("_") for part in dotted.split("."))


def _public_modules():
    for info in pkgutil.walk_packages(recruitment.__path__, "recruitment."):
        # The CLI's click commands call services as the system actor; they are not a surface.
        if not info.name.startswith("recruitment.cli") and not _private(info.name):
            yield importlib.import_module(info.name)


def _takes_a_session(fn) -> bool:
    return any(
        name in {"session", "session_factory"} or "Session" in str(parameter.annotation)
        for name, parameter in inspect.signature(fn).parameters.items()
    )


def _public_session_functions():
    found = {}
    for module in _public_modules():
        for name, fn in vars(module).items():
            if (
                not name.startswith("_")
                and inspect.isfunction(fn)
                and fn.__module__ == module.__name__
                and _takes_a_session(fn)
            ):
                found[f"{module.__name__.removeprefix('recruitment.')}.{name}"] = fn
    return found


PUBLIC = _public_session_functions()


def test_the_public_functions_that_take_a_session_were_found():
    assert "casework.stage_moves.advance_stage" in PUBLIC
    assert "journey.applicants.sign_up" in PUBLIC
    assert "messaging.outbox.send_due" in PUBLIC  # a session factory counts too
    assert len(PUBLIC) > 100


def test_every_public_function_that_takes_a_session_is_guarded_or_allow_listed():
    bare = sorted(
        name
        for name, fn in PUBLIC.items()
        if not hasattr(fn, "permissions") and name not in UNGUARDED
    )
    assert not bare, (
        "guard these with @requires(...), make them private (a leading underscore, or an "
        "underscore module), or add them with a reason to UNGUARDED in "
        f"recruitment/core/access.py: {bare}"
    )


@pytest.mark.parametrize("name", sorted(UNGUARDED))
def test_each_allow_listed_name_is_a_public_unguarded_function_that_takes_a_session(name):
    assert UNGUARDED[name].strip(), f"{name}: say why it needs no permission"
    module_name, _, function_name = f"recruitment.{name}".rpartition(".")
    assert not _private(module_name) and not function_name.startswith("_"), (
        f"{name} is private: drop it from UNGUARDED"
    )
    fn = getattr(importlib.import_module(module_name), function_name, None)
    assert inspect.isfunction(fn), f"{name} does not exist: drop it from UNGUARDED"
    assert not hasattr(fn, "permissions"), f"{name} is guarded: drop it from UNGUARDED"
    assert _takes_a_session(fn), f"{name} takes no session: drop it from UNGUARDED"


# --- one check per service, in the decorator ---------------------------------------------


def _sources(*packages: str):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT), ast.parse(path.read_text(encoding="utf-8"))


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def test_no_service_checks_a_permission_in_its_body():
    found = [
        f"{path}:{node.lineno} {ast.unparse(node)}"
        for path, tree in _sources("recruitment")
        if path != ACCESS
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
        for path, tree in _sources("recruitment")
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and sum(
            isinstance(d, ast.Call) and _called_name(d) == "requires" for d in node.decorator_list
        )
        > 1
    ]
    assert not found, f"one @requires(...) per service, naming all its permissions: {found}"


# --- private names stay in their area ----------------------------------------------------


def _area(module: str) -> str:
    """`recruitment.casework.combined` -> `recruitment.casework`; `dashboard.x` -> `dashboard`."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "recruitment" else parts[0]


def _private_names_used(tree: ast.Module):
    """(line, "module.name") for each underscore name taken from a `recruitment` module,
    imported by name or read off the module; underscore modules are import-linter's part."""
    modules = {}  # local name -> recruitment module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("recruitment"):
            for alias in node.names:
                value = getattr(importlib.import_module(node.module), alias.name, None)
                if inspect.ismodule(value):
                    modules[alias.asname or alias.name] = value.__name__
                elif alias.name.startswith("_"):
                    yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("recruitment.") and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            yield node.lineno, f"{modules[node.value.id]}.{node.attr}"


def test_private_names_are_imported_only_within_their_own_area():
    found = [
        f"{path}:{line} imports {name}"
        for path, tree in _sources("recruitment", "dashboard")
        for line, name in _private_names_used(tree)
        if _area(".".join(path.with_suffix("").parts)) != _area(name)
        or path.parts[:2] == ("recruitment", "cli")
    ]
    assert not found, (
        "a page, the CLI or another area calls a service (or an UNGUARDED function), never "
        f"another area's building block: {found}"
    )

"""Every service in `recruitment` that takes an `actor` is called as admin,
coordinator, manager and nobody; PermissionDenied must be raised exactly when the one
table, `recruitment.core.access.PERMISSIONS`, says the role lacks one of the service's
permissions.

A service declares its permissions with `@requires("...", ...)` (recruitment/core/access.py);
a service that takes `actor` without declaring them fails the first test here."""

import importlib
import inspect
import pkgutil

import pytest

import recruitment
from recruitment.core.access import PERMISSIONS, allowed
from recruitment.core.errors import PermissionDenied

ROLES = ("admin", "coordinator", "manager", None)


def _services():
    found = {}
    for info in pkgutil.walk_packages(recruitment.__path__, "recruitment."):
        if info.name.startswith("recruitment.cli") or info.name == "recruitment.core.access":
            # click commands call the services as the system actor; access is the check itself
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if (
                name.startswith("_")
                or not inspect.isfunction(fn)
                or fn.__module__ != module.__name__
            ):
                continue
            if "actor" in inspect.signature(fn).parameters:
                found[f"{module.__name__}.{name}"] = fn
    return found


SERVICES = _services()


def test_the_services_were_found():
    assert "recruitment.casework.stage_moves.advance_stage" in SERVICES
    assert "recruitment.accounts.staff.change_role" in SERVICES
    assert len(SERVICES) >= 15


def test_every_service_that_takes_an_actor_declares_its_permission():
    undeclared = sorted(name for name, fn in SERVICES.items() if not hasattr(fn, "permissions"))
    assert not undeclared, (
        f"add @requires('<permission>') from recruitment.core.access to: {undeclared}"
    )
    unknown = sorted(
        (name, permission)
        for name, fn in SERVICES.items()
        for permission in fn.permissions
        if permission not in PERMISSIONS
    )
    assert not unknown, unknown


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    """SQLite only: the refusal is `@requires`' check, made before the service's body
    touches the database, so PostgreSQL would run the same check again; what the
    services do on each database is tested in their own modules, on both."""
    return request.param


@pytest.fixture
def actors(admin, coordinator, manager):
    return {"admin": admin, "coordinator": coordinator, "manager": manager, None: None}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_role_is_refused_exactly_where_the_table_says(name, session, actors):
    fn = SERVICES[name]
    permissions = getattr(fn, "permissions", None)
    if permissions is None:
        pytest.fail(f"{name} declares no permission")
    parameters = inspect.signature(fn).parameters
    arguments = {
        p: None
        for p, spec in parameters.items()
        if p not in {"session", "actor"} and spec.default is inspect.Parameter.empty
    }
    refused = set()
    for role in ROLES:
        actor = actors[role]
        try:
            fn(session=session, actor=actor, **arguments)
        except PermissionDenied:
            refused.add(role)
        except Exception:  # noqa: BLE001 - the body ran past the check with dummy arguments: allowed
            pass
        finally:
            session.rollback()
    # Refused when the role lacks any one of them; NO_PERMISSION declares none.
    expected = {
        role
        for role in ROLES
        if not all(allowed(actors[role], permission) for permission in permissions)
    }
    assert refused == expected, (
        f"{name} ({', '.join(permissions) or 'no permission'}): refused "
        f"{sorted(map(str, refused))}, table says {sorted(map(str, expected))}"
    )


def test_the_system_actor_holds_every_permission():
    from recruitment.core.access import Actor

    assert all(allowed(Actor.system(), permission) for permission in PERMISSIONS)

"""A page outside the user's role cannot be opened, neither from the menu nor by URL:
navigation leaves it out, and the page itself refuses to render for that role."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PUBLIC_PAGES, STAFF_PAGES, staff_pages_for
from recruitment.access import Actor, allowed
from tests.dashboard.conftest import logged_in

ROOT = Path(__file__).resolve().parents[2]
ROLES = ["admin", "coordinator", "manager"]
FORBIDDEN = [
    (role, spec)
    for role in ROLES
    for spec in STAFF_PAGES
    if spec.permission and not allowed(Actor(1, role, role), spec.permission)
]


def test_every_declared_page_exists():
    for spec in (*PUBLIC_PAGES, *STAFF_PAGES):
        assert (ROOT / "dashboard" / spec.path).is_file(), spec.path


def test_url_paths_are_unique():
    paths = [spec.url_path for spec in (*PUBLIC_PAGES, *STAFF_PAGES)]
    assert len(paths) == len(set(paths))


@pytest.mark.parametrize("role", ROLES)
def test_navigation_offers_each_role_only_the_pages_it_may_use(role):
    actor = Actor(1, role, role)
    offered = staff_pages_for(actor)
    assert all(spec.permission is None or allowed(actor, spec.permission) for spec in offered)
    assert offered, "every role has at least one page"


@pytest.mark.parametrize(
    "role, spec", FORBIDDEN, ids=[f"{role}-{spec.url_path}" for role, spec in FORBIDDEN] or None
)
def test_a_page_refuses_a_role_without_its_permission_even_when_opened_directly(role, spec, app_database, make_staff):
    actor = make_staff(role)
    at = logged_in(AppTest.from_file(str(ROOT / "dashboard" / spec.path), default_timeout=30), actor)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this page."]


def test_a_visitor_who_is_not_logged_in_cannot_open_a_staff_page(app_database):
    for spec in STAFF_PAGES:
        at = AppTest.from_file(str(ROOT / "dashboard" / spec.path), default_timeout=30)
        at.query_params["lang"] = "en"
        at.run()
        assert not at.exception, spec.path
        assert [e.value for e in at.error] == ["You need to log in to see this page."], spec.path

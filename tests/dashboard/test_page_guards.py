"""A page outside the user's role is not in their navigation (so its URL falls back to the
start page); tests/dashboard/test_security_pages.py shows each page refuses it too."""

from pathlib import Path

import pytest

from dashboard.navigation import PUBLIC_PAGES, STAFF_PAGES, staff_pages_for
from recruitment.core.access import Actor, allowed

ROOT = Path(__file__).resolve().parents[2]
ROLES = ["admin", "coordinator", "manager"]


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

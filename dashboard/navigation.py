"""Every page of the app, declared in one place, and the navigation each role gets."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from recruitment.access import Actor, allowed

from .i18n import t


@dataclass(frozen=True, slots=True)
class PageSpec:
    path: str  # relative to dashboard/
    title_key: str
    icon: str
    url_path: str
    permission: str | None = None  # None: any logged-in staff member
    section_key: str = "nav.section_work"
    hidden: bool = False  # reached by links (detail pages), not listed in the menu


#: Pages a visitor sees without logging in; the first is the root URL.
PUBLIC_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/signup.py", "nav.signup", ":material/volunteer_activism:", "signup"),
    PageSpec("pages/self_service.py", "nav.self_service", ":material/person:", "my-page", hidden=True),
    PageSpec("pages/privacy.py", "nav.privacy", ":material/policy:", "privacy", hidden=True),
    PageSpec("pages/login.py", "nav.login", ":material/login:", "login", hidden=True),
)

FIRST_RUN_PAGE = PageSpec("pages/first_run.py", "nav.first_run", ":material/rocket_launch:", "setup")

#: Pages for logged-in staff, in menu order, grouped by section; each is offered only
#: to roles that hold its permission (and checks that permission again itself).
STAFF_PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/home.py", "nav.home", ":material/home:", "home"),
    PageSpec("pages/phone_signup.py", "phone_signup.nav_title", ":material/phone_in_talk:", "phone-signup", "applicants.write"),
    PageSpec("pages/outbox.py", "mail.nav_outbox", ":material/outgoing_mail:", "outbox", "outbox.read"),
    PageSpec("pages/mail_templates.py", "mail.nav_templates", ":material/mail:", "mail-templates", "outbox.read", "nav.section_admin"),
    PageSpec("pages/account.py", "nav.account", ":material/account_circle:", "account", section_key="nav.section_account"),
)


def _page(spec: PageSpec, *, default: bool = False) -> st.Page:
    return st.Page(
        spec.path,
        title=t(spec.title_key),
        icon=spec.icon,
        url_path=spec.url_path,
        default=default,
        visibility="hidden" if spec.hidden else "visible",
    )


def staff_pages_for(actor: Actor) -> list[PageSpec]:
    return [spec for spec in STAFF_PAGES if spec.permission is None or allowed(actor, spec.permission)]


def build(actor: Actor | None, *, first_run: bool) -> st.navigation:
    """The navigation for this visitor: first-run set-up, the public pages, or the
    staff pages their role allows (the public pages stay reachable for staff too)."""
    if first_run:
        return st.navigation([_page(FIRST_RUN_PAGE, default=True)], position="hidden")
    if actor is None:
        pages = [_page(spec, default=i == 0) for i, spec in enumerate(PUBLIC_PAGES)]
        return st.navigation(pages, position="hidden")
    sections: dict[str, list[st.Page]] = {}
    for i, spec in enumerate(staff_pages_for(actor)):
        sections.setdefault(t(spec.section_key), []).append(_page(spec, default=i == 0))
    # The public pages stay reachable (hidden) so staff can open links to them; the
    # login page is among them and sends a logged-in visitor on to their start page.
    public = [_page(spec) for spec in PUBLIC_PAGES]
    sections.setdefault(t("nav.section_public"), []).extend(public)
    return st.navigation(sections, position="sidebar")

"""Every page of the app, declared in one place, and the navigation each role gets."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import streamlit as st

from dashboard.i18n import t
from recruitment.core.access import Actor, allowed


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
    PageSpec("journey/signup.py", "nav.signup", ":material/volunteer_activism:", "signup"),
    PageSpec(
        "journey/self_service.py", "nav.self_service", ":material/person:", "my-page", hidden=True
    ),
    PageSpec("journey/privacy.py", "nav.privacy", ":material/policy:", "privacy", hidden=True),
    PageSpec("accounts/login.py", "nav.login", ":material/login:", "login", hidden=True),
)

FIRST_RUN_PAGE = PageSpec(
    "accounts/first_run.py", "nav.first_run", ":material/rocket_launch:", "setup"
)

#: Pages for logged-in staff, in menu order, grouped by section; each is offered only
#: to roles that hold its permission (and checks that permission again itself).
STAFF_PAGES: tuple[PageSpec, ...] = (
    # Daily casework
    PageSpec("casework/home.py", "nav.home", ":material/home:", "home"),
    PageSpec(
        "casework/pipeline.py",
        "casework.nav_pipeline",
        ":material/view_kanban:",
        "pipeline",
        "applicants.list",
    ),
    PageSpec(
        "casework/applicants.py",
        "casework.nav_applicants",
        ":material/groups:",
        "applicants",
        "applicants.list",
    ),
    PageSpec(
        "casework/applicant.py",
        "casework.nav_applicant",
        ":material/person:",
        "applicant",
        "applicants.read",
        hidden=True,
    ),
    PageSpec(
        "casework/meetings.py",
        "meetings.title",
        ":material/event_available:",
        "meetings",
        "meetings.read",
    ),
    PageSpec(
        "casework/meeting.py",
        "meetings.detail_title",
        ":material/event:",
        "meeting",
        "meetings.write",
        hidden=True,
    ),
    PageSpec(
        "casework/combined_meeting.py",
        "combined.title",
        ":material/handshake:",
        "combined-meeting",
        "meetings.write",
    ),
    PageSpec(
        "casework/call_list.py",
        "call_list.nav_title",
        ":material/call:",
        "call-list",
        "applicants.write",
    ),
    PageSpec(
        "journey/phone_signup.py",
        "phone_signup.nav_title",
        ":material/phone_in_talk:",
        "phone-signup",
        "applicants.write",
    ),
    PageSpec(
        "casework/handover.py",
        "casework.nav_handover",
        ":material/swap_horiz:",
        "handover",
        "applicants.write",
    ),
    PageSpec(
        "casework/import_applicants.py",
        "casework.nav_import",
        ":material/upload_file:",
        "import",
        "data.import",
    ),
    PageSpec(
        "messaging/outbox.py",
        "mail.nav_outbox",
        ":material/outgoing_mail:",
        "outbox",
        "outbox.read",
    ),
    # Placement: the demand side
    PageSpec(
        "placement/service_users.py",
        "service_users.nav_list",
        ":material/diversity_3:",
        "service-users",
        "service_users.read",
        "nav.section_placement",
    ),
    PageSpec(
        "placement/service_user.py",
        "service_users.nav_detail",
        ":material/person_pin:",
        "service-user",
        "service_users.read",
        "nav.section_placement",
        hidden=True,
    ),
    PageSpec(
        "placement/matching.py",
        "matching.nav_title",
        ":material/join_inner:",
        "matching",
        "service_users.read",
        "nav.section_placement",
    ),
    # Analytics (read-only; managers' pages)
    PageSpec(
        "analytics/funnel.py",
        "analytics.nav_funnel",
        ":material/filter_alt:",
        "funnel",
        "analytics.read",
        "nav.section_analytics",
    ),
    PageSpec(
        "analytics/digital_vs_in_person.py",
        "analytics.nav_digital_vs_in_person",
        ":material/compare:",
        "digital-vs-in-person",
        "analytics.read",
        "nav.section_analytics",
    ),
    PageSpec(
        "analytics/reminders.py",
        "analytics.nav_reminders",
        ":material/notifications_active:",
        "reminders",
        "analytics.read",
        "nav.section_analytics",
    ),
    PageSpec(
        "analytics/trends.py",
        "analytics.nav_trends",
        ":material/trending_up:",
        "trends",
        "analytics.read",
        "nav.section_analytics",
    ),
    PageSpec(
        "analytics/time_in_stage.py",
        "analytics.nav_time_in_stage",
        ":material/hourglass_top:",
        "time-in-stage",
        "analytics.read",
        "nav.section_analytics",
    ),
    PageSpec(
        "analytics/evaluations.py",
        "analytics.nav_evaluations",
        ":material/reviews:",
        "evaluations",
        "analytics.read",
        "nav.section_analytics",
    ),
    PageSpec(
        "analytics/forecast.py",
        "forecast.nav_title",
        ":material/query_stats:",
        "forecast",
        "analytics.read",
        "nav.section_analytics",
    ),
    PageSpec(
        "analytics/supply_demand.py",
        "supply_demand.nav_title",
        ":material/balance:",
        "supply-demand",
        "analytics.read",
        "nav.section_analytics",
    ),
    # Administration
    PageSpec(
        "accounts/staff.py",
        "security.nav_staff",
        ":material/badge:",
        "staff",
        "staff.manage",
        "nav.section_admin",
    ),
    PageSpec(
        "accounts/settings.py",
        "security.nav_settings",
        ":material/settings:",
        "settings",
        "settings.write",
        "nav.section_admin",
    ),
    PageSpec(
        "accounts/audit.py",
        "security.nav_audit",
        ":material/policy:",
        "audit",
        "audit.read",
        "nav.section_admin",
    ),
    PageSpec(
        "accounts/retention.py",
        "security.nav_retention",
        ":material/auto_delete:",
        "retention",
        "retention.run",
        "nav.section_admin",
    ),
    PageSpec(
        "messaging/mail_templates.py",
        "mail.nav_templates",
        ":material/mail:",
        "mail-templates",
        "outbox.read",
        "nav.section_admin",
    ),
    PageSpec(
        "accounts/account.py",
        "nav.account",
        ":material/account_circle:",
        "account",
        section_key="nav.section_account",
    ),
)


#: An empty page, served only when VERVE_BENCH is set: the browser bench's baseline
#: (bench/browser.py), drawn through the same frame as every other page.
BASELINE_PAGE = PageSpec(
    "baseline.py", "nav.baseline", ":material/speed:", "baseline", section_key="nav.section_account"
)


def _bench() -> dict[str, int] | None:
    """Under the bench: the id each detail page opens with (VERVE_BENCH, JSON); else None."""
    raw = os.environ.get("VERVE_BENCH")
    return json.loads(raw) if raw else None


def _page(spec: PageSpec, *, default: bool = False) -> st.Page:
    return st.Page(
        spec.path,
        title=t(spec.title_key),
        icon=spec.icon,
        url_path=spec.url_path,
        default=default,
        visibility="hidden" if spec.hidden else "visible",
    )


def _login_needed(spec: PageSpec) -> st.Page:
    def ask_to_log_in() -> None:
        from urllib.parse import urlencode

        from dashboard.i18n import lang

        expired = st.session_state.pop("session_expired", False)
        st.title(t("login.title"), anchor=False)
        st.info(t("login.session_expired") if expired else t("login.login_needed"))
        asked = f"/{spec.url_path}"
        query = {k: v for k, v in st.query_params.to_dict().items()}
        if query:
            asked += "?" + urlencode(query)
        form = "/auth/login?" + urlencode({"next": asked, "lang": lang()})
        st.link_button(t("login.go_to_login"), form, type="primary", icon=":material/login:")

    return st.Page(
        ask_to_log_in,
        title=t(spec.title_key),
        icon=spec.icon,
        url_path=spec.url_path,
        visibility="hidden",
    )


def staff_pages_for(actor: Actor) -> list[PageSpec]:
    return [
        spec for spec in STAFF_PAGES if spec.permission is None or allowed(actor, spec.permission)
    ]


def build(actor: Actor | None, *, first_run: bool) -> st.navigation:
    """The navigation for this visitor: first-run set-up, the public pages, or the
    staff pages their role allows (the public pages stay reachable for staff too).

    Streamlit's own menu is never shown (`position="hidden"`): `menu()` draws ours, so
    the sidebar never flashes the file names of dashboard/pages/ while a run starts.
    """
    if first_run:
        return st.navigation([_page(FIRST_RUN_PAGE, default=True)], position="hidden")
    bench = [_page(BASELINE_PAGE)] if _bench() is not None else []
    if actor is None:
        pages = [_page(spec, default=i == 0) for i, spec in enumerate(PUBLIC_PAGES)]
        # A staff page's address (a deep link, a tab whose session ended) asks for a login
        # instead of Streamlit's "page not found".
        pages += [_login_needed(spec) for spec in STAFF_PAGES]
        return st.navigation(pages + bench, position="hidden")
    staff = [_page(spec, default=i == 0) for i, spec in enumerate(staff_pages_for(actor))]
    # The public pages stay reachable so staff can open links to them; the login page
    # is among them and sends a logged-in visitor on to their start page.
    public = [_page(spec) for spec in PUBLIC_PAGES]
    return st.navigation(staff + public + bench, position="hidden")


def menu(actor: Actor) -> None:
    """The staff menu in the sidebar: the pages the role allows, grouped by section."""
    sections: dict[str, list[PageSpec]] = {}
    for spec in staff_pages_for(actor):
        if not spec.hidden:
            sections.setdefault(spec.section_key, []).append(spec)
    for section_key, specs in sections.items():
        st.sidebar.subheader(t(section_key), anchor=False)
        for spec in specs:
            st.sidebar.page_link(spec.path, label=t(spec.title_key), icon=spec.icon)
    bench = _bench()
    if bench is not None:
        # The bench reaches every page by a click, as people do: detail pages with an id.
        st.sidebar.subheader(t("nav.section_bench"), anchor=False)
        for spec in staff_pages_for(actor):
            if spec.hidden and spec.url_path in bench:
                st.sidebar.page_link(
                    spec.path,
                    label=t(spec.title_key),
                    icon=spec.icon,
                    query_params={"id": str(bench[spec.url_path])},
                )
        page = BASELINE_PAGE
        st.sidebar.page_link(page.path, label=t(page.title_key), icon=page.icon)

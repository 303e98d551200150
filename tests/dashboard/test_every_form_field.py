"""Every form field of every page takes NUL, a lone zero-width space, U+202E, 10,000
characters and a valid value without an exception: a clear message or the cleaned
value. The list is generated: every page in dashboard/navigation.py (detail pages with
a real id, My page with a real link) as the role that can use it, every text widget on
it, every form's submit button. What the database keeps is checked on both databases by
tests/integration/test_every_text_field.py."""

from datetime import date

import pytest

from dashboard.navigation import PUBLIC_PAGES, STAFF_PAGES
from db.models import Applicant, ServiceUser
from recruitment.core.access import allowed
from recruitment.journey.applicants import _ensure_token

PAYLOADS = {
    "nul": "ab\x00cd",
    "zero_width_alone": "\u200b",
    "bidi_override": "Kari\u202eexe.txt",
    "ten_thousand": "x" * 10_000,
    "valid": "Åse Ødegård",
}
ID_PAGES = {"applicant": "applicant", "meeting": "meeting", "service-user": "service_user"}
SKIP = {"login", "setup"}  # logging in has its own tests (tests/dashboard/test_security_pages)


def _pages():
    for spec in PUBLIC_PAGES:
        if spec.url_path not in SKIP:
            yield None, spec
    for spec in STAFF_PAGES:
        yield (
            "admin"
            if spec.permission
            and spec.permission.startswith(("staff", "settings", "audit", "retention", "data"))
            else "coordinator",
            spec,
        )


PAGES = list(_pages())


@pytest.fixture
def seeded(session_factory, make_applicant, make_meeting, coordinator):
    applicant_id = make_applicant(coordinator_id=coordinator.id)
    meeting_id = make_meeting()
    with session_factory.begin() as s:
        token = _ensure_token(s, s.get(Applicant, applicant_id))
        user = ServiceUser(age_group="adult", waiting_since=date.today(), case_ref="SU-1")
        s.add(user)
        s.flush()
        return {
            "applicant": str(applicant_id),
            "meeting": str(meeting_id),
            "service_user": str(user.id),
            "token": token,
        }


def _fill(at, text: str) -> None:
    for widget in [*at.text_input, *at.text_area]:
        limit = getattr(widget, "max_chars", None) or None
        widget.set_value(text[:limit] if limit else text)


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize(("role", "spec"), PAGES, ids=[s.url_path for _, s in PAGES])
def test_every_form_on_the_page_takes_the_payload_without_an_exception(
    app, seeded, coordinator, admin, role, spec, payload
):
    from tests.dashboard.conftest import page_route

    actor = {"coordinator": coordinator, "admin": admin, None: None}[role]
    if actor is not None and spec.permission and not allowed(actor, spec.permission):
        pytest.skip(f"{role} cannot use {spec.url_path}")

    def fresh():
        # In bokmål, the default: AppTest formats some choices outside the script run,
        # where only the default language is known.
        at = app(actor, lang="nb")
        if spec.url_path in ID_PAGES:
            at.query_params["id"] = seeded[ID_PAGES[spec.url_path]]
        if spec.url_path == "my-page":
            at.query_params["token"] = seeded["token"]
        at.run()
        at.switch_page(page_route(spec.path)).run()
        assert not at.exception, at.exception
        return at

    at = fresh()
    submits = [b.key for b in at.button if str(b.key).startswith("FormSubmitter:")]
    for n, key in enumerate(submits):
        # The page as just opened serves the first form; each other form gets its own.
        at = at if n == 0 else fresh()
        _fill(at, PAYLOADS[payload])
        at.button(key=key).click().run()
        assert not at.exception, f"{spec.url_path} {key}: {at.exception[0].stack_trace}"

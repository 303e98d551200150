"""The page action helper (dashboard/action.py) on a small page of its own: one form whose
action writes an audit line and then succeeds, is refused, or hits a bug, as the test
chooses; on a real temporary database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import AuditEvent
from recruitment.core.i18n import t

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def action_page() -> None:
    """The page under test. `outcome` in the session says how the action ends."""
    import time

    import streamlit as st

    from dashboard.action import run_action, show_flash
    from db.models import AuditEvent
    from recruitment.core.errors import NotFound, ValidationFailed

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    show_flash()

    @st.cache_data
    def cached_at() -> int:
        return time.monotonic_ns()

    st.text(f"cached {cached_at()}")

    def write(session) -> int:
        session.add(AuditEvent(actor_name="tester", action="test.action"))
        session.flush()  # in the database, inside the transaction
        outcome = st.session_state["outcome"]
        if outcome == "refused":
            raise NotFound("no such thing")
        if outcome == "invalid":
            raise ValidationFailed({"body": "validation.too_long"}, max=10)
        if outcome == "bug":
            raise RuntimeError("a bug, not a refusal")
        return 7

    with st.form("action_form"):
        st.text_input("Body", key="body")
        submitted = st.form_submit_button("Save")
    if submitted:
        try:
            run_action(
                write,
                success=lambda n: f"Saved {n}.",
                field_labels={"body": "casework.field_body"},
                errors_key=st.session_state.get("errors_key"),
                reset=st.session_state.get("reset"),
                clear_caches=st.session_state.get("clear_caches", True),
                rerun=st.session_state.get("rerun", True),
            )
        except RuntimeError as error:
            # Noted on its way out: the app's config redacts error details on the page.
            st.session_state["escaped"] = str(error)
            raise


@pytest.fixture
def page(app_database):
    def open_page(outcome: str, **options) -> AppTest:
        at = AppTest.from_function(action_page, default_timeout=30)
        at.query_params["lang"] = "en"
        at.session_state["outcome"] = outcome
        for name, value in options.items():
            at.session_state[name] = value
        at.run()
        assert not at.exception, at.exception
        at.text_input(key="body").input("what the user typed")
        return at

    return open_page


def save(at: AppTest) -> AppTest:
    return at.button(key="FormSubmitter:action_form-Save").click().run()


def saved_lines(session_factory) -> int:
    # A short read of its own: SQLite takes the write lock at BEGIN, so none is left open.
    with session_factory() as session:
        return session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "test.action")
        )


def cached_value(at: AppTest) -> str:
    return next(element.value for element in at.text if element.value.startswith("cached "))


def test_a_refused_action_saves_nothing_says_why_in_the_users_language_and_keeps_the_input(
    page, session_factory
):
    at = save(page("refused"))
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [t("errors.not_found", "en")]
    assert not at.success
    assert saved_lines(session_factory) == 0
    assert at.text_input(key="body").value == "what the user typed"


def test_bad_input_names_the_field_with_its_message_and_saves_nothing(page, session_factory):
    at = save(page("invalid"))
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "Text: " + t("validation.too_long", "en", max=10)  # the limit comes from the error
    ]
    assert saved_lines(session_factory) == 0
    assert at.text_input(key="body").value == "what the user typed"


def test_with_an_errors_key_bad_input_is_kept_for_the_form_and_not_shown_here(
    page, session_factory
):
    at = save(page("invalid", errors_key="my_errors"))
    assert not at.exception, at.exception
    assert at.session_state["my_errors"] == {"body": "validation.too_long"}
    assert not at.error
    assert saved_lines(session_factory) == 0

    at.session_state["outcome"] = "ok"
    save(at)
    assert "my_errors" not in at.session_state, "a success forgets the old messages"


def test_a_success_saves_reruns_and_shows_the_message_once(page, session_factory):
    at = page("ok")
    runs = at.session_state["runs"]
    save(at)
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Saved 7."]
    assert at.session_state["runs"] == runs + 2, "the click's run, then the rerun"
    assert saved_lines(session_factory) == 1

    at.run()
    assert not at.success, "shown once"


def test_without_rerun_the_message_is_shown_at_once_and_not_kept(page, session_factory):
    at = page("ok", rerun=False)
    runs = at.session_state["runs"]
    save(at)
    assert not at.exception, at.exception
    assert at.session_state["runs"] == runs + 1
    assert [s.value for s in at.success] == ["Saved 7."]
    assert saved_lines(session_factory) == 1

    at.run()
    assert not at.success


def test_an_unexpected_exception_propagates_and_saves_nothing(page, session_factory):
    at = save(page("bug"))
    assert at.exception
    assert at.session_state["escaped"] == "a bug, not a refusal"
    assert not at.error and not at.success
    assert saved_lines(session_factory) == 0


def test_a_success_clears_the_cached_reads_unless_told_not_to(page, session_factory):
    at = page("ok")
    before = cached_value(at)
    save(at)
    assert cached_value(at) != before

    at = page("ok", clear_caches=False)
    before = cached_value(at)
    save(at)
    assert cached_value(at) == before


def test_reset_gives_the_form_fresh_values_after_a_success_only(page, session_factory):
    at = save(page("refused", reset={"body": ""}))
    assert at.text_input(key="body").value == "what the user typed"
    at.session_state["outcome"] = "ok"
    save(at)
    assert at.text_input(key="body").value == ""


def test_every_page_that_keeps_a_message_for_its_rerun_shows_it():
    # A kept message that its page never shows would pop up on some later page instead.
    from dashboard.navigation import FIRST_RUN_PAGE, PUBLIC_PAGES, STAFF_PAGES

    pages = {spec.path for spec in (*PUBLIC_PAGES, FIRST_RUN_PAGE, *STAFF_PAGES)}
    keeping = [
        path
        for path in sorted(pages)
        if re.search(
            r"\bsuccess=|\bflash\(|\breset=", (DASHBOARD / path).read_text(encoding="utf-8")
        )
    ]
    assert len(keeping) > 10, keeping
    missing = [
        path for path in keeping if "show_flash()" not in (DASHBOARD / path).read_text("utf-8")
    ]
    assert not missing, missing

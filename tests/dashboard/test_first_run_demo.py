"""First run with demo data: the old error goes, the start page says what was created,
and the demo's staff can log in with the documented password (issue 15, defect 12)."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Applicant, StaffUser
from recruitment.accounts.staff import authenticate
from recruitment.demo.people import DEMO_PASSWORD


def _texts(at) -> str:
    return " ".join(
        [m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
    )


def _screen_so_far():
    """What the page has drawn so far in the run under way: called from inside the
    script (while the demo data is written), it reads the deltas sent to the browser."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.testing.v1.element_tree import parse_tree_from_messages

    runner = get_script_run_ctx()._enqueue.__self__
    return parse_tree_from_messages(runner.forward_msgs())


def test_the_first_run_with_demo_data_says_what_was_created_and_how_to_log_in(
    app, session_factory, monkeypatch
):
    """While the demo data loads the screen shows its progress alone: no old error, no
    form to submit twice; afterwards the start page says what was created."""
    import recruitment.demo.service as demo_service

    real_generate = demo_service.generate
    during: list = []

    def watched_generate(*args, **kwargs):
        during.append(_screen_so_far())  # the real generation runs; this only looks
        return real_generate(*args, **kwargs)

    monkeypatch.setattr(demo_service, "generate", watched_generate)
    at = app(lang="en", timeout=180).run()
    at.text_input(key="first_run_username").input("ada")
    at.text_input(key="first_run_password").input("short")
    at.text_input(key="first_run_repeat").input("short")
    at.button[0].click().run()
    assert at.error  # the refused password

    at.text_input(key="first_run_full_name").input("Ada Admin")
    at.text_input(key="first_run_password").input("correct horse battery")
    at.text_input(key="first_run_repeat").input("correct horse battery")
    at.text_input(key="first_run_public_address").input("https://verve.example.no")
    at.toggle(key="first_run_demo").set_value(True)
    at.button[0].click().run()

    assert not at.exception, at.exception
    [screen] = during
    assert not screen.error, [e.value for e in screen.error]  # the old message is gone
    assert not screen.text_input and not screen.button  # no form to submit again
    assert "Creating demo data: 2000 applicants" in " ".join(i.value for i in screen.info)
    assert not at.error
    shown = _texts(at)
    assert "Demo data added: 2000 applicants" in shown
    assert DEMO_PASSWORD in shown
    with session_factory() as s:
        assert len(s.scalars(select(Applicant.id)).all()) == 2000
        demo_coordinator = s.scalar(
            select(StaffUser.username).where(StaffUser.role == "coordinator").limit(1)
        )
    with session_factory.begin() as s:
        actor = authenticate(session=s, username=demo_coordinator, password=DEMO_PASSWORD)
    assert actor is not None and actor.role == "coordinator"

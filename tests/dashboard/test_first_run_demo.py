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


def test_the_first_run_with_demo_data_says_what_was_created_and_how_to_log_in(app, session_factory):
    at = app(lang="en", timeout=180).run()
    at.text_input(key="first_run_username").input("ada")
    at.text_input(key="first_run_password").input("short")
    at.text_input(key="first_run_repeat").input("short")
    at.button[0].click().run()
    assert at.error  # the refused password

    at.text_input(key="first_run_full_name").input("Ada Admin")
    at.text_input(key="first_run_password").input("correct horse battery")
    at.text_input(key="first_run_repeat").input("correct horse battery")
    at.toggle(key="first_run_demo").set_value(True)
    at.button[0].click().run()

    assert not at.exception, at.exception
    assert not at.error  # the old message is gone
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

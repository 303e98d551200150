from sqlalchemy import select

from db.models import Setting, StaffUser
from recruitment.accounts.staff import actor_for, hash_password


def _texts(at) -> str:
    return " ".join(
        [m.value for m in at.markdown]
        + [e.value for e in at.error]
        + [t.value for t in at.title]
        + [i.value for i in at.info]
    )


def test_an_empty_database_asks_for_the_first_administrator(app, session):
    at = app(lang="en").run()
    assert not at.exception
    assert at.title[0].value == "Welcome to Verve"

    at.text_input(key="first_run_full_name").input("Ada Admin")
    at.text_input(key="first_run_username").input("ada")
    at.text_input(key="first_run_password").input("correct horse battery")
    at.text_input(key="first_run_repeat").input("correct horse battery")
    at.text_input(key="first_run_public_address").input("https://verve.kommune.no/")
    at.button[0].click().run()

    assert not at.exception
    user = session.scalar(select(StaffUser))
    assert (user.username, user.role) == ("ada", "admin")
    assert user.password_hash.startswith("$argon2")
    assert session.get(Setting, "public_base_url").value == "https://verve.kommune.no"
    # Logged in at once: a database session kept by this browser session.
    assert at.session_state["staff_session"]
    assert "Log out" in [b.label for b in at.sidebar.button]


def test_the_first_run_form_refuses_a_short_password_and_saves_nothing(app, session):
    at = app(lang="en").run()
    at.text_input(key="first_run_username").input("ada")
    at.text_input(key="first_run_password").input("short")
    at.text_input(key="first_run_repeat").input("short")
    at.button[0].click().run()

    assert not at.exception
    assert "at least 12 characters" in _texts(at)
    assert session.scalar(select(StaffUser)) is None


def test_the_first_run_form_refuses_an_address_applicants_could_not_open(app, session):
    at = app(lang="en").run()
    at.text_input(key="first_run_username").input("ada")
    at.text_input(key="first_run_password").input("correct horse battery")
    at.text_input(key="first_run_repeat").input("correct horse battery")
    at.text_input(key="first_run_public_address").input("verve.kommune.no")
    at.button[0].click().run()
    assert not at.exception
    assert "Enter a full address starting with https://" in _texts(at)
    assert session.scalar(select(StaffUser)) is None


def _with_account(session, username="kari", password="a long enough password", role="coordinator"):
    session.add(
        StaffUser(
            username=username, role=role, full_name="Kari K", password_hash=hash_password(password)
        )
    )
    session.commit()


def test_a_visitor_sees_the_public_sign_up_page_at_the_root(app, session):
    _with_account(session)
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Bli støttekontakt"


def test_english_is_chosen_by_the_url(app, session):
    _with_account(session)
    at = app(lang="en").run()
    assert at.title[0].value == "Become a support contact"


def test_the_language_switch_still_changes_the_language_the_run_remembers(app, session):
    """The language is read once per run (dashboard/i18n.py): switching in the sidebar
    must start a run in the new language, and the next run must not keep the old one."""
    from tests.dashboard.conftest import logged_in

    _with_account(session)
    actor = actor_for(session.scalars(select(StaffUser)).one())
    session.rollback()  # no read transaction left open on the SQLite file
    at = logged_in(app(), actor).run()
    assert not at.exception
    norwegian = at.title[0].value
    at.selectbox(key="language_switch").set_value("en").run()
    assert not at.exception
    english = at.title[0].value
    assert english != norwegian
    at.run()
    assert at.title[0].value == english
    at.selectbox(key="language_switch").set_value("nb").run()
    assert at.title[0].value == norwegian

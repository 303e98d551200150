"""The security pages through Streamlit's AppTest: session expiry, lock-out on the
login page, pages refused by URL, and the admin pages doing their one job."""

import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.navigation import STAFF_PAGES
from db.models import AuditEvent, Setting, StaffSession, StaffUser, utcnow
from recruitment.accounts.staff import hash_password
from recruitment.core.access import allowed

from .conftest import logged_in, page_path, page_route

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


def _texts(at) -> str:
    return " ".join(
        [m.value for m in at.markdown]
        + [e.value for e in at.error]
        + [i.value for i in at.info]
        + [s.value for s in at.success]
        + [t.value for t in at.title]
    )


def _page(name, actor, *, lang="en"):
    at = AppTest.from_file(page_path(name), default_timeout=30)
    at.query_params["lang"] = lang
    if actor is not None:
        logged_in(at, actor)
    return at


def test_the_streamlit_config_ships_in_the_package_with_xsrf_on_and_cross_origin_access_off():
    # Beside dashboard/app.py: Streamlit reads it wherever the app is started from.
    config = tomllib.loads(
        (ROOT / "dashboard" / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    )
    assert config["server"]["enableXsrfProtection"] is True
    # In Streamlit enableCORS=true is the restrictive value: CORS protection on, so no
    # other origin may call the app (false would open it, and disable XSRF with it).
    assert config["server"]["enableCORS"] is True
    assert config["client"]["showErrorDetails"] in {"none", False}
    assert config["browser"]["gatherUsageStats"] is False


def _last_seen(session, minutes_ago: float) -> None:
    row = session.scalars(select(StaffSession)).one()
    row.last_seen_at = utcnow() - timedelta(minutes=minutes_ago)
    session.commit()


def test_a_session_without_activity_for_longer_than_the_timeout_is_logged_out(
    app, coordinator, session
):
    at = app(coordinator, lang="en")
    _last_seen(session, 31)
    at.run()
    assert not at.exception
    assert "staff_session" not in at.session_state
    assert at.session_state["session_expired"] is True
    # The visitor is back on the public side.
    assert at.title[0].value == "Become a support contact"
    session.expire_all()
    assert session.scalars(select(StaffSession.revoked_at)).one() is not None


def test_a_session_within_the_timeout_stays_and_is_renewed(app, coordinator, session):
    at = app(coordinator, lang="en")
    _last_seen(session, 29)
    at.run()
    assert not at.exception
    assert "Log out" in [b.label for b in at.sidebar.button]
    session.expire_all()
    seen = session.scalars(select(StaffSession.last_seen_at)).one()
    assert utcnow() - seen < timedelta(minutes=1)


def test_a_deactivated_account_loses_its_open_session_at_once(app, coordinator, session):
    at = app(coordinator, lang="en").run()
    assert "Log out" in [b.label for b in at.sidebar.button]
    session.get(StaffUser, coordinator.id).active = False
    session.commit()
    at.run()
    assert "staff_session" not in at.session_state
    assert "Log out" not in [b.label for b in at.sidebar.button]


def test_logging_out_ends_the_session_in_the_database(app, coordinator, session):
    at = app(coordinator, lang="en").run()
    token = at.session_state["staff_session"]
    at.sidebar.button(key="log_out").click().run()
    assert not at.exception
    session.expire_all()
    assert session.scalars(select(StaffSession.revoked_at)).one() is not None
    session.rollback()  # SQLite: let the app write again
    # The same id, used again (another tab), no longer logs anyone in.
    again = app(lang="en")
    again.session_state["staff_session"] = token
    again.run()
    assert "Log out" not in [b.label for b in again.sidebar.button]


def _account(session, username="kari", role="coordinator"):
    session.add(
        StaffUser(
            username=username, role=role, full_name="Kari K", password_hash=hash_password(PASSWORD)
        )
    )
    session.commit()


def test_the_login_page_leads_to_the_login_form_with_the_way_back(app, session):
    _account(session)
    at = app(lang="en")
    at.query_params["next"] = "/applicant?id=7"
    at.run()
    at.switch_page("accounts/login.py").run()
    assert not at.exception
    (button,) = [b for b in at.get("link_button") if b.proto.label == "Go to login"]
    assert button.proto.url == "/auth/login?next=%2Fapplicant%3Fid%3D7&lang=en"


def test_the_login_page_offers_no_single_sign_on_when_none_is_configured(app, session):
    _account(session)
    at = app(lang="en").run()
    at.switch_page("accounts/login.py").run()
    assert not [b for b in at.button if "Log in with" in str(b.label)]


GUARDED = [
    spec for spec in STAFF_PAGES if spec.permission and (ROOT / "dashboard" / spec.path).exists()
]


@pytest.mark.parametrize("spec", GUARDED, ids=lambda spec: spec.url_path)
def test_every_guarded_page_refuses_roles_without_its_permission_even_opened_directly(
    spec, app_database, make_staff
):
    for role in ("admin", "coordinator", "manager"):
        actor = make_staff(role)
        if allowed(actor, spec.permission):
            # Through the router, as a user reaches it (its links need the navigation).
            at = logged_in(
                AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=30), actor
            )
            at.query_params["lang"] = "en"
            at.run()
            at.switch_page(spec.path).run()
        else:
            # Opened as a file, bypassing navigation: the page itself must refuse.
            at = _page(Path(spec.path).name, actor).run()
        assert not at.exception, (spec.path, role, at.exception)
        refused = "You do not have access to this page." in [e.value for e in at.error]
        assert refused == (not allowed(actor, spec.permission)), (spec.path, role)


@pytest.mark.parametrize("spec", GUARDED, ids=lambda spec: spec.url_path)
def test_every_guarded_page_asks_a_visitor_to_log_in(spec, app_database):
    at = _page(Path(spec.path).name, None).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "You need to log in to see this page."
    ] or "log in" in _texts(at).lower()


def test_a_manager_cannot_reach_an_applicants_personal_page(app, manager, make_applicant):
    # Through the router: the page is not in a manager's navigation, so its URL falls
    # back to the start page; and opened as a file, the page itself refuses.
    applicant = make_applicant(first_name="Ingrid", last_name="Hemmelig")
    at = app(manager, lang="en")
    at.query_params["id"] = str(applicant)
    at.run()
    assert not at.exception
    assert all(
        spec.url_path != "applicant"
        for spec in __import__("dashboard.navigation", fromlist=["x"]).staff_pages_for(manager)
    )
    assert "Hemmelig" not in _texts(at)
    direct = _page("applicant.py", manager)
    direct.query_params["id"] = str(applicant)
    direct.session_state["applicant_id"] = applicant
    direct.run()
    assert "Hemmelig" not in _texts(direct)
    assert "You do not have access to this page." in [e.value for e in direct.error]
    # And the service behind it refuses too, however it is reached.
    assert not allowed(manager, "applicants.read")


def test_an_admin_adds_a_staff_member_and_it_is_audited(app_database, admin, session):
    at = _page("staff.py", admin).run()
    at.text_input(key="staff_new_username").input("nils")
    at.text_input(key="staff_new_full_name").input("Nils N")
    at.text_input(key="staff_new_password").input("a long secret phrase")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "The account has been created." in _texts(at)
    user = session.scalar(select(StaffUser).where(StaffUser.username == "nils"))
    assert user.role == "coordinator" and user.password_hash.startswith("$argon2")
    assert (
        session.scalar(select(AuditEvent.action).where(AuditEvent.target_id == user.id))
        == "staff.created"
    )


def test_the_staff_page_refuses_to_demote_the_last_admin(app_database, admin, session):
    at = _page("staff.py", admin).run()
    at.selectbox(key="staff_chosen").set_value(admin.id).run()
    at.selectbox(key="staff_role").set_value("manager")
    at.button[1].click().run()
    assert not at.exception, at.exception
    assert "at least one active administrator" in _texts(at)
    assert session.get(StaffUser, admin.id).role == "admin"


def test_settings_count_who_accepted_each_privacy_notice_as_the_language_writes(
    app, admin, session_factory
):
    from recruitment.demo.service import generate

    generate(session_factory, applicants=1200, seed=7)  # each accepts the notice in force
    for lang, count in (("nb", "1\xa0200"), ("en", "1,200")):
        at = app(admin, lang=lang).run()
        at.switch_page(page_route("settings")).run()
        assert not at.exception, at.exception
        (table,) = [frame.value for frame in at.dataframe]
        assert list(table.iloc[:, 2]) == [count]


def test_settings_are_saved_with_validation_and_audited(app_database, admin, session):
    at = _page("settings.py", admin).run()
    assert not at.exception, at.exception
    at.number_input(key="setting_lockout_threshold").set_value(1)
    at.button[0].click().run()
    assert "Choose a number from 3 to 100." in _texts(at)
    assert session.scalar(select(Setting)) is None
    session.rollback()  # end the read, so the page can take SQLite's write lock
    at.number_input(key="setting_lockout_threshold").set_value(5)
    at.number_input(key="setting_retention_months").set_value(18)
    at.button[0].click().run()
    assert not at.exception
    assert "Saved (2 settings changed)." in _texts(at)
    stored = dict(session.execute(select(Setting.key, Setting.value)).all())
    assert stored == {"lockout_threshold": 5, "retention_months": 18}
    assert (
        len(session.scalars(select(AuditEvent).where(AuditEvent.action == "setting.changed")).all())
        == 2
    )


def test_the_audit_page_shows_the_log_to_admins(app_database, admin, session):
    session.add(AuditEvent(actor_name="kari", action="login.failed", client="203.0.113.9"))
    session.commit()
    at = _page("audit.py", admin).run()
    assert not at.exception, at.exception
    assert "1 event (newest first)" in _texts(at)
    assert at.dataframe[0].value.iloc[0].tolist()[1:5] == [
        "login.failed",
        "kari",
        "",
        "203.0.113.9",
    ]


def test_the_retention_page_shows_nothing_due_on_a_fresh_database(app_database, admin):
    at = _page("retention.py", admin).run()
    assert not at.exception, at.exception
    assert "Nobody is due for anonymisation now." in _texts(at)


def test_the_retention_page_says_more_than_where_it_stopped_counting(
    app_database, admin, session_factory, make_applicant, monkeypatch
):
    """Thousands can be due in a register nobody has cleaned: the page counts up to
    COUNT_UP_TO, then says "more than", in the figures and the note above the table."""
    from datetime import UTC, datetime, timedelta

    from recruitment.accounts import retention
    from tests.stages import step_to

    long_ago = datetime.now(UTC) - timedelta(days=1000)
    for i in range(3):
        person = make_applicant(first_name=f"Gone{i}", signed_up_at=long_ago)
        with session_factory.begin() as s:
            step_to(
                session=s,
                applicant_id=person,
                to_stage="withdrawn",
                by_id=None,
                reason_code="no_time",
                at=long_ago + timedelta(days=1),
            )
    monkeypatch.setattr(retention, "COUNT_UP_TO", 1)
    at = _page("retention.py", admin).run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric] == ["More than 1", "0"]
    assert "takes all of them, more than 1 (the figures above)" in " ".join(
        c.value for c in at.caption
    )
    monkeypatch.setattr(retention, "COUNT_UP_TO", 1_000)
    at = _page("retention.py", admin).run()
    assert [m.value for m in at.metric] == ["3", "0"]


def test_the_account_page_changes_the_password(app_database, session):
    _account(session)
    from recruitment.accounts.staff import actor_for

    actor = actor_for(session.scalar(select(StaffUser)))
    session.rollback()
    at = _page("account.py", actor).run()
    at.text_input(key="account_current").input(PASSWORD)
    at.text_input(key="account_new").input("another long passphrase")
    at.text_input(key="account_repeat").input("another long passphrase")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Your password has been changed." in _texts(at)


@pytest.mark.parametrize("role", ["admin", "coordinator", "manager"])
def test_my_account_opens_through_the_app_for_every_role_and_changes_the_password(
    app, make_staff, session, role
):
    # Through the router, the sidebar draws its language switch too: the page must not
    # draw a second widget with the same key (it crashed for every staff member).
    actor = make_staff(role, username=f"own-{role}")
    with session.begin():
        session.get(StaffUser, actor.id).password_hash = hash_password(PASSWORD)
    at = app(actor, lang="en").run()
    at.switch_page("accounts/account.py").run()
    assert not at.exception, at.exception
    at.text_input(key="account_current").input(PASSWORD)
    at.text_input(key="account_new").input("another long passphrase")
    at.text_input(key="account_repeat").input("another long passphrase")
    at.button(key="FormSubmitter:change_password-Change password").click().run()
    assert not at.exception, at.exception
    assert "Your password has been changed." in _texts(at)
    session.expire_all()
    stored = session.get(StaffUser, actor.id).password_hash
    assert PasswordHasher().verify(stored, "another long passphrase")


def test_admins_are_warned_while_mail_is_on_and_links_point_to_localhost(app, admin, monkeypatch):
    monkeypatch.setenv("VERVE_SMTP_HOST", "smtp.example.no")
    at = app(admin, lang="en").run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert "Links in e-mails point to http://localhost:8501" in warnings
    monkeypatch.setenv("VERVE_PUBLIC_URL", "https://verve.kommune.no")
    at.run()
    assert not [w for w in at.sidebar.warning if "Links in e-mails" in w.value]

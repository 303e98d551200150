"""Accounts: log-in with lock-out per account and delay per client, password changes,
and the admin's changes to staff, all audited."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from db.models import AuditEvent, StaffUser
from recruitment.accounts.audit import AuditFilters, audit_events
from recruitment.accounts.office_settings import change_setting
from recruitment.accounts.staff import (
    LastAdmin,
    add_staff_user,
    attempt_login,
    authenticate,
    change_own_password,
    change_role,
    check_password_policy,
    reset_password,
    set_active,
    sso_login,
    unlock,
)
from recruitment.core.errors import PermissionDenied, ValidationFailed

PASSWORD = "a long enough password"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def kari(session_factory, admin):
    with session_factory.begin() as s:
        user = add_staff_user(
            session=s,
            actor=admin,
            username="kari",
            role="coordinator",
            password=PASSWORD,
            full_name="Kari K",
            email="kari@kommune.no",
        )
        return user.id


def _login(session_factory, password, *, at, username="kari", client=None):
    with session_factory.begin() as s:
        return attempt_login(session=s, username=username, password=password, client=client, now=at)


def _actions(session, **where):
    return [
        row.action
        for row in session.scalars(select(AuditEvent).filter_by(**where).order_by(AuditEvent.id))
    ]


def test_twenty_wrong_passwords_lock_the_account_for_the_configured_time_and_are_all_audited(
    session_factory, session, admin, kari
):
    with session_factory.begin() as s:
        change_setting(session=s, actor=admin, key="lockout_threshold", value=10)
        change_setting(session=s, actor=admin, key="lockout_minutes", value=15)

    outcomes = [
        _login(session_factory, f"wrong guess {i}", at=T0 + timedelta(seconds=i)) for i in range(20)
    ]

    assert all(o.actor is None for o in outcomes)
    assert [o.locked_until is not None for o in outcomes] == [False] * 9 + [True] * 11
    lock = outcomes[9].locked_until
    assert lock == T0 + timedelta(seconds=9) + timedelta(minutes=15)

    # While locked even the right password is refused, and its check is not even run.
    refused = _login(session_factory, PASSWORD, at=lock - timedelta(seconds=1))
    assert (refused.actor, refused.locked_until) == (None, lock)
    # Once the lock has run out, the right password works again.
    assert (
        _login(session_factory, PASSWORD, at=lock + timedelta(seconds=1)).actor.username == "kari"
    )

    assert _actions(session, target_id=kari, target_type="staff_user")[-22:] == (
        ["login.failed"] * 10 + ["login.locked"] * 11 + ["login"]
    )
    shown = audit_events(
        session=session, actor=admin, filters=AuditFilters(actor_name="kari", limit=100)
    )
    assert sum(row["action"] == "login.failed" for row in shown) == 10
    assert sum(row["action"] == "login.locked" for row in shown) == 11


def test_a_success_before_the_threshold_resets_the_count(session_factory, kari):
    for i in range(9):
        _login(session_factory, "wrong", at=T0 + timedelta(seconds=i))
    assert _login(session_factory, PASSWORD, at=T0 + timedelta(seconds=10)).actor is not None
    for i in range(9):
        assert (
            _login(session_factory, "wrong", at=T0 + timedelta(seconds=20 + i)).locked_until is None
        )


def test_one_client_trying_many_usernames_is_slowed_down_more_and_more(session_factory, kari):
    client = "203.0.113.7"
    for i in range(10):
        outcome = _login(
            session_factory,
            "guess",
            username=f"nobody{i}",
            client=client,
            at=T0 + timedelta(seconds=i),
        )
        assert outcome.locked_until is None
    # The tenth failure makes the client wait 1 s; even a right password is refused meanwhile.
    refused = _login(
        session_factory, PASSWORD, client=client, at=T0 + timedelta(seconds=9, milliseconds=500)
    )
    assert refused.actor is None and refused.locked_until == T0 + timedelta(seconds=10)
    # After the wait one more failure doubles it.
    _login(
        session_factory, "guess", username="nobody", client=client, at=T0 + timedelta(seconds=11)
    )
    assert _login(
        session_factory, PASSWORD, client=client, at=T0 + timedelta(seconds=12)
    ).locked_until == T0 + timedelta(seconds=13)
    # Another client is not affected, and the first is let in once the wait is over.
    assert (
        _login(
            session_factory, PASSWORD, client="198.51.100.1", at=T0 + timedelta(seconds=12)
        ).actor
        is not None
    )
    assert (
        _login(session_factory, PASSWORD, client=client, at=T0 + timedelta(seconds=14)).actor
        is not None
    )


def test_an_unknown_username_and_a_deactivated_account_get_nothing_and_are_recorded(
    session_factory, session, admin, kari
):
    assert _login(session_factory, PASSWORD, username="nobody", at=T0).actor is None
    with session_factory.begin() as s:
        set_active(session=s, actor=admin, user_id=kari, active=False)
    assert _login(session_factory, PASSWORD, at=T0).actor is None
    assert _actions(session, action="login.failed") == ["login.failed", "login.failed"]


def test_authenticate_still_returns_the_actor_or_none(session_factory, kari):
    with session_factory.begin() as s:
        assert authenticate(session=s, username="KARI ", password=PASSWORD).username == "kari"
        assert authenticate(session=s, username="kari", password="nope") is None


@pytest.mark.parametrize(
    "password, message",
    [
        ("short", "validation.password_too_short"),
        ("111111111111111", "validation.password_too_simple"),
        ("abababababababab", "validation.password_too_simple"),
        ("passwordpassword", "validation.password_too_simple"),
        ("my name is kari, hello", "security.password_contains_username"),
    ],
)
def test_the_password_policy_refuses_weak_passwords(password, message):
    with pytest.raises(ValidationFailed) as error:
        check_password_policy(password, username="kari")
    assert error.value.fields == {"password": message}


def test_a_staff_member_changes_their_own_password_after_giving_the_current_one(
    session_factory, session, kari
):
    actor = _login(session_factory, PASSWORD, at=T0).actor
    with session_factory.begin() as s, pytest.raises(ValidationFailed) as error:
        change_own_password(
            session=s, actor=actor, current_password="not it", new_password="a brand new passphrase"
        )
    assert error.value.fields == {"current_password": "security.wrong_current_password"}
    with session_factory.begin() as s:
        change_own_password(
            session=s, actor=actor, current_password=PASSWORD, new_password="a brand new passphrase"
        )
    assert _login(session_factory, PASSWORD, at=T0).actor is None
    assert _login(session_factory, "a brand new passphrase", at=T0).actor is not None
    assert "password.changed" in _actions(session, target_id=kari)


def test_the_last_active_admin_can_neither_lose_the_role_nor_be_deactivated(
    session_factory, session, admin, make_staff
):
    with session_factory.begin() as s, pytest.raises(LastAdmin):
        change_role(session=s, actor=admin, user_id=admin.id, role="coordinator")
    with session_factory.begin() as s, pytest.raises(LastAdmin):
        set_active(session=s, actor=admin, user_id=admin.id, active=False)

    second = make_staff("admin")
    with session_factory.begin() as s:
        change_role(session=s, actor=admin, user_id=second.id, role="manager")
    with session_factory.begin() as s, pytest.raises(LastAdmin):
        set_active(session=s, actor=admin, user_id=admin.id, active=False)
    with session_factory.begin() as s:
        change_role(session=s, actor=admin, user_id=second.id, role="admin")
        set_active(session=s, actor=second, user_id=admin.id, active=False)

    assert session.get(StaffUser, admin.id).active is False
    details = [
        e.detail
        for e in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "staff.role_changed")
            .order_by(AuditEvent.id)
        )
    ]
    assert details == [{"from": "admin", "to": "manager"}, {"from": "manager", "to": "admin"}]
    assert _actions(session, action="staff.deactivated") == ["staff.deactivated"]


def test_only_admins_manage_staff(session_factory, coordinator, kari):
    with session_factory.begin() as s, pytest.raises(PermissionDenied):
        change_role(session=s, actor=coordinator, user_id=kari, role="admin")
    with session_factory.begin() as s, pytest.raises(PermissionDenied):
        add_staff_user(
            session=s, actor=coordinator, username="eve", role="admin", password=PASSWORD
        )


def test_an_admin_reset_or_unlock_lets_a_locked_person_in_again(session_factory, admin, kari):
    for _ in range(10):
        _login(session_factory, "wrong", at=T0)
    assert _login(session_factory, PASSWORD, at=T0).locked_until is not None
    with session_factory.begin() as s:
        unlock(session=s, actor=admin, user_id=kari)
    assert _login(session_factory, PASSWORD, at=T0).actor is not None
    for _ in range(10):
        _login(session_factory, "wrong", at=T0)
    with session_factory.begin() as s:
        reset_password(session=s, actor=admin, user_id=kari, new_password="fresh start password")
    assert _login(session_factory, "fresh start password", at=T0).actor is not None


def test_single_sign_on_maps_to_an_existing_active_account_by_email_then_by_subject(
    session_factory, session, kari
):
    with session_factory.begin() as s:
        first = sso_login(session=s, subject="sub-123", email="Kari@Kommune.no", provider="entra")
    assert first.actor.username == "kari"
    assert session.get(StaffUser, kari).oidc_subject == "sub-123"
    session.rollback()  # end the read, so the next write can take SQLite's lock
    with session_factory.begin() as s:
        assert sso_login(session=s, subject="sub-123", email=None).actor.username == "kari"
        # An identity with no account gets nothing: SSO does not create accounts.
        assert sso_login(session=s, subject="sub-999", email="stranger@example.com").actor is None


def test_the_database_refuses_to_change_or_delete_audit_rows(session_factory, kari):
    _login(session_factory, "wrong", at=T0)
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises((DBAPIError, IntegrityError)), session_factory.begin() as s:
            s.execute(text(statement))


def test_a_view_of_a_service_users_record_is_audited_for_those_who_may_see_it(
    session_factory, session, coordinator, manager
):
    from recruitment.accounts.audit import record_service_user_view

    with session_factory.begin() as s:
        record_service_user_view(session=s, actor=coordinator, service_user_id=7)
    with session_factory.begin() as s, pytest.raises(PermissionDenied):
        record_service_user_view(session=s, actor=manager, service_user_id=7)
    row = session.scalar(select(AuditEvent).where(AuditEvent.action == "service_user.viewed"))
    assert (row.actor_name, row.target_type, row.target_id) == (
        coordinator.username,
        "service_user",
        7,
    )


def test_coordinators_and_managers_cannot_read_or_change_the_settings_page_values(
    session_factory, coordinator, manager, admin
):
    from recruitment.accounts.office_settings import change_settings, settings_for_admin

    for actor in (coordinator, manager):
        with session_factory.begin() as s, pytest.raises(PermissionDenied):
            settings_for_admin(session=s, actor=actor)
        with session_factory.begin() as s, pytest.raises(PermissionDenied):
            change_settings(session=s, actor=actor, values={"retention_months": 1})
    with session_factory.begin() as s:
        assert settings_for_admin(session=s, actor=admin)["retention_months"] == 12

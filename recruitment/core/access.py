"""Who may do what. Every service that reads or writes personal data takes the acting
user and names the permissions it needs from PERMISSIONS in its `@requires(...)`, so
roles hold however a service is reached (page, URL, CLI), not only through what the
navigation shows."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from db.models import Role
from recruitment.core.errors import PermissionDenied

SYSTEM = "system"  # the CLI, the mail worker and scheduled jobs

ADMIN, COORDINATOR, MANAGER = Role.ADMIN.value, Role.COORDINATOR.value, Role.MANAGER.value
STAFF = frozenset({ADMIN, COORDINATOR, MANAGER})
CASEWORK = frozenset({ADMIN, COORDINATOR})

# The one table of what each role may do. Tests call every service as each role
# (and as nobody) and compare with this table.
PERMISSIONS: dict[str, frozenset[str]] = {
    # Full applicant records: profile, timeline, journal, checks.
    "applicants.read": CASEWORK,
    "applicants.write": CASEWORK,
    # Read-only lists with name, stage and dates (e.g. "stuck" applicants for managers).
    "applicants.list": STAFF,
    "meetings.read": STAFF,
    "meetings.write": CASEWORK,
    "service_users.read": CASEWORK,
    "service_users.write": CASEWORK,
    "placements.write": CASEWORK,
    "analytics.read": STAFF,
    "outbox.read": CASEWORK,
    "outbox.write": CASEWORK,
    "data.export": CASEWORK,
    "data.import": CASEWORK,
    "data.erase": frozenset({ADMIN}),
    "settings.read": STAFF,
    "settings.write": frozenset({ADMIN}),
    "staff.read": STAFF,
    "staff.manage": frozenset({ADMIN}),
    "audit.read": frozenset({ADMIN}),
    "retention.run": frozenset({ADMIN}),
    # One's own account: change one's password, see one's details.
    "account.own": STAFF,
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The person (or system process) on whose behalf a service runs."""

    id: int | None
    username: str
    role: str
    name: str = ""

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(id=None, username=name, role=SYSTEM, name=name)

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM


def allowed(actor: Actor | None, permission: str) -> bool:
    """Whether `actor` holds `permission`. The system actor holds every permission."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if actor is None:
        return False
    return actor.is_system or actor.role in PERMISSIONS[permission]


def require(actor: Actor | None, permission: str) -> Actor:
    """Raise PermissionDenied unless `actor` holds `permission`; return the actor."""
    if not allowed(actor, permission):
        raise PermissionDenied(
            f"{getattr(actor, 'username', 'anonymous')} may not {permission}", permission=permission
        )
    assert actor is not None
    return actor


F = TypeVar("F", bound=Callable[..., object])

#: Marks a service that takes `actor` but deliberately checks no permission (e.g. the
#: audit helper, which records whoever acted, logged in or not).
NO_PERMISSION = ""


def requires(*permissions: str) -> Callable[[F], F]:
    """Decorate a service `def verb(*, session, actor, ...)`: check each of `permissions`
    before the body runs, and record them on the function (`fn.permissions`) so the
    role-table test can call every service as every role and compare with PERMISSIONS.

    The decorator is the one place a service's permissions are named: a service that
    needs two says so here (`@requires("meetings.write", "applicants.write")`), and its
    body calls `allowed(...)` only for what depends on the data (e.g. showing names)."""
    if permissions == (NO_PERMISSION,):
        permissions = ()
    elif not permissions:
        raise TypeError("name the permission a service requires, or NO_PERMISSION")
    for permission in permissions:
        if permission not in PERMISSIONS:
            raise KeyError(f"unknown permission {permission!r}")

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def guarded(*args, **kwargs):
            for permission in permissions:
                require(kwargs.get("actor"), permission)
            return fn(*args, **kwargs)

        guarded.permissions = permissions  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


_TOKEN = "token-authorised self-service: the personal link is the authority"
_MAIL_WORKER = "the system's own job: the mail worker, run by `verve outbox` / `verve reminders`"
_SETTINGS = "read-only office settings, no personal data"
_LINKS = "a public page's address from the `public_base_url` setting; reads no personal data"

#: The public functions that take a session and may run without @requires, each with the
#: reason. Every other public function under `recruitment` that takes a session is a
#: service with @requires; a building block without an actor is private (a leading
#: underscore within its area, or an underscore module that pages and the command line
#: cannot import). tests/unit/test_service_surface.py holds the code to this list.
_CONFIRM = "a confirmation link mailed to the address's owner: the one-time code is the authority"

UNGUARDED: dict[str, str] = {
    # Public pages: no login, no actor.
    "journey.applicants.sign_up": "the public sign-up form (staff use register_caller)",
    "journey.booking.open_meetings": "the public sign-up form: meetings and seats left, no names",
    "journey.consent.consent_text": "the public privacy page: the notice, no personal data",
    "journey.consent.current_consent_version": (
        "the notice in force, no personal data: what a sign-up and the demo data accept"
    ),
    # Logging in: there is no actor yet; the credentials are the authority.
    "accounts.staff.has_staff": "before login: whether any account exists (else first run)",
    "accounts.staff.create_first_admin": "first run: refused once any account exists",
    "accounts.staff.attempt_login": "the login form: the password is the authority",
    "accounts.staff.authenticate": "logging in: the password is the authority",
    "accounts.staff.sso_login": "single sign-on: the identity provider's user is the authority",
    "accounts.staff.active_actor": "every page run: the signed-in account as it is now, or nobody",
    "accounts.staff_sessions.session_actor": (
        "every page run: the session id in the browser's cookie is the authority"
    ),
    # The applicant's personal link.
    "journey.self_service.my_page": _TOKEN,
    "journey.self_service.cancel_my_booking": _TOKEN,
    "journey.self_service.choose_my_meeting": _TOKEN,
    "journey.self_service.update_my_contact": _TOKEN,
    "journey.self_service.withdraw_me": _TOKEN,
    "journey.self_service.ics_for_registration": _TOKEN,
    "journey.self_service.evaluate_meeting": _TOKEN,
    "journey.self_service.change_to_confirm": _CONFIRM,
    "journey.self_service.confirm_change": _CONFIRM,
    "journey.self_service.request_link": (
        "the public 'send me my link' form: mails only the address's owner, answers the same"
    ),
    "journey.self_service.my_channels": _TOKEN,
    "journey.self_service.choose_my_channels": _TOKEN,
    # The system's own jobs.
    "messaging.outbox.send_due": _MAIL_WORKER,
    "messaging.outbox.work": _MAIL_WORKER,
    "messaging.outbox.queue_reminders_now": _MAIL_WORKER,
    "messaging.reminders.queue_due_reminders": _MAIL_WORKER,
    "messaging.opt_out.receive_sms_reply": "the SMS gateway's reply callback: the sender's "
    "number is the authority, and it can only stop messages to itself",
    "demo.service.generate": "demo data for an empty database: `verve demo` and first run",
    # Read-only helpers without personal data.
    "core.settings.get_setting": _SETTINGS,
    "core.settings.all_settings": _SETTINGS,
    "core.timefmt.office_zone": "the office's clock from the `time_zone` setting, no personal data",
    # Addresses of the public pages: a setting and what the caller passes in (the token
    # comes from a guarded service or the link itself); nothing is read about anyone.
    "core.links.public_url": _LINKS,
    "core.links.public_base_url": _LINKS,
    "core.links.signup_url": _LINKS,
    "core.links.self_service_url": _LINKS,
    # A read helper of guarded services: it fills the names into journal entries its
    # caller has already read under its own permission, and reads nothing else.
    "casework.journal.rendered_subjects": "names for entries a guarded read already holds",
}

"""Domain errors. Each carries a catalogue key so the UI can say what went wrong in the
user's language; `params` fill the placeholders of that message."""

from __future__ import annotations


class VerveError(Exception):
    """Base for every error the domain raises on purpose."""

    key = "errors.generic"

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        super().__init__(message or self.__class__.__name__)
        if key is not None:
            self.key = key
        self.params = params


class NotFound(VerveError):
    key = "errors.not_found"


class PermissionDenied(VerveError):
    key = "errors.permission_denied"


class InvalidStageTransition(VerveError):
    key = "errors.invalid_stage_transition"


class StageGated(InvalidStageTransition):
    """The move is allowed, but only through the service that makes it happen."""

    def __init__(self, message: str = "", *, gate: str, **params: object) -> None:
        super().__init__(message, key=f"errors.stage_gated_{gate}", **params)


class ReasonRequired(VerveError):
    key = "errors.reason_required"


class ValidationFailed(VerveError):
    """Bad input. `fields` maps a field name to the catalogue key of its message, so
    forms can show each message next to its field."""

    key = "errors.validation_failed"

    def __init__(self, fields: dict[str, str], message: str = "", **params: object) -> None:
        super().__init__(message or f"invalid: {', '.join(sorted(fields))}", **params)
        self.fields = fields


class MeetingFull(VerveError):
    key = "errors.meeting_full"


class MeetingUnavailable(VerveError):
    key = "errors.meeting_unavailable"


class AuthenticationFailed(VerveError):
    key = "errors.authentication_failed"


class AccountLocked(VerveError):
    key = "errors.account_locked"

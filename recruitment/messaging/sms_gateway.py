"""Handing text messages to an SMS gateway: the provider interface, its settings, and
one HTTP provider shaped on LINK Mobility's SMS REST API (`POST /sms/send`, JSON,
HTTP Basic), the gateway many Norwegian municipalities buy through their framework
agreements (see `docs/sms.md`).

A provider's `send` returns the gateway's message id, or raises `SmsSendError` saying
whether trying again could help; the outbox worker retries with back-off as for mail.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import tomllib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from recruitment.core.errors import VerveError
from recruitment.messaging.smtp import SECRETS_FILES

#: LINK Mobility's result code for a message accepted and queued.
ACCEPTED = 1005


class SmsSettingsIncomplete(VerveError):
    key = "mail.sms_settings_incomplete"


class SmsSendError(Exception):
    """The gateway did not take the message. `permanent`: the same request will fail again.
    `uncertain`: the request went out but no answer came back (a timeout, a dropped
    connection, an unreadable answer), so the gateway may have taken it after all."""

    def __init__(self, text: str, *, permanent: bool, uncertain: bool = False) -> None:
        super().__init__(text)
        self.permanent = permanent
        self.uncertain = uncertain


@dataclass(frozen=True, slots=True)
class OutgoingSms:
    """One text for the gateway. `reference` is the outbox row's stable id: the same on
    every attempt, so the gateway (and a test server) can tell a repeat from a new one."""

    to: str  # E.164
    text: str
    reference: str


class SmsProvider(Protocol):
    def send(self, message: OutgoingSms) -> str: ...


@dataclass(frozen=True)
class SmsSettings:
    """Where and as whom to send SMS. `sender`: an alphanumeric name (at most 11
    characters) or a number the gateway lets the office use."""

    url: str
    user: str
    password: str = field(repr=False)
    sender: str
    platform_id: str = "SMS"
    platform_partner_id: str = ""
    timeout: float = 20.0


SMS_ENV = {
    "url": "VERVE_SMS_URL",
    "user": "VERVE_SMS_USER",
    "password": "VERVE_SMS_PASSWORD",
    "sender": "VERVE_SMS_SENDER",
    "platform_id": "VERVE_SMS_PLATFORM_ID",
    "platform_partner_id": "VERVE_SMS_PLATFORM_PARTNER_ID",
    "timeout": "VERVE_SMS_TIMEOUT",
}


def sms_settings(
    environ: Mapping[str, str] | None = None, secrets_files: tuple[Path, ...] = SECRETS_FILES
) -> SmsSettings | None:
    """The gateway from VERVE_SMS_* (each wins) or `[sms]` in secrets.toml; None when no
    URL is set, which means: SMS stay queued."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for path in secrets_files:
        if path.is_file():
            with path.open("rb") as handle:
                values = dict(tomllib.load(handle).get("sms", {}))
            if values:
                break
    for name, variable in SMS_ENV.items():
        if environ.get(variable, "").strip():
            values[name] = environ[variable].strip()
    url = str(values.get("url") or "").strip()
    if not url:
        return None
    missing = [name for name in ("user", "password", "sender") if not values.get(name)]
    if missing:
        raise SmsSettingsIncomplete(f"SMS settings lack {', '.join(missing)}")
    sender = str(values["sender"])
    if not sender.lstrip("+").isdigit() and len(sender) > 11:
        raise SmsSettingsIncomplete("an alphanumeric SMS sender has at most 11 characters")
    return SmsSettings(
        url=url.rstrip("/"),
        user=str(values["user"]),
        password=str(values["password"]),
        sender=sender,
        platform_id=str(values.get("platform_id") or "SMS"),
        platform_partner_id=str(values.get("platform_partner_id") or ""),
        timeout=float(values.get("timeout") or 20),
    )


class LinkMobilityGateway:
    """LINK Mobility's SMS REST API: `POST {url}/sms/send` with HTTP Basic and a JSON
    body; the answer carries `messageId` and `resultCode` (1005: queued)."""

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings

    def payload(self, message: OutgoingSms) -> dict[str, Any]:
        sender = self.settings.sender
        return {
            "source": sender,
            "sourceTON": "MSISDN" if sender.lstrip("+").isdigit() else "ALPHANUMERIC",
            "destination": message.to,
            "destinationTON": "MSISDN",
            "userData": message.text,
            "platformId": self.settings.platform_id,
            "platformPartnerId": self.settings.platform_partner_id,
            "refId": message.reference,
            "useDeliveryReport": False,
        }

    def send(self, message: OutgoingSms) -> str:
        credentials = f"{self.settings.user}:{self.settings.password}".encode()
        request = urllib.request.Request(
            f"{self.settings.url}/sms/send",
            data=json.dumps(self.payload(message)).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": "Basic " + base64.b64encode(credentials).decode(),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            # 429 and 5xx are the gateway's trouble, for now; other 4xx are ours for good.
            detail = _describe(error.read())
            permanent = 400 <= error.code < 500 and error.code not in (408, 429)
            raise SmsSendError(f"HTTP {error.code}: {detail}", permanent=permanent) from error
        except urllib.error.URLError as error:
            # urllib raises this while connecting and sending the request: the gateway
            # never had the whole request, so it is safe to try again.
            raise SmsSendError(f"gateway unreachable: {error}", permanent=False) from error
        except (TimeoutError, OSError, http.client.HTTPException) as error:
            # While waiting for the answer: the request went out and may have been taken.
            raise SmsSendError(
                f"no answer from the gateway: {error!r}", permanent=False, uncertain=True
            ) from error
        try:
            answer = json.loads(body or b"{}")
        except ValueError as error:
            raise SmsSendError(
                "gateway answered with no JSON", permanent=False, uncertain=True
            ) from error
        code = answer.get("resultCode", ACCEPTED)
        if code != ACCEPTED:
            raise SmsSendError(
                f"result {code}: {answer.get('description', '')}".strip(), permanent=True
            )
        return str(answer.get("messageId", ""))


def _describe(body: bytes) -> str:
    try:
        answer = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")[:300]
    if isinstance(answer, dict):
        return f"{answer.get('resultCode', '')} {answer.get('description', '')}".strip()
    return str(answer)[:300]

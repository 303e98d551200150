"""Text messages: how long one is (GSM-7 or UCS-2 segments), their templates, and the
opt-out word. Pure functions, no database: the outbox queues and delivers SMS
(`_queue.queue_sms`, `outbox`), a gateway hands them over (`sms_gateway`).

A message in the GSM 03.38 alphabet, which has æ, ø and å, takes 7 bits a character:
160 fit one SMS, and a longer one is split into parts of 153 (the rest carries the
header that joins them). One character outside that alphabet (an emoji, a curly quote,
ö is inside but ő is not) makes the whole message UCS-2: 70 a part, 67 when split.
Every part is billed, so the templates aim at one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from recruitment.core.i18n import language, t
from recruitment.core.timefmt import format_datetime

# GSM 03.38 basic character set, and the extension table (each costs two septets).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

#: The SMS templates, by kind: catalogue keys `sms.<kind>`.
SMS_KINDS = (
    "booking_confirmation",
    "rebooked",
    "booking_cancelled",
    "waitlisted",
    "waitlist_moved_up",
    "meeting_reminder",
    "meeting_cancelled",
)

#: Words that, as the whole reply, stop further SMS (any case, any spacing).
OPT_OUT_WORDS = frozenset({"stopp", "stop", "avslutt", "unsubscribe"})


@dataclass(frozen=True, slots=True)
class SmsLength:
    """How a text will travel: its encoding, length in units, parts, and room left."""

    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int
    remaining: int  # units left before one more part is needed


def sms_length(text: str) -> SmsLength:
    """Count `text` as a phone would send it."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        encoding, units = "GSM-7", sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        single, multi = 160, 153
    else:
        encoding, units = "UCS-2", len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if units <= single:
        return SmsLength(encoding, units, 1 if units else 0, single, single - units)
    segments = -(-units // multi)
    return SmsLength(encoding, units, segments, multi, segments * multi - units)


def is_opt_out(text: str) -> bool:
    """Whether a reply is the opt-out word (on its own; "stopp" inside a sentence is not)."""
    return " ".join(str(text).split()).strip(" .!").casefold() in OPT_OUT_WORDS


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def sms_template(kind: str, lang: str) -> str:
    """The wording of SMS `kind` in `lang`: the office's file `<lang>/<kind>.sms` in the
    template folder (VERVE_TEMPLATE_DIR, as for mail) if there is one, else ours."""
    from recruitment.messaging.mail import template_source

    lang = language(lang)
    path = template_source(kind, lang, suffix="sms")
    if path is not None:
        return path.read_text(encoding="utf-8").strip()
    return t(f"sms.{kind}", lang)


def render_sms(
    kind: str, lang: str, context: dict[str, Any], *, template: str | None = None
) -> str:
    """The text of SMS `kind` in `lang`; values the caller did not give are left empty."""
    template = template if template is not None else sms_template(kind, lang)
    try:
        text = template.format_map(_Blank({k: v for k, v in context.items() if v is not None}))
    except (ValueError, IndexError, AttributeError):
        text = template
    return " ".join(text.split(" ")).strip()


SAMPLE_CONTEXT = {
    "first_name": "Kari",
    "where": "Helsehuset, Kirkegata 1",
    "office_name": "Støttekontakt",
    "office_phone": "69000000",
    "waitlist_position": 3,
}


def sample_sms_context(lang: str) -> dict[str, Any]:
    """Made-up values, the meeting time written as a real message writes it."""
    at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    return {**SAMPLE_CONTEXT, "meeting_when_short": format_datetime(at, language(lang))}


def preview_sms(kind: str, lang: str, template: str | None = None) -> str:
    """`kind` in `lang` with made-up values, for the template page; `template` is an
    edited text to try instead of the catalogue's."""
    return render_sms(kind, lang, sample_sms_context(lang), template=template)

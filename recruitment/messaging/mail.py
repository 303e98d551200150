"""The templates e-mail is written from. Queueing a message is
`recruitment.messaging._queue.queue_email`, a building block the services that cause a
message call: it is written to `outbox_message` in the same transaction as the change,
nothing is sent from a page run, and delivery is the outbox worker's job
(`recruitment.messaging.outbox`).

Templates are plain files the office can edit: `templates/<lang>/<kind>.txt`, whose
first line is the subject and the rest (after one empty line) the body, written in
Jinja2 (`{{ first_name }}`). An optional `templates/<lang>/<kind>.html` replaces the
generated HTML part for that kind. A folder named by VERVE_TEMPLATE_DIR, laid out the
same way, is searched first, so an office can keep its own wording outside the code.
A kind without a template file falls back to the catalogue keys
`mail.<kind>_subject` / `mail.<kind>_body`.

Messages are rendered when they are queued, so what a coordinator reads in the outbox
is exactly what will be sent.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, FileSystemLoader, TemplateError, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from recruitment.core.i18n import LANGUAGES, language, t
from recruitment.core.timefmt import format_time, format_value, format_when

log = logging.getLogger(__name__)

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE_DIR_ENV = "VERVE_TEMPLATE_DIR"

#: Every kind of message Verve sends, in the order the preview page lists them.
KINDS = (
    "booking_confirmation",
    "rebooked",
    "booking_cancelled",
    "waitlisted",
    "waitlist_moved_up",
    "meeting_reminder",
    "meeting_cancelled",
    "callback_requested",
    "evaluation_request",
    "confirm_sign_up",
    "confirm_email",
    "personal_link",
)

#: Kinds no person's own action directly caused (a schedule, or someone else's
#: cancellation). They carry `Auto-Submitted: auto-generated` (RFC 3834) so holiday
#: auto-replies are not sent back to the office. Answers to the applicant's own action
#: (confirmations) and messages a coordinator sent do not: they are personal replies.
AUTOMATIC_KINDS = frozenset({"meeting_reminder", "waitlist_moved_up", "evaluation_request"})

SUBJECT_MAX = 300


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    source: str  # the template file used, or "catalogue"


# --- templates --------------------------------------------------------------------


def template_dirs() -> list[Path]:
    """Where templates are looked up, first match wins: the office's folder, then ours."""
    dirs = []
    override = os.environ.get(TEMPLATE_DIR_ENV, "").strip()
    if override:
        dirs.append(Path(override).expanduser())
    dirs.append(BUILTIN_TEMPLATES)
    return dirs


_ENVIRONMENTS: dict[tuple[tuple[str, ...], bool], SandboxedEnvironment] = {}


def _environment(dirs: list[Path], *, html: bool) -> SandboxedEnvironment:
    # Sandboxed because the office edits these files; Jinja reloads a file when it
    # changes, so an edit shows at the next message without a restart.
    key = (tuple(str(d) for d in dirs), html)
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = SandboxedEnvironment(
            loader=FileSystemLoader([str(d) for d in dirs], encoding="utf-8"),
            autoescape=html,
            undefined=ChainableUndefined,  # a value a caller did not give shows as empty
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENVIRONMENTS[key]


def template_source(kind: str, lang: str, suffix: str = "txt") -> Path | None:
    """The file that `kind` in `lang` is rendered from, or None (catalogue fallback)."""
    for folder in template_dirs():
        path = folder / lang / f"{kind}.{suffix}"
        if path.is_file():
            return path
    return None


def render(kind: str, lang: str, context: dict[str, Any]) -> RenderedMail:
    """`kind` in `lang` with `context`: subject, plain text and the HTML part."""
    lang = language(lang)
    values = {key: _display(value, lang) for key, value in context.items()}
    for dirs in (template_dirs(), [BUILTIN_TEMPLATES]):
        try:
            return _render_files(dirs, kind, lang, values)
        except TemplateNotFound:
            continue
        except TemplateError:
            # A broken edit must not stop a booking: fall back to the shipped wording.
            log.exception("mail template %s/%s is broken; using the built-in one", lang, kind)
            continue
    subject = _format_lenient(t(f"mail.{kind}_subject", lang), values)
    text = _format_lenient(t(f"mail.{kind}_body", lang), values)
    return RenderedMail(
        subject[:SUBJECT_MAX], text, _html_from_text(subject, text, values, lang), "catalogue"
    )


def _render_files(dirs: list[Path], kind: str, lang: str, values: dict[str, Any]) -> RenderedMail:
    text_env = _environment(dirs, html=False)
    template = text_env.get_template(f"{lang}/{kind}.txt")
    rendered = template.render(values).strip("\n")
    first, _, rest = rendered.partition("\n")
    subject = " ".join(first.split())[:SUBJECT_MAX]
    text = rest.strip("\n") + "\n"
    html_env = _environment(dirs, html=True)
    try:
        html = html_env.get_template(f"{lang}/{kind}.html").render(values, subject=subject)
    except TemplateNotFound:
        html = _html_from_text(subject, text, values, lang, dirs=dirs)
    return RenderedMail(subject, text, html, template.filename or kind)


_URL = re.compile(r"^https?://[^\s<>\"']+$")


def _html_from_text(
    subject: str, text: str, values: dict[str, Any], lang: str, dirs: list[Path] | None = None
) -> str:
    """The HTML part made from the plain text: every character escaped, paragraphs kept,
    and only the links Verve itself put in (`*_url` values) made clickable."""
    urls = sorted(
        {
            str(v)
            for k, v in values.items()
            if k.endswith("_url") and isinstance(v, str) and _URL.match(v)
        },
        key=len,
        reverse=True,
    )
    pattern = re.compile("|".join(re.escape(u) for u in urls)) if urls else None

    def linked(line: str) -> Markup:
        if pattern is None:
            return escape(line)
        parts, pos = [], 0
        for match in pattern.finditer(line):
            parts.append(escape(line[pos : match.start()]))
            parts.append(Markup('<a href="{0}">{0}</a>').format(match.group()))
            pos = match.end()
        parts.append(escape(line[pos:]))
        return Markup("").join(parts)

    paragraphs = [
        [linked(line) for line in block.splitlines()]
        for block in re.split(r"\n\s*\n", text.strip())
        if block.strip()
    ]
    env = _environment(dirs or template_dirs(), html=True)
    try:
        layout = env.get_template("layout.html")
    except TemplateNotFound:
        layout = _environment([BUILTIN_TEMPLATES], html=True).get_template("layout.html")
    return layout.render(subject=subject, paragraphs=paragraphs, lang=lang)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _format_lenient(text: str, values: dict[str, Any]) -> str:
    try:
        return text.format_map(_Blank(values))
    except (ValueError, IndexError, AttributeError):
        return text


# --- dates and context ----------------------------------------------------------------


def _display(value: Any, lang: str) -> Any:
    # A moment in a message is an appointment: written in words, on the office's clock.
    if isinstance(value, datetime):
        return format_when(value, lang)
    return format_value(value, lang)


SAMPLE_CONTEXT: dict[str, Any] = {
    "first_name": "Kari",
    "last_name": "Nordmann",
    "office_name": "Støttekontakttjenesten",
    "office_email": "stottekontakt@kommune.example",
    "office_phone": "69 00 00 00",
    "meeting_when": "",
    "meeting_ends": "",
    "meeting_duration_minutes": 90,
    "meeting_digital": True,
    "join_url": "https://teams.example.com/l/meetup-join/abc",
    "address": "Helsehuset, Kirkegata 1",
    "self_service_url": "",
    "signup_url": "",
    "old_meeting_when": "",
    "evaluation_url": "",
    "waitlist_position": 3,
    "confirm_url": "",
    "valid_hours": 48,
    "valid_days": 30,
}


def sample_context(lang: str, *, digital: bool = True) -> dict[str, Any]:
    """Made-up values for previewing templates (no real person's data)."""
    at = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    my_page = f"https://verve.kommune.example/my-page?token=sample&lang={lang}"
    return {
        **SAMPLE_CONTEXT,
        "meeting_when": format_when(at, lang),
        "meeting_ends": format_time(at + timedelta(minutes=90), lang),
        "old_meeting_when": format_when(at - timedelta(days=7), lang),
        "self_service_url": my_page,
        "signup_url": f"https://verve.kommune.example/signup?lang={lang}",
        "evaluation_url": f"{my_page}&evaluate=1",
        "confirm_url": f"https://verve.kommune.example/my-page?confirm=sample&lang={lang}",
        "meeting_digital": digital,
        "meeting_mode": t("mail.mode_digital" if digital else "mail.mode_in_person", lang),
    }


def preview(kind: str, lang: str, *, digital: bool = True) -> RenderedMail:
    """`kind` in `lang` rendered with sample data, for the template page."""
    return render(kind, lang, sample_context(language(lang), digital=digital))


__all__ = [
    "KINDS",
    "LANGUAGES",
    "RenderedMail",
    "preview",
    "render",
    "template_source",
]

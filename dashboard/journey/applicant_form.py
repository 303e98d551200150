"""The applicant's details as a form, shared by the public and the phone sign-up, and
meeting choices in words. Each field shows its own error message right below it."""

from __future__ import annotations

import streamlit as st

from dashboard.components import plain
from dashboard.i18n import lang, t
from recruitment.core import i18n, vocabulary
from recruitment.core.timefmt import format_when
from recruitment.core.validation import MAX_EMAIL, MAX_NAME, MAX_TEXT
from recruitment.journey.booking import MeetingChoice

# (field, autocomplete hint, required, max length)
TEXT_FIELDS: tuple[tuple[str, str, bool, int], ...] = (
    ("first_name", "given-name", True, MAX_NAME),
    ("last_name", "family-name", True, MAX_NAME),
    ("email", "email", True, MAX_EMAIL),
    ("phone", "tel", True, 40),
    ("postcode", "postal-code", True, 10),
    ("birth_year", "bday-year", True, 10),
)
CHOICE_FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("languages", "language", vocabulary.LANGUAGES),
    ("interests", "interest", vocabulary.INTERESTS),
    ("availability", "availability", vocabulary.AVAILABILITY),
    ("target_groups", "target_group", vocabulary.TARGET_GROUPS),
)
MAX_LENGTH = {name: limit for name, _, _, limit in TEXT_FIELDS} | {"about": MAX_TEXT}
INPUT_TYPES = {"email": "email", "phone": "phone"}
SUMMARY_LABELS = {
    "meeting": "signup.meeting_short",
    "consent": "signup.consent_short",
    "channels": "signup.channels_short",
}
PUBLIC_SOURCES = tuple(code for code in vocabulary.SOURCES if code not in {"phone", "import"})


def label(field: str, *, required: bool = False) -> str:
    text = t(f"signup.{field}")
    return f"{text} {t('common.required_mark')}" if required else text


def field_error(errors: dict[str, str], field: str) -> None:
    """The message for `field`, placed right under it."""
    if field in errors:
        st.error(t(errors[field], max=MAX_LENGTH.get(field, MAX_TEXT)), icon=":material/error:")


def error_summary(errors: dict[str, str]) -> None:
    if errors:
        names = ", ".join(t(SUMMARY_LABELS.get(f, f"signup.{f}")) for f in errors)
        st.error(t("common.fix_fields", fields=names), icon=":material/error:")


def applicant_fields(
    prefix: str, errors: dict[str, str], *, optional: frozenset[str] = frozenset()
) -> dict:
    """Render the details widgets (keys `<prefix>_<field>`) and return what was typed;
    fields in `optional` lose their required mark (e-mail on the phone sign-up)."""
    raw: dict[str, object] = {}
    for field, autocomplete, required, _limit in TEXT_FIELDS:
        help_key = f"signup.{field}_help"
        raw[field] = st.text_input(
            label(field, required=required and field not in optional),
            key=f"{prefix}_{field}",
            autocomplete=autocomplete,
            # Input types give phones the right keyboard; the browser's own format check
            # is off (validate="") so every message comes from us, in the user's language.
            type=INPUT_TYPES.get(field, "default"),
            validate="" if field in INPUT_TYPES else None,
            # Our own example, in the user's language: Streamlit's ("you@example.com",
            # "+1 234 567 8900") is English and contradicts "8 digits".
            placeholder=t(f"signup.{field}_placeholder") if field in INPUT_TYPES else None,
            # No max_chars: Streamlit silently drops a longer value, and the person would
            # read "required" instead of "too long (at most N characters)".
        )
        if field in {"email", "phone", "postcode", "birth_year"}:
            # Plain text, not st.caption: Streamlit's faded caption grey fails WCAG contrast.
            st.markdown(t(help_key))
        field_error(errors, field)
    return raw


CHANNELS = ("email", "sms", "call")


def channel_fields(
    prefix: str, errors: dict[str, str], *, question: str, default: tuple[str, ...] = ("email",)
) -> dict:
    """How the person wants to be reached: several channels, each a consent."""
    current = lang()
    chosen = st.pills(
        f"{t(question)} {t('common.required_mark')}",
        options=list(CHANNELS),
        selection_mode="multi",
        format_func=lambda code: i18n.t(f"signup.channel_{code}", current),
        default=list(default),
        key=f"{prefix}_channels",
    )
    st.markdown(t("signup.channels_help"))
    field_error(errors, "channels")
    return {"channels": list(chosen or [])}


def wish_fields(
    prefix: str, errors: dict[str, str], *, sources: tuple[str, ...] = PUBLIC_SOURCES
) -> dict:
    raw: dict[str, object] = {}
    # Format functions run again outside the page run (e.g. in tests): pin the language.
    current = lang()
    for field, vocab, codes in CHOICE_FIELDS:
        raw[field] = st.multiselect(
            label(field),
            options=list(codes),
            format_func=lambda code, vocab=vocab: i18n.t(f"vocab.{vocab}_{code}", current),
            placeholder=t("signup.choose_many"),
            select_all=False,  # Streamlit's "Select all" is English and selects too much
            key=f"{prefix}_{field}",
        )
        field_error(errors, field)
    raw["source"] = st.selectbox(
        label("source"),
        options=list(sources),
        index=None,
        format_func=lambda code: i18n.t(f"vocab.source_{code}", current),
        placeholder=t("signup.choose_one"),
        key=f"{prefix}_source",
    )
    field_error(errors, "source")
    raw["about"] = st.text_area(label("about"), key=f"{prefix}_about")
    field_error(errors, "about")
    return raw


def empty_fields(prefix: str, *, channels: tuple[str, ...] = ("email",)) -> dict[str, object]:
    """What `applicant_fields` and `wish_fields` hold before anything is typed, by widget
    key: a fresh form after a sign-up."""
    return (
        {f"{prefix}_channels": list(channels)}
        | {f"{prefix}_{field}": "" for field, *_ in TEXT_FIELDS}
        | {f"{prefix}_{field}": [] for field, *_ in CHOICE_FIELDS}
        | {f"{prefix}_source": None, f"{prefix}_about": ""}
    )


def seats_text(choice: MeetingChoice, language: str) -> str:
    if choice.seats_left <= 0:
        return i18n.t("signup.full_waitlist", language)
    return i18n.t("signup.seats_left", language, count=choice.seats_left)


def meeting_label(choice: MeetingChoice, language: str) -> str:
    """ "Tuesday 1 December 2026 at 18:00 – Online meeting" in `language`."""
    mode = i18n.t(f"booking.mode_{choice.mode}", language)
    return f"{format_when(choice.starts_at, language)} – {mode}"


def meeting_option(choice: MeetingChoice, language: str) -> str:
    """One line per meeting (radio options carry everything: Streamlit's option captions
    are too faint for WCAG contrast)."""
    return f"{meeting_label(choice, language)} – {meeting_caption(choice, language)}"


def meeting_caption(choice: MeetingChoice, language: str) -> str:
    """Where, and how many seats are left: "Link sent by e-mail · 3 seats left"."""
    if choice.mode == "digital":
        place = i18n.t("booking.link_by_email", language)
    else:
        # Option labels render Markdown; the address is typed by staff, so it is escaped.
        place = (
            plain(choice.address) if choice.address else i18n.t("booking.address_follows", language)
        )
    return f"{place} – {seats_text(choice, language)}"

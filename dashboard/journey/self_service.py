"""The applicant's own page, reached by the personal link (?token=...): the booking and
stage in plain words, and the few things they may do themselves."""

import streamlit as st

from dashboard.access import self_service_token
from dashboard.action import flash, run_action, show_flash
from dashboard.components import plain, public_header
from dashboard.data import sessions
from dashboard.i18n import lang, t
from dashboard.journey.applicant_form import field_error, meeting_option
from recruitment.core import i18n
from recruitment.core.pipeline import EXIT_REASONS
from recruitment.core.timefmt import format_when
from recruitment.journey import self_service
from recruitment.journey.booking import open_meetings

public_header()
st.title(t("self_service.title"), anchor=False)


def request_link_form() -> None:
    """A fresh personal link by e-mail: the same answer whether the address is known."""
    show_flash()
    with st.form("self_service_request_link", enter_to_submit=False):
        st.subheader(t("self_service.request_link_title"), anchor=False)
        email = st.text_input(
            f"{t('signup.email')} {t('common.required_mark')}", key="self_service_link_email"
        )
        field_error(st.session_state.get("self_service_link_errors", {}), "email")
        if st.form_submit_button(t("self_service.request_link"), type="primary"):
            run_action(
                lambda session: self_service.request_link(
                    session=session, email=email, lang=lang()
                ),
                success=t("self_service.link_sent"),
                errors_key="self_service_link_errors",
            )


def confirm_screen(code: str) -> None:
    """A change mailed for confirmation: shown first, applied only on the click (a mail
    scanner that opens the link applies nothing)."""
    try:
        with sessions()() as session:
            change = self_service.change_to_confirm(session=session, code=code)
    except self_service.UnknownConfirmation:
        st.info(t("self_service.unknown_confirmation"), icon=":material/link_off:")
        request_link_form()
        st.stop()
    st.subheader(t(f"self_service.confirm_{change.kind}_title"), anchor=False)
    for field in ("first_name", "last_name", "email", "phone", "postcode"):
        st.text(f"{t(f'signup.{field}')}: {getattr(change, field) or ''}")
    field_error(st.session_state.get("self_service_confirm_errors", {}), "email")
    if st.button(t("self_service.confirm_button"), type="primary", key="self_service_confirm"):
        new_token = run_action(
            lambda session: self_service.confirm_change(session=session, code=code),
            errors_key="self_service_confirm_errors",
            rerun=False,
        )
        if new_token is not None:
            del st.query_params["confirm"]
            st.query_params["token"] = new_token
            flash(t("self_service.confirmed"))
            st.rerun()
    st.stop()


if st.query_params.get("confirm"):
    confirm_screen(st.query_params.get("confirm", ""))

# The personal link's token: in the URL (AppTest, links opened before `verve serve`), or
# in the cookie `verve serve` moved it to on first open (dashboard/web/middleware.py).
token = st.query_params.get("token", "") or self_service_token()
try:
    with sessions()() as session:
        page = self_service.my_page(session=session, token=token)
        choices = open_meetings(session)
except self_service.UnknownLink:
    # Unknown, mistyped and expired links all get the same words: nothing is revealed.
    st.info(t("self_service.unknown_link"), icon=":material/link_off:")
    request_link_form()
    st.stop()

current = lang()
# Bad input in any action below is shown under its field; a success ends a pending "cancel?".
errors: dict[str, str] = st.session_state.get("self_service_errors", {})
NOT_CONFIRMING = {"self_service_confirm_cancel": None}


st.header(t("self_service.hello", name=plain(page.first_name)), anchor=False)
show_flash()
st.write(t(f"self_service.stage_{page.stage}"))
if page.coordinator_name:
    st.write(t("self_service.coordinator", name=plain(page.coordinator_name)))
elif page.stage in {"signed_up", "meeting_booked"}:
    st.write(t("self_service.no_coordinator"))
if page.callback_requested and not page.bookings and not page.has_left:
    st.info(t("self_service.callback_pending"), icon=":material/call:")

# --- my booking -----------------------------------------------------------------
for booking in page.bookings:
    with st.container(border=True):
        st.subheader(t("self_service.your_booking"), anchor=False)
        st.markdown(
            t(
                "signup.meeting_details",
                when=format_when(booking.starts_at, current),
                mode=t(f"booking.mode_{booking.mode}"),
                place=plain(booking.place),
            )
        )
        if booking.status == "registered":
            st.write(t("self_service.status_registered"))
            with sessions()() as session:
                ics = self_service.ics_for_registration(
                    session=session, token=token, registration_id=booking.registration_id
                )
            st.download_button(
                t("signup.download_ics"),
                data=ics,
                file_name="informasjonsmote.ics",
                mime="text/calendar",
                icon=":material/calendar_add_on:",
                key=f"self_service_ics_{booking.registration_id}",
            )
        else:
            st.write(t("self_service.status_waitlisted", position=booking.waitlist_position))
        if st.session_state.get("self_service_confirm_cancel") == booking.registration_id:
            st.warning(t("self_service.confirm_cancel"), icon=":material/help:")
            yes, no = st.columns(2)
            if yes.button(
                t("self_service.yes_cancel"), key="self_service_yes_cancel", type="primary"
            ):
                run_action(
                    lambda session, registration_id=booking.registration_id: (
                        self_service.cancel_my_booking(
                            session=session, token=token, registration_id=registration_id
                        )
                    ),
                    success=t("self_service.cancelled"),
                    errors_key="self_service_errors",
                    reset=NOT_CONFIRMING,
                )
            if no.button(t("self_service.no_keep"), key="self_service_no_keep"):
                st.session_state.pop("self_service_confirm_cancel", None)
                st.rerun()
        elif st.button(
            t("self_service.cancel"),
            key=f"self_service_cancel_{booking.registration_id}",
            icon=":material/event_busy:",
        ):
            st.session_state["self_service_confirm_cancel"] = booking.registration_id
            st.rerun()

# --- choose or change meeting ---------------------------------------------------------
if page.stage in {"signed_up", "meeting_booked", "withdrawn"}:
    booked_ids = {b.meeting_id for b in page.bookings}
    offered = [c for c in choices if c.id not in booked_ids]
    by_id = {c.id: c for c in offered}
    seen_full: dict = st.session_state.get("self_service_seen_full", {})
    st.session_state["self_service_seen_full"] = {c.id: c.seats_left <= 0 for c in offered}
    st.subheader(
        t("self_service.change_title" if page.bookings else "self_service.choose_title"),
        anchor=False,
    )
    if not offered:
        st.write(t("self_service.no_other_meetings"))
    else:
        with st.form("self_service_choose", enter_to_submit=False):
            choice = st.radio(
                t("signup.meeting"),
                [c.id for c in offered],
                index=None,
                format_func=lambda o: meeting_option(by_id[o], current),
                key="self_service_meeting",
            )
            field_error(errors, "meeting")
            if st.form_submit_button(
                t("self_service.choose"), type="primary", icon=":material/event_available:"
            ):
                if choice is None:
                    st.session_state["self_service_errors"] = {"meeting": "signup.choose_meeting"}
                    st.rerun()
                run_action(
                    lambda session: self_service.choose_my_meeting(
                        session=session,
                        token=token,
                        meeting_id=choice,
                        allow_waitlist=seen_full.get(choice, False),
                    ),
                    success=t("self_service.booked"),
                    errors_key="self_service_errors",
                    reset=NOT_CONFIRMING,
                )

# --- evaluations of meetings I attended ----------------------------------------------
for due in page.evaluations_due:
    with st.form(f"self_service_evaluation_{due.meeting_id}", enter_to_submit=False):
        st.subheader(
            t("self_service.evaluation_title", when=format_when(due.starts_at, current)),
            anchor=False,
        )
        yes_no = {True: t("self_service.yes"), False: t("self_service.no")}
        rating = st.radio(
            t("self_service.evaluation_rating"),
            [1, 2, 3, 4, 5],
            index=None,
            horizontal=True,
            key=f"self_service_rating_{due.meeting_id}",
        )
        field_error(errors, "rating")
        got_information = st.radio(
            t("self_service.evaluation_got_information"),
            [True, False],
            index=None,
            horizontal=True,
            format_func=yes_no.__getitem__,
            key=f"self_service_got_information_{due.meeting_id}",
        )
        field_error(errors, "got_information")
        technical = st.radio(
            t("self_service.evaluation_technical"),
            [True, False],
            index=None,
            horizontal=True,
            format_func=yes_no.__getitem__,
            key=f"self_service_technical_{due.meeting_id}",
        )
        field_error(errors, "technical_problems")
        comment = st.text_area(
            t("self_service.evaluation_comment"), key=f"self_service_comment_{due.meeting_id}"
        )
        field_error(errors, "comment")
        if st.form_submit_button(t("self_service.evaluation_send"), type="primary"):
            answers = {
                "meeting_id": due.meeting_id,
                "rating": rating,
                "got_information": got_information,
                "technical_problems": technical,
                "comment": comment,
            }
            run_action(
                lambda session, answers=answers: self_service.evaluate_meeting(
                    session=session, token=token, **answers
                ),
                success=t("self_service.evaluation_thanks"),
                errors_key="self_service_errors",
                reset=NOT_CONFIRMING,
            )

# --- contact details ------------------------------------------------------------------
contact_fields = ("first_name", "last_name", "email", "phone", "postcode")
with st.expander(
    t("self_service.contact_title"),
    icon=":material/edit:",
    expanded=bool(set(errors) & set(contact_fields)),
):
    with st.form("self_service_contact", enter_to_submit=False):
        raw = {}
        for field in contact_fields:
            raw[field] = st.text_input(
                f"{t(f'signup.{field}')} {t('common.required_mark')}",
                value=getattr(page, field) or "",
                key=f"self_service_{field}",
            )
            field_error(errors, field)
        if st.form_submit_button(t("common.save"), type="primary"):
            run_action(
                lambda session: self_service.update_my_contact(
                    session=session, token=token, raw=raw, lang=current
                ),
                success=lambda mailed: t(
                    "self_service.email_confirm_sent" if mailed else "self_service.contact_saved"
                ),
                errors_key="self_service_errors",
                reset=NOT_CONFIRMING,
            )

# --- how we reach you -----------------------------------------------------------------
with sessions()() as session:
    reach = self_service.my_channels(session=session, token=token)
with st.expander(
    t("self_service.channels_title"),
    icon=":material/contact_phone:",
    expanded=bool({"channels", "phone", "email"} & set(errors)),
):
    with st.form("self_service_channels", enter_to_submit=False):
        current_lang = lang()
        chosen = st.pills(
            t("signup.channels"),
            options=["email", "sms", "call"],
            selection_mode="multi",
            format_func=lambda code: i18n.t(f"signup.channel_{code}", current_lang),
            default=list(reach.channels),
            key="self_service_channels",
        )
        st.markdown(t("signup.channels_help"))
        if reach.sms_opted_out_at is not None:
            st.markdown(t("self_service.sms_opted_out"))
        for field in ("channels", "phone", "email"):
            field_error(errors, field)
        if st.form_submit_button(t("common.save"), type="primary"):
            run_action(
                lambda session: self_service.choose_my_channels(
                    session=session, token=token, channels=chosen or []
                ),
                success=t("self_service.channels_saved"),
                errors_key="self_service_errors",
                reset=NOT_CONFIRMING,
            )

# --- withdraw -------------------------------------------------------------------------
if not page.has_left:
    with st.expander(t("self_service.withdraw_title"), icon=":material/logout:"):
        with st.form("self_service_withdraw", enter_to_submit=False):
            st.write(t("self_service.withdraw_text"))
            reason = st.selectbox(
                t("self_service.withdraw_reason"),
                [
                    code
                    for code in EXIT_REASONS["withdrawn"]
                    if code not in {"no_response", "other"}
                ],
                index=None,
                format_func=lambda code: t(f"reasons.{code}"),
                key="self_service_withdraw_reason",
                placeholder=t("common.choose_one"),
            )
            confirmed = st.checkbox(
                t("self_service.withdraw_confirm"), key="self_service_withdraw_confirm"
            )
            if st.form_submit_button(t("self_service.withdraw_button")):
                if not confirmed:
                    st.error(t("self_service.must_confirm"), icon=":material/error:")
                else:
                    run_action(
                        lambda session: self_service.withdraw_me(
                            session=session, token=token, reason_code=reason or "changed_mind"
                        ),
                        success=t("self_service.withdrawn"),
                        errors_key="self_service_errors",
                        reset=NOT_CONFIRMING,
                    )

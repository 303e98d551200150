"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 14:33:09.036896
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "consent_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("text_nb", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_version")),
        sa.UniqueConstraint("version", name=op.f("uq_consent_version_version")),
    )
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("oidc_subject", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("away_until", sa.Date(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'coordinator', 'manager')", name=op.f("ck_staff_user_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("oidc_subject", name=op.f("uq_staff_user_oidc_subject")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_user_username")),
    )
    op.create_table(
        "applicant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("postcode", sa.String(length=4), nullable=True),
        sa.Column("area", sa.String(length=100), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("target_groups", sa.JSON(), nullable=False),
        sa.Column("about", sa.Text(), nullable=True),
        sa.Column("driving_licence", sa.Boolean(), nullable=False),
        sa.Column("prefers_phone", sa.Boolean(), nullable=False),
        sa.Column("callback_requested", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_version_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("stage_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("exit_reason", sa.String(length=64), nullable=True),
        sa.Column("coordinator_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("language IN ('nb', 'en')", name=op.f("ck_applicant_language")),
        sa.CheckConstraint(
            "stage IN ('signed_up', 'meeting_booked', 'meeting_attended', 'interview_scheduled', "
            "'interviewed', 'approved', 'placed', 'withdrawn', 'rejected')",
            name=op.f("ck_applicant_stage"),
        ),
        sa.CheckConstraint(
            "birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100",
            name=op.f("ck_applicant_birth_year"),
        ),
        sa.ForeignKeyConstraint(
            ["consent_version_id"],
            ["consent_version.id"],
            name=op.f("fk_applicant_consent_version_id_consent_version"),
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["staff_user.id"],
            name=op.f("fk_applicant_coordinator_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicant")),
        sa.UniqueConstraint("email", name=op.f("uq_applicant_email")),
        sa.UniqueConstraint("token", name=op.f("uq_applicant_token")),
    )
    with op.batch_alter_table("applicant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applicant_area"), ["area"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_applicant_callback_requested"), ["callback_requested"], unique=False
        )
        batch_op.create_index(
            "ix_applicant_coordinator_stage", ["coordinator_id", "stage"], unique=False
        )
        batch_op.create_index("ix_applicant_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_applicant_last_name", ["last_name", "first_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_applicant_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_applicant_postcode"), ["postcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_applicant_source"), ["source"], unique=False)
        batch_op.create_index(
            "ix_applicant_stage_changed", ["stage", "stage_changed_at"], unique=False
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("client", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["staff_user.id"],
            name=op.f("fk_audit_event_actor_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_action_at", ["action", "at"], unique=False)
        batch_op.create_index("ix_audit_event_actor_at", ["actor_id", "at"], unique=False)
        batch_op.create_index("ix_audit_event_at", ["at"], unique=False)

    op.create_table(
        "info_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("join_url", sa.String(length=1000), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("series_id", sa.String(length=36), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('standard', 'combined')", name=op.f("ck_info_meeting_kind")),
        sa.CheckConstraint("language IN ('nb', 'en')", name=op.f("ck_info_meeting_language")),
        sa.CheckConstraint("mode IN ('digital', 'in_person')", name=op.f("ck_info_meeting_mode")),
        sa.CheckConstraint(
            "status IN ('planned', 'held', 'cancelled')", name=op.f("ck_info_meeting_status")
        ),
        sa.CheckConstraint(
            "capacity > 0 AND capacity <= 1000", name=op.f("ck_info_meeting_capacity")
        ),
        sa.CheckConstraint(
            "duration_minutes > 0 AND duration_minutes <= 600",
            name=op.f("ck_info_meeting_duration"),
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["staff_user.id"], name=op.f("fk_info_meeting_host_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_meeting")),
    )
    with op.batch_alter_table("info_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_info_meeting_series_id"), ["series_id"], unique=False)
        batch_op.create_index("ix_info_meeting_starts_at", ["starts_at", "status"], unique=False)

    op.create_table(
        "service_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.Column("age_group", sa.String(length=16), nullable=False),
        sa.Column("postcode", sa.String(length=4), nullable=True),
        sa.Column("area", sa.String(length=100), nullable=True),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("hours_per_month", sa.Integer(), nullable=False),
        sa.Column("waiting_since", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'placed', 'closed')", name=op.f("ck_service_user_status")
        ),
        sa.CheckConstraint(
            "hours_per_month >= 0 AND hours_per_month <= 200", name=op.f("ck_service_user_hours")
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["staff_user.id"],
            name=op.f("fk_service_user_coordinator_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_user")),
        sa.UniqueConstraint("case_ref", name=op.f("uq_service_user_case_ref")),
    )
    with op.batch_alter_table("service_user", schema=None) as batch_op:
        batch_op.create_index("ix_service_user_status_area", ["status", "area"], unique=False)

    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["staff_user.id"], name=op.f("fk_setting_updated_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "applicant_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("seen_on", sa.Date(), nullable=True),
        sa.Column("seen_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('police_certificate', 'reference_1', 'reference_2', 'declaration', "
            "'contract', 'training')",
            name=op.f("ck_applicant_check_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_applicant_check_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff_user.id"],
            name=op.f("fk_applicant_check_recorded_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["seen_by_id"], ["staff_user.id"], name=op.f("fk_applicant_check_seen_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicant_check")),
        sa.UniqueConstraint("applicant_id", "kind", name="uq_applicant_check_applicant_kind"),
    )
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("got_information", sa.Boolean(), nullable=False),
        sa.Column("technical_problems", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_evaluation_rating")),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_evaluation_applicant_id_applicant"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["info_meeting.id"], name=op.f("fk_evaluation_meeting_id_info_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation")),
        sa.UniqueConstraint("applicant_id", "meeting_id", name="uq_evaluation_applicant_meeting"),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "interview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("interviewer_id", sa.Integer(), nullable=True),
        sa.Column("second_interviewer_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("score_motivation", sa.Integer(), nullable=True),
        sa.Column("score_reliability", sa.Integer(), nullable=True),
        sa.Column("score_experience", sa.Integer(), nullable=True),
        sa.Column("score_fit", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('recommend', 'not_suitable', 'on_hold')",
            name=op.f("ck_interview_outcome"),
        ),
        sa.CheckConstraint(
            "score_experience IS NULL OR score_experience BETWEEN 1 AND 5",
            name=op.f("ck_interview_score_experience"),
        ),
        sa.CheckConstraint(
            "score_fit IS NULL OR score_fit BETWEEN 1 AND 5", name=op.f("ck_interview_score_fit")
        ),
        sa.CheckConstraint(
            "score_motivation IS NULL OR score_motivation BETWEEN 1 AND 5",
            name=op.f("ck_interview_score_motivation"),
        ),
        sa.CheckConstraint(
            "score_reliability IS NULL OR score_reliability BETWEEN 1 AND 5",
            name=op.f("ck_interview_score_reliability"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_interview_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interviewer_id"],
            ["staff_user.id"],
            name=op.f("fk_interview_interviewer_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["info_meeting.id"], name=op.f("fk_interview_meeting_id_info_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff_user.id"],
            name=op.f("fk_interview_recorded_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["second_interviewer_id"],
            ["staff_user.id"],
            name=op.f("fk_interview_second_interviewer_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview")),
    )
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.create_index(
            "ix_interview_applicant", ["applicant_id", "scheduled_at"], unique=False
        )
        batch_op.create_index("ix_interview_scheduled_at", ["scheduled_at"], unique=False)

    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("service_user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("hours_per_month", sa.Integer(), nullable=False),
        sa.Column("end_reason", sa.String(length=64), nullable=True),
        sa.Column("end_reason_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('proposed', 'active', 'paused', 'ended')", name=op.f("ck_placement_status")
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name=op.f("ck_placement_dates"),
        ),
        sa.CheckConstraint(
            "hours_per_month > 0 AND hours_per_month <= 200", name=op.f("ck_placement_hours")
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_placement_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_placement_created_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["service_user_id"],
            ["service_user.id"],
            name=op.f("fk_placement_service_user_id_service_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_placement_applicant_status", ["applicant_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_placement_service_user_status", ["service_user_id", "status"], unique=False
        )

    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ics_uid", sa.String(length=100), nullable=False),
        sa.Column("ics_sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attended_marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('registered', 'waitlisted', 'cancelled', 'attended', 'no_show')",
            name=op.f("ck_registration_status"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_registration_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["info_meeting.id"],
            name=op.f("fk_registration_meeting_id_info_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint("applicant_id", "meeting_id", name="uq_registration_applicant_meeting"),
        sa.UniqueConstraint("ics_uid", name=op.f("uq_registration_ics_uid")),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index("ix_registration_applicant", ["applicant_id", "status"], unique=False)
        batch_op.create_index(
            "ix_registration_meeting_status", ["meeting_id", "status", "id"], unique=False
        )

    op.create_table(
        "stage_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=24), nullable=True),
        sa.Column("to_stage", sa.String(length=24), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "from_stage IS NULL OR from_stage IN ('signed_up', 'meeting_booked', "
            "'meeting_attended', 'interview_scheduled', 'interviewed', 'approved', 'placed', "
            "'withdrawn', 'rejected')",
            name=op.f("ck_stage_event_from_stage"),
        ),
        sa.CheckConstraint(
            "to_stage IN ('signed_up', 'meeting_booked', 'meeting_attended', "
            "'interview_scheduled', 'interviewed', 'approved', 'placed', 'withdrawn', 'rejected')",
            name=op.f("ck_stage_event_to_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_stage_event_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["staff_user.id"], name=op.f("fk_stage_event_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_event")),
    )
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.create_index("ix_stage_event_applicant_at", ["applicant_id", "at"], unique=False)
        batch_op.create_index(
            "ix_stage_event_to_stage_applicant", ["to_stage", "applicant_id"], unique=False
        )

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("ics", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed')",
            name=op.f("ck_outbox_message_status"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_outbox_message_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["info_meeting.id"],
            name=op.f("fk_outbox_message_meeting_id_info_meeting"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_outbox_message_registration_id_registration"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_message_id")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_message_applicant", ["applicant_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_outbox_message_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "journal_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=True),
        sa.Column("service_user_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "channel IN ('note', 'phone', 'email', 'sms', 'system')",
            name=op.f("ck_journal_entry_channel"),
        ),
        sa.CheckConstraint(
            "applicant_id IS NOT NULL OR service_user_id IS NOT NULL",
            name=op.f("ck_journal_entry_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicant.id"],
            name=op.f("fk_journal_entry_applicant_id_applicant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff_user.id"], name=op.f("fk_journal_entry_author_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox_message.id"],
            name=op.f("fk_journal_entry_outbox_id_outbox_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_user_id"],
            ["service_user.id"],
            name=op.f("fk_journal_entry_service_user_id_service_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
    )
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journal_entry_applicant_at", ["applicant_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_journal_entry_service_user_at", ["service_user_id", "created_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_entry_service_user_at")
        batch_op.drop_index("ix_journal_entry_applicant_at")

    op.drop_table("journal_entry")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_due")
        batch_op.drop_index("ix_outbox_message_applicant")

    op.drop_table("outbox_message")
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_event_to_stage_applicant")
        batch_op.drop_index("ix_stage_event_applicant_at")

    op.drop_table("stage_event")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_meeting_status")
        batch_op.drop_index("ix_registration_applicant")

    op.drop_table("registration")
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index("ix_placement_service_user_status")
        batch_op.drop_index("ix_placement_applicant_status")

    op.drop_table("placement")
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_index("ix_interview_scheduled_at")
        batch_op.drop_index("ix_interview_applicant")

    op.drop_table("interview")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_meeting_id"))

    op.drop_table("evaluation")
    op.drop_table("applicant_check")
    op.drop_table("setting")
    with op.batch_alter_table("service_user", schema=None) as batch_op:
        batch_op.drop_index("ix_service_user_status_area")

    op.drop_table("service_user")
    with op.batch_alter_table("info_meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_info_meeting_starts_at")
        batch_op.drop_index(batch_op.f("ix_info_meeting_series_id"))

    op.drop_table("info_meeting")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_at")
        batch_op.drop_index("ix_audit_event_actor_at")
        batch_op.drop_index("ix_audit_event_action_at")

    op.drop_table("audit_event")
    with op.batch_alter_table("applicant", schema=None) as batch_op:
        batch_op.drop_index("ix_applicant_stage_changed")
        batch_op.drop_index(batch_op.f("ix_applicant_source"))
        batch_op.drop_index(batch_op.f("ix_applicant_postcode"))
        batch_op.drop_index(batch_op.f("ix_applicant_phone"))
        batch_op.drop_index("ix_applicant_last_name")
        batch_op.drop_index("ix_applicant_created_at")
        batch_op.drop_index("ix_applicant_coordinator_stage")
        batch_op.drop_index(batch_op.f("ix_applicant_callback_requested"))
        batch_op.drop_index(batch_op.f("ix_applicant_area"))

    op.drop_table("applicant")
    op.drop_table("staff_user")
    op.drop_table("consent_version")

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from db import migrate
from db.models import Base


def test_migrations_bring_an_empty_database_to_head_and_match_the_models(engine):
    # The `engine` fixture's database was built by the migrations alone.
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_model_table_exists_after_migrating(engine):
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_upgrading_a_database_that_is_already_at_head_changes_nothing(engine):
    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)


def test_the_from_at_migration_fills_in_when_each_previous_stage_began(
    engine, session_factory, coordinator, make_applicant
):
    from alembic import command
    from sqlalchemy import select

    from db.models import StageEvent
    from recruitment.casework.stage_moves import advance_stage

    applicant_id = make_applicant()
    for stage in ("meeting_booked", "meeting_attended"):
        with session_factory.begin() as s:
            advance_stage(session=s, actor=coordinator, applicant_id=applicant_id, to_stage=stage)
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0110_casework")
    migrate.upgrade(engine)
    with session_factory() as s:
        events = s.execute(select(StageEvent.at, StageEvent.from_at).order_by(StageEvent.id)).all()
    assert [row.from_at for row in events] == [None, events[0].at, events[1].at]


def test_the_contact_channel_migration_keeps_journal_links_and_gives_e_mail_consent(
    engine, session_factory, make_applicant
):
    from alembic import command
    from sqlalchemy import select, text

    from db.models import Applicant, JournalEntry, OutboxMessage

    applicant_id = make_applicant()
    with session_factory.begin() as s:
        message = OutboxMessage(
            kind="callback_requested",
            to_address="a@example.no",
            subject="s",
            body_text="b",
            message_id="<m1@verve.invalid>",
            applicant_id=applicant_id,
        )
        s.add(message)
        s.flush()
        s.add(JournalEntry(applicant_id=applicant_id, channel="email", outbox_id=message.id))
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0111_from_at")
    with engine.begin() as connection:
        # As before channels existed: an applicant with an e-mail address.
        assert connection.execute(text("SELECT count(*) FROM applicant")).scalar() == 1
    migrate.upgrade(engine)
    with session_factory() as s:
        assert s.scalar(select(JournalEntry.outbox_id)) is not None
        assert s.scalar(select(OutboxMessage.channel)) == "email"
        applicant = s.get(Applicant, applicant_id)
        assert applicant.email_consent_at is not None
        assert applicant.sms_consent_at is None

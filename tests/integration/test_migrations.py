from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from db import migrate
from db.models import Base
from db.search import include_name


def test_migrations_bring_an_empty_database_to_head_and_match_the_models(engine):
    # The `engine` fixture's database was built by the migrations alone.
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_every_model_table_exists_after_migrating(engine):
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_upgrading_a_database_that_is_already_at_head_changes_nothing(engine):
    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)


def test_the_from_at_migration_fills_in_when_each_previous_stage_began(
    engine, session_factory, coordinator, make_applicant
):
    from sqlalchemy import select

    from db.models import StageEvent
    from tests.stages import step_to

    applicant_id = make_applicant()
    for stage in ("meeting_booked", "meeting_attended"):
        with session_factory.begin() as s:
            step_to(session=s, applicant_id=applicant_id, to_stage=stage, by_id=coordinator.id)
    migrate.downgrade(engine, "0110_casework")
    migrate.upgrade(engine)
    with session_factory() as s:
        events = s.execute(select(StageEvent.at, StageEvent.from_at).order_by(StageEvent.id)).all()
    assert [row.from_at for row in events] == [None, events[0].at, events[1].at]


def test_the_journal_reference_migration_takes_the_names_out_of_placement_entries(
    engine, session_factory, coordinator, make_applicant
):
    from sqlalchemy import text

    from db.models import JournalEntry
    from recruitment.placement import placements
    from tests.matching_factories import make_contact, make_service_user

    contact = make_contact(session_factory, make_applicant, first_name="Kari", last_name="Li")
    gone = make_contact(session_factory, make_applicant, first_name="Per", last_name="Borte")
    user = make_service_user(session_factory, case_ref="SAK-9")
    with session_factory.begin() as s:
        for applicant_id in (contact, gone):
            placements.propose_placement(
                session=s, actor=coordinator, service_user_id=user, applicant_id=applicant_id
            )
    migrate.downgrade(engine, "0111_from_at")
    with engine.begin() as connection:
        # As the entries were written before: names in the text. Per was anonymised since.
        connection.execute(text("DELETE FROM journal_entry"))
        for target, subject in (
            ("service_user_id", "Oppdrag foreslått: Kari Li og SAK-9, 8 t/mnd"),
            ("service_user_id", "Oppdrag avsluttet: Per Borte og SAK-9"),
            ("service_user_id", "Tjenestemottaker registrert"),
        ):
            connection.execute(
                text(
                    f"INSERT INTO journal_entry ({target}, channel, subject, body, created_at)"
                    " VALUES (:id, 'system', :subject, '', CURRENT_TIMESTAMP)"
                ),
                {"id": user, "subject": subject},
            )
        connection.execute(
            text("UPDATE applicant SET first_name = 'x', last_name = 'x' WHERE id = :id"),
            {"id": gone},
        )
    migrate.upgrade(engine)
    with session_factory() as s:
        rows = s.execute(
            select(JournalEntry.subject, JournalEntry.placement_id).order_by(JournalEntry.id)
        ).all()
        kari_placement = s.scalar(
            text("SELECT id FROM placement WHERE applicant_id = :id"), {"id": contact}
        )
    assert [tuple(row) for row in rows] == [
        ("Oppdrag foreslått: {contact} og {case_ref}, 8 t/mnd", kari_placement),
        ("Oppdrag avsluttet: {contact} og {case_ref}", None),
        ("Tjenestemottaker registrert", None),
    ]


def test_the_area_migration_fills_in_the_area_of_every_sign_up_with_a_known_postcode(
    engine, session_factory, make_applicant
):
    from sqlalchemy import text

    from db.models import Applicant

    signed_up = make_applicant(postcode="1606", area=None)
    unknown = make_applicant(postcode="0999", area=None)
    given = make_applicant(postcode="1606", area="Kråkerøy")
    migrate.downgrade(engine, "0140_journal_ref")
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE applicant SET area = NULL WHERE id IN (:a, :b)"),
            {"a": signed_up, "b": unknown},
        )
    migrate.upgrade(engine)
    with session_factory() as s:
        areas = dict(s.execute(select(Applicant.id, Applicant.area)).all())
    assert (areas[signed_up], areas[unknown], areas[given]) == ("Fredrikstad", None, "Kråkerøy")


def test_the_contact_channel_migration_keeps_journal_links_and_gives_e_mail_consent(
    engine, session_factory, make_applicant
):
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
    migrate.downgrade(engine, "0111_from_at")
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


def test_the_timeline_actor_migration_says_who_acted_where_the_old_rows_tell(
    engine, session_factory, make_applicant, coordinator
):
    from sqlalchemy import text

    from db.models import StageEvent

    website = make_applicant(source="website")
    imported = make_applicant(source="import")
    migrate.downgrade(engine, "0170_contact_channels")
    with engine.begin() as connection:
        for values in (
            (website, "signed_up", "withdrawn", None, "withdrew from the personal link"),
            (imported, "signed_up", "withdrawn", coordinator.id, None),
        ):
            connection.execute(
                text(
                    "INSERT INTO stage_event (applicant_id, from_stage, to_stage, at, by_id,"
                    " reason_code, reason_text) VALUES (:a, :f, :t, CURRENT_TIMESTAMP, :b,"
                    " 'changed_mind', :r)"
                ),
                dict(zip("aftbr", values, strict=True)),
            )
    migrate.upgrade(engine)
    with session_factory() as s:
        rows = s.execute(
            select(StageEvent.applicant_id, StageEvent.to_stage, StageEvent.actor_kind)
        ).all()
    assert sorted(rows) == sorted(
        [
            (website, "signed_up", "sign_up_form"),
            (website, "withdrawn", "my_page"),
            (imported, "signed_up", None),
            (imported, "withdrawn", "staff"),
        ]
    )


def test_the_handover_migration_keeps_journal_links_and_a_downgrade_keeps_uncertain_sms_visible(
    engine, session_factory, make_applicant
):
    from sqlalchemy import select, text

    from db.models import JournalEntry, OutboxMessage

    applicant_id = make_applicant()
    with session_factory.begin() as s:
        message = OutboxMessage(
            kind="meeting_reminder",
            channel="sms",
            to_address="+4791234567",
            subject="s",
            body_text="b",
            message_id="sms-m1",
            applicant_id=applicant_id,
            status="uncertain",
        )
        s.add(message)
        s.flush()
        s.add(JournalEntry(applicant_id=applicant_id, channel="sms", outbox_id=message.id))
    migrate.downgrade(engine, "0190_outbox_public_url_mark")
    with engine.begin() as connection:
        # Without the status, the SMS nobody decided on is failed: shown, never resent.
        assert connection.execute(text("SELECT status FROM outbox_message")).scalar() == "failed"
        assert connection.execute(text("SELECT outbox_id FROM journal_entry")).scalar() is not None
    migrate.upgrade(engine)
    with session_factory() as s:
        assert s.scalar(select(JournalEntry.outbox_id)) is not None
        assert s.scalar(select(OutboxMessage.handed_over_at)) is None


def test_two_databases_migrated_at_once_in_one_process_both_reach_head(tmp_path):
    # The app's first page run and its warm-up thread can each open a database at the
    # same moment; Alembic's module-level state made one of two such runs fail.
    import threading

    from db.session import make_engine

    engines = [make_engine(f"sqlite:///{tmp_path / f'{n}.db'}") for n in range(4)]
    failures: list[BaseException] = []

    def run(engine):
        try:
            migrate.upgrade(engine)
        except BaseException as failure:  # noqa: BLE001 - collected for the assert
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        assert all(migrate.is_up_to_date(engine) for engine in engines)
    finally:
        for engine in engines:
            engine.dispose()


def test_the_service_user_time_of_change_migration_fills_in_each_rows_last_known_change(
    engine, session_factory
):
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from db.models import ServiceUser
    from tests.matching_factories import make_service_user

    waiting, closed = make_service_user(session_factory), make_service_user(session_factory)
    created = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    closed_at = datetime(2025, 6, 7, 8, 9, 10, tzinfo=UTC)
    with session_factory.begin() as s:
        s.execute(update(ServiceUser).values(created_at=created))
        s.execute(
            update(ServiceUser)
            .where(ServiceUser.id == closed)
            .values(status="closed", closed_at=closed_at)
        )
    migrate.downgrade(engine, "0250_stuck_consent_indexes")
    migrate.upgrade(engine)
    with session_factory() as s:
        times = dict(s.execute(select(ServiceUser.id, ServiceUser.updated_at)).all())
    assert times == {waiting: created, closed: closed_at}

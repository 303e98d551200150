from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

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

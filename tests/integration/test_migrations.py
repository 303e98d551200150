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

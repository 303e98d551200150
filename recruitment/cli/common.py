"""What every command needs: the database, brought to the newest schema."""

from __future__ import annotations

from functools import cache

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.session import database_url, make_engine, make_session_factory
from recruitment.core.errors import ValidationFailed, VerveError
from recruitment.core.i18n import t
from recruitment.core.logs import masked_url
from recruitment.core.timefmt import office_zone


@cache
def engine() -> Engine:
    """The engine for DATABASE_URL, migrated to head (commands never see an old schema)."""
    url = database_url()
    try:
        eng = make_engine(url)
        migrate.upgrade(eng)
    except OperationalError as error:
        raise click.ClickException(
            f"cannot open the database {masked_url(url)}: {type(error.orig).__name__}"
        ) from error
    # Days and times a command works out or prints are the office's (the `time_zone` setting).
    with make_session_factory(eng)() as session:
        office_zone(session)
    return eng


def sessions() -> sessionmaker[Session]:
    return make_session_factory(engine())


def fail(error: VerveError) -> click.ClickException:
    """A domain error as a one-line command-line message (in English)."""
    if isinstance(error, ValidationFailed):
        parts = [f"{field}: {t(key, 'en', **error.params)}" for field, key in error.fields.items()]
        return click.ClickException("; ".join(parts))
    return click.ClickException(t(error.key, "en", **error.params))

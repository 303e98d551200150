"""The bulk writer: every table's generated rows into the database in one pass, with
COPY on PostgreSQL and large executemany batches on SQLite."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Table
from sqlalchemy.schema import AddConstraint, DropConstraint

from db.models import Base, UTCDateTime
from recruitment.demo.world import Rows

BATCH = 5_000


def write_rows(connection: Connection, rows: Rows) -> None:
    """Write every table's rows in dependency order: COPY on PostgreSQL, large
    executemany batches on SQLite.

    This goes below SQLAlchemy's per-row parameter handling, which would otherwise take
    most of the time at 100 000 applicants; `_column_encoders` stores each value exactly
    as the column types in `db.models` would. The secondary indexes are dropped while
    a table fills and built again afterwards (one sort instead of a million inserts);
    all of it is one transaction, so a failure leaves the schema as it was.
    """
    postgres = connection.dialect.name == "postgresql"
    if not postgres:
        # A large page cache for this load; restored below for the connection's next user.
        cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql("PRAGMA cache_size=-262144")
    for table in Base.metadata.sorted_tables:
        table_rows = rows.get(table)
        if not table_rows:
            continue
        big = len(table_rows) > 1000
        indexes = sorted(table.indexes, key=lambda index: index.name) if big else []
        for index in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{index.name}"')
        # PostgreSQL checks foreign keys row by row; adding them back afterwards checks
        # the whole table in one join instead.
        foreign_keys = (
            sorted(table.foreign_key_constraints, key=lambda fk: fk.name)
            if big and postgres
            else []
        )
        for fk in foreign_keys:
            connection.execute(DropConstraint(fk))
        columns = _columns_given(table, table_rows[0])
        names = [column.name for column in columns]
        getter = itemgetter(*names)
        encoded = [
            (i, enc) for i, enc in enumerate(_column_encoders(columns, postgres)) if enc is not None
        ]
        quoted = ", ".join(f'"{name}"' for name in names)
        if postgres:
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                for record in _records(table_rows, getter, encoded):
                    copy.write_row(record)
            cursor.close()
            # Ids were given explicitly; move the sequence past them for the app's own inserts.
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f'(SELECT MAX(id) FROM "{table.name}"))'
            )
        else:
            sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" * len(names))})'
            for start in range(0, len(table_rows), BATCH):
                chunk = table_rows[start : start + BATCH]
                connection.exec_driver_sql(sql, _records(chunk, getter, encoded))
        for index in indexes:
            index.create(connection)
        for fk in foreign_keys:
            connection.execute(AddConstraint(fk))
    if not postgres:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")


def _records(
    rows: Sequence[dict[str, Any]], getter: Any, encoded: list[tuple[int, Any]]
) -> list[tuple[Any, ...]]:
    """The rows as tuples in column order, with the values that need it encoded."""
    if not encoded:
        return [getter(row) for row in rows]
    out = []
    for row in rows:
        values = list(getter(row))
        for i, enc in encoded:
            values[i] = enc(values[i])
        out.append(tuple(values))
    return out


def _sqlite_timestamp(value: datetime | None) -> str | None:
    # The text form SQLAlchemy's SQLite DATETIME writes, in UTC like UTCDateTime.
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"


def _iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(value: Any) -> str:
    return json.dumps(value)


def _columns_given(table: Table, sample: dict[str, Any]) -> list[Any]:
    """The columns the generated rows fill. A nullable column added to the schema later
    is simply left NULL; a required one must be generated, so say which."""
    columns = []
    for column in table.columns:
        if column.name in sample:
            columns.append(column)
        elif not column.nullable and column.server_default is None:
            raise RuntimeError(f"demo data has no value for the required column {column}")
    return columns


def _column_encoders(columns: Sequence[Any], postgres: bool) -> list[Any]:
    """Per column, a function turning a Python value into what the driver stores (None:
    pass as is)."""
    encoders: list[Any] = []
    for column in columns:
        kind = column.type
        if isinstance(kind, JSON):
            encoders.append(_json)
        elif postgres:
            encoders.append(None)  # psycopg's COPY adapts dates, aware times and booleans
        elif isinstance(kind, UTCDateTime):
            encoders.append(_sqlite_timestamp)
        elif isinstance(kind, Date):
            encoders.append(_iso_date)
        elif isinstance(kind, DateTime):
            raise TypeError(f"{column}: plain DateTime is not expected")
        else:
            encoders.append(None)
    return encoders

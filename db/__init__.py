"""Persistence: the schema (models), engines and sessions, and Alembic migrations."""

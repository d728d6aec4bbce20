"""The Alembic migrations produce exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.extensions import db
from lms.schema import managed_metadata


def test_migrations_match_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        differences = compare_metadata(context, managed_metadata(app))
    assert differences == []


def test_every_managed_table_exists(app):
    from sqlalchemy import inspect

    with db.engine.connect() as connection:
        existing = set(inspect(connection).get_table_names())
    expected = {t.name for m in managed_metadata(app) for t in m.sorted_tables}
    assert expected <= existing

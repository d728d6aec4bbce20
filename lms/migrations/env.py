"""Alembic environment: runs inside the Flask app, over every metadata the platform manages."""

import logging

from alembic import context
from flask import current_app

from lms.schema import managed_metadata

log = logging.getLogger("alembic.env")
config = context.config


def _skip_empty_autogenerate(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("no changes in schema detected")


def run_migrations_online() -> None:
    migrate = current_app.extensions["migrate"]
    options = dict(migrate.configure_args)
    options.setdefault("process_revision_directives", _skip_empty_autogenerate)
    with migrate.db.engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=managed_metadata(current_app), **options
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `atlas db upgrade`")
run_migrations_online()

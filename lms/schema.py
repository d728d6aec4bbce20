"""Which SQLAlchemy metadata the migrations manage: the models' plus the plugins' extras."""

from flask import Flask
from sqlalchemy import MetaData

from lms.extensions import db


def managed_metadata(app: Flask) -> list[MetaData]:
    """Return every MetaData whose tables Alembic creates and compares."""
    extras = [
        metadata
        for batch in app.extensions["atlas_plugins"].hook.lms_extra_metadata()
        for metadata in batch or []
    ]
    return [db.metadata, *extras]

"""Fixtures of the xapi storage tests: a fresh real database per test, never the Flask app."""

import pytest
from sqlalchemy import create_engine

from tests.databases import fresh_database
from xapi.lrs import LRS
from xapi.store_sql import configure_sqlite, create_all_for_tests


@pytest.fixture
def engine(tmp_path):
    """An Engine on an empty database with the xapi tables.

    SQLite in ``tmp_path``, or a PostgreSQL schema of its own (dropped afterwards)
    when ATLAS_TEST_DATABASE_URL is set: the lead's LMS tests share that database.
    """
    with fresh_database(tmp_path) as url:
        engine = create_engine(url)
        configure_sqlite(engine)
        create_all_for_tests(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture
def conn(engine):
    """One transaction for the test, committed at the end like a request's unit of work."""
    with engine.begin() as connection:
        yield connection


@pytest.fixture
def lrs():
    return LRS(secret=b"test-secret", page_size=50)

"""The embedded client writes into the caller's transaction: it commits or rolls back with it."""

import pytest
from sqlalchemy import func, select

from tests.xapi.store_factories import AUTHORITY, make_statement
from xapi.client import EmbeddedClient
from xapi.store_sql import statements


def count(engine):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(statements)).scalar_one()


def test_statement_commits_with_the_unit_of_work(engine, lrs):
    sent = make_statement()
    with engine.begin() as conn:
        client = EmbeddedClient(lrs, lambda: conn, authority=AUTHORITY)
        client.put_statement(sent)
        assert client.post_statements([make_statement(id=None)])[0]
        assert client.get_statement(sent["id"].upper())["id"] == sent["id"]
        assert client.get_statement("0b6e5b2c-6a0e-4a4c-9a43-6c1a2f3c8c11") is None
    assert count(engine) == 2


def test_statement_rolls_back_with_the_unit_of_work(engine, lrs):
    with pytest.raises(RuntimeError), engine.begin() as conn:
        EmbeddedClient(lrs, lambda: conn, authority=AUTHORITY).put_statement(make_statement())
        raise RuntimeError("the enrolment failed")
    assert count(engine) == 0

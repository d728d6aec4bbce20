"""Statements the platform records itself: same transaction as the action, platform authority."""

import pytest
from sqlalchemy import func, select

from lms.db import utcnow
from lms.extensions import db
from lms.lrs.embedded import platform_authority, platform_client, record_statement
from tests.lms.lrs.builders import statement
from xapi.errors import StatementValidationError
from xapi.store_sql import statements as statements_table


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(statements_table))


def test_record_statement_stores_with_the_platform_authority(app, xapi):
    sent = statement()
    assert record_statement(sent, utcnow()) == sent["id"]
    db.session.commit()
    got = xapi.get("statements", params={"statementId": sent["id"]}).json
    assert got["authority"] == platform_authority()
    assert got["authority"]["account"]["name"] == "atlas-campus"


def test_record_statement_rolls_back_with_the_action(app):
    savepoint = db.session.begin_nested()
    record_statement(statement(), utcnow())
    assert count() == 1
    savepoint.rollback()
    assert count() == 0


def test_invalid_platform_statement_is_a_programming_error(app):
    with pytest.raises(StatementValidationError):
        record_statement(statement(verb={"id": "completed"}), utcnow())
    assert count() == 0


def test_platform_client_speaks_the_statement_client_protocol(app):
    client = platform_client()
    sent = statement()
    client.put_statement(sent)
    assert client.get_statement(sent["id"])["id"] == sent["id"]
    assert client.get_statement("00000000-0000-4000-8000-000000000000") is None

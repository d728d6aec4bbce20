"""Voiding: voided statements leave queries, stay fetchable by voidedStatementId."""

from datetime import timedelta

import pytest

from tests.xapi.store_factories import AUTHORITY, T0, learner, make_statement, voiding
from xapi.query import SingleStatementQuery, parse_statement_params
from xapi.store_errors import NotFoundError


def query_ids(lrs, conn, **params):
    return [s["id"] for s in lrs.query(conn, parse_statement_params(params)).statements]


def get(lrs, conn, **query):
    return lrs.get_statement(conn, SingleStatementQuery(**query)).statement


def test_voided_statement_leaves_queries(lrs, conn):
    target, void = make_statement(), None
    lrs.store(conn, [target], authority=AUTHORITY, now=T0)
    void = voiding(target["id"])
    lrs.store(conn, [void], authority=AUTHORITY, now=T0 + timedelta(seconds=1))
    assert query_ids(lrs, conn) == [void["id"]]
    assert get(lrs, conn, voided_statement_id=target["id"])["id"] == target["id"]
    with pytest.raises(NotFoundError):
        get(lrs, conn, statement_id=target["id"])
    with pytest.raises(NotFoundError):
        get(lrs, conn, voided_statement_id=void["id"])


def test_voiding_may_arrive_before_its_target(lrs, conn):
    target = make_statement()
    lrs.store(conn, [voiding(target["id"])], authority=AUTHORITY, now=T0)
    lrs.store(conn, [target], authority=AUTHORITY, now=T0 + timedelta(seconds=1))
    assert get(lrs, conn, voided_statement_id=target["id"])["id"] == target["id"]


def test_voiding_in_the_same_batch(lrs, conn):
    target = make_statement()
    void = voiding(target["id"])
    lrs.store(conn, [target, void], authority=AUTHORITY)
    assert query_ids(lrs, conn) == [void["id"]]


def test_a_voiding_statement_cannot_be_voided(lrs, conn):
    target = make_statement()
    void = voiding(target["id"])
    void_of_void = voiding(void["id"])
    lrs.store(conn, [target, void, void_of_void], authority=AUTHORITY)
    assert get(lrs, conn, statement_id=void["id"])["id"] == void["id"]
    assert set(query_ids(lrs, conn)) == {void["id"], void_of_void["id"]}


def test_voiding_statement_still_matches_filters_of_its_voided_target(lrs, conn):
    target = make_statement(actor=learner("ada"))
    void = voiding(target["id"])
    lrs.store(conn, [target, void], authority=AUTHORITY)
    agent = '{"account": {"homePage": "https://campus.example", "name": "ada"}}'
    assert query_ids(lrs, conn, agent=agent) == [void["id"]]


def test_voided_statement_is_exact_in_every_format(lrs, conn):
    target = make_statement()
    lrs.store(conn, [target, voiding(target["id"])], authority=AUTHORITY)
    ids_form = get(lrs, conn, voided_statement_id=target["id"], format="ids")
    assert ids_form["object"] == {"id": target["object"]["id"]}

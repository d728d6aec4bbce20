"""Paging with ``more``: stable pages while statements arrive, signed tokens, limits."""

import json
from datetime import timedelta

import pytest

from tests.xapi.store_factories import AUTHORITY, T0, make_statement
from xapi.lrs import LRS
from xapi.query import StatementQuery, parse_statement_params
from xapi.store_errors import BadRequestError


def token(result) -> str:
    return result.more.split("more=", 1)[1]


def store_many(lrs, conn, n, start=T0):
    batch = [make_statement() for _ in range(n)]
    lrs.store(conn, batch, authority=AUTHORITY, now=start)
    return [s["id"] for s in batch]


def walk(lrs, conn, query):
    result = lrs.query(conn, query)
    seen = [s["id"] for s in result.statements]
    while result.more:
        result = lrs.query_more(conn, token(result))
        seen += [s["id"] for s in result.statements]
    return seen


@pytest.mark.parametrize("ascending", [False, True])
def test_pages_cover_everything_once(lrs, conn, ascending):
    stored = store_many(lrs, conn, 23)
    query = StatementQuery(limit=5, ascending=ascending)
    assert walk(lrs, conn, query) == (stored if ascending else stored[::-1])


def test_more_is_a_relative_irl_and_empty_on_the_last_page(lrs, conn):
    store_many(lrs, conn, 3)
    first = lrs.query(conn, StatementQuery(limit=2))
    assert first.more.startswith("/xapi/statements?more=")
    assert lrs.query_more(conn, token(first)).more == ""
    assert lrs.query(conn, StatementQuery(limit=3)).more == ""


@pytest.mark.parametrize("ascending", [False, True])
def test_new_statements_do_not_shift_pages(lrs, conn, ascending):
    stored = store_many(lrs, conn, 10)
    first = lrs.query(conn, StatementQuery(limit=4, ascending=ascending))
    store_many(lrs, conn, 5, start=T0 + timedelta(minutes=1))
    rest = []
    result = first
    while result.more:
        result = lrs.query_more(conn, token(result))
        rest += [s["id"] for s in result.statements]
    expected = stored if ascending else stored[::-1]
    assert [s["id"] for s in first.statements] + rest == expected


def test_limit_zero_and_above_maximum_use_the_page_size(conn):
    lrs = LRS(secret=b"s", page_size=4)
    store_many(lrs, conn, 6)
    assert len(lrs.query(conn, StatementQuery(limit=0)).statements) == 4
    assert len(lrs.query(conn, StatementQuery(limit=100)).statements) == 4
    assert len(lrs.query(conn, StatementQuery(limit=2)).statements) == 2


def test_more_keeps_filters_and_format(lrs, conn):
    store_many(lrs, conn, 4)
    query = parse_statement_params(
        {"limit": "1", "format": "ids", "verb": make_statement()["verb"]["id"]}
    )
    second = lrs.query_more(conn, token(lrs.query(conn, query)))
    assert second.statements[0]["verb"] == {"id": make_statement()["verb"]["id"]}
    assert second.more


def test_forged_or_foreign_token_is_rejected(lrs, conn):
    store_many(lrs, conn, 3)
    good = token(lrs.query(conn, StatementQuery(limit=1)))
    body, signature = good.split(".")
    with pytest.raises(BadRequestError):
        lrs.query_more(conn, body + "." + "0" * len(signature))
    with pytest.raises(BadRequestError):
        LRS(secret=b"another secret").query_more(conn, good)
    with pytest.raises(BadRequestError):
        lrs.query_more(conn, "not a token")


def test_empty_store_gives_an_empty_result(lrs, conn):
    result = lrs.query(conn, StatementQuery())
    assert result.as_json() == {"statements": [], "more": ""}
    assert result.last_stored is None


def test_consistent_through_lags_by_the_settle_time(lrs):
    assert lrs.consistent_through(T0) == T0 - timedelta(seconds=1)


class Clock:
    """A clock the test moves forward."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_more_links_expire_after_their_documented_lifetime(conn):
    """Data 2.4.4 (StatementResult ``more``): usable for at least 24 hours, not forever."""
    clock = Clock(T0 + timedelta(minutes=1))
    lrs = LRS(secret=b"s", page_size=2, clock=clock)
    store_many(lrs, conn, 5)
    first = lrs.query(conn, StatementQuery())
    clock.now += timedelta(hours=23, minutes=59)
    assert len(lrs.query_more(conn, token(first)).statements) == 2
    clock.now += timedelta(minutes=2)
    with pytest.raises(BadRequestError) as caught:
        lrs.query_more(conn, token(first))
    assert "expired" in caught.value.message


def test_more_links_stay_short_whatever_the_filter(conn):
    """Long filters are kept by the LRS, the link carries their digest (Data 2.4.4:
    avoid generating extremely long IRLs)."""
    lrs = LRS(secret=b"s", page_size=2, clock=lambda: T0 + timedelta(minutes=1))
    agent = {"objectType": "Agent",
             "account": {"homePage": "https://campus.example", "name": "x" * 3000}}
    batch = [make_statement(actor=agent) for _ in range(5)]
    lrs.store(conn, batch, authority=AUTHORITY, now=T0)
    query = parse_statement_params({
        "agent": json.dumps(agent), "verb": batch[0]["verb"]["id"],
        "activity": batch[0]["object"]["id"], "related_activities": "true",
    })
    result = lrs.query(conn, query)
    seen = [s["id"] for s in result.statements]
    assert 0 < len(result.more) < 500
    while result.more:
        result = lrs.query_more(conn, token(result))
        assert len(result.more) < 500
        seen += [s["id"] for s in result.statements]
    assert sorted(seen) == sorted(s["id"] for s in batch)

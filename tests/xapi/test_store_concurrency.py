"""Concurrent writers on PostgreSQL: the same statement id from two requests, overlapping claims."""

import threading

import pytest

from tests.xapi.store_factories import AUTHORITY, T0, learner, make_statement
from xapi import outbox
from xapi.store_errors import ConflictError

pytestmark = pytest.mark.postgres_only


def race(engine, lrs, first, second):
    """Store ``first`` in an open transaction, start storing ``second`` in another, commit.

    The second INSERT waits on the first's uncommitted row, then sees it committed.
    """
    outcome = {}
    started = threading.Event()

    def other():
        try:
            with engine.begin() as conn:
                started.set()
                outcome["result"] = lrs.store(conn, [second], authority=AUTHORITY)
        except ConflictError as error:
            outcome["error"] = error

    with engine.begin() as conn:
        lrs.store(conn, [first], authority=AUTHORITY)
        thread = threading.Thread(target=other)
        thread.start()
        started.wait()
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the second writer should wait for the first"
    thread.join(timeout=10)
    return outcome


def test_identical_concurrent_resend_is_a_noop(engine, lrs):
    statement = make_statement()
    outcome = race(engine, lrs, statement, dict(statement))
    assert not outcome["result"].created


def test_different_concurrent_statement_conflicts(engine, lrs):
    statement = make_statement()
    outcome = race(engine, lrs, statement, {**statement, "actor": learner("other")})
    assert isinstance(outcome["error"], ConflictError)


def test_concurrent_claims_never_overlap(engine, lrs):
    with engine.begin() as conn:
        upstream = outbox.add_upstream(conn, "central", "http://127.0.0.1:9/", now=T0)
        lrs.store(conn, [make_statement() for _ in range(40)], authority=AUTHORITY, now=T0)
    claimed: list[list[int]] = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        for _ in range(5):
            with engine.begin() as conn:
                items = outbox.claim_batch(conn, upstream, now=T0, limit=3)
            claimed.append([i.id for i in items])

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [item for batch in claimed for item in batch]
    assert len(flat) == len(set(flat))

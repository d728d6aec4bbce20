"""The forwarding outbox: what is queued for whom, claims, leases and back-off."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.xapi.store_factories import ATTEMPTED, AUTHORITY, COURSE, HOME, T0, make_statement
from xapi import outbox
from xapi.store_errors import BadRequestError, NotFoundError
from xapi.store_sql import outbox as outbox_table


def add(conn, name="central", **options):
    return outbox.add_upstream(conn, name, "http://127.0.0.1:9/xapi", now=T0, **options)


def queued(conn):
    return conn.execute(
        select(outbox_table.c.upstream_id, outbox_table.c.statement_id).order_by(outbox_table.c.id)
    ).all()


def test_nothing_is_queued_without_upstreams(lrs, conn):
    lrs.store(conn, [make_statement()], authority=AUTHORITY, now=T0)
    assert queued(conn) == []


def test_each_new_statement_is_queued_once_per_upstream(lrs, conn):
    central, region = add(conn, "central"), add(conn, "region")
    batch = [make_statement(), make_statement()]
    lrs.store(conn, batch, authority=AUTHORITY, now=T0)
    lrs.store(conn, batch, authority=AUTHORITY, now=T0)  # resend: nothing new
    assert sorted(queued(conn)) == sorted((u.id, s["id"]) for u in (central, region) for s in batch)


def test_disabled_upstream_gets_nothing(lrs, conn):
    add(conn, is_enabled=False)
    lrs.store(conn, [make_statement()], authority=AUTHORITY, now=T0)
    assert queued(conn) == []
    outbox.set_upstream_enabled(conn, "central", True)
    lrs.store(conn, [make_statement()], authority=AUTHORITY, now=T0)
    assert len(queued(conn)) == 1


def test_filters_select_verbs_and_activity_prefixes(lrs, conn):
    add(conn, verbs=[ATTEMPTED], activity_prefixes=[COURSE])
    wanted = make_statement(verb={"id": ATTEMPTED})
    lrs.store(
        conn,
        [
            wanted,
            make_statement(),
            make_statement(
                verb={"id": ATTEMPTED}, context=None, object={"id": f"{HOME}/elsewhere"}
            ),
        ],
        authority=AUTHORITY,
    )
    assert [r.statement_id for r in queued(conn)] == [wanted["id"]]


def test_results_can_be_withheld(lrs, conn):
    upstream = add(conn, include_results=False)
    lrs.store(conn, [make_statement(result={"success": True})], authority=AUTHORITY, now=T0)
    (item,) = outbox.claim_batch(conn, upstream, now=T0)
    assert "result" not in item.statement and "stored" not in item.statement
    assert item.statement["authority"] == AUTHORITY


def test_upstream_names_are_unique_and_endpoints_http(conn):
    add(conn)
    with pytest.raises(BadRequestError):
        add(conn)
    with pytest.raises(BadRequestError):
        outbox.add_upstream(conn, "ftp", "ftp://example.org/", now=T0)
    with pytest.raises(NotFoundError):
        outbox.get_upstream(conn, "missing")
    assert [u.name for u in outbox.list_upstreams(conn)] == ["central"]
    assert outbox.get_upstream(conn, "central").endpoint == "http://127.0.0.1:9/xapi/"


def test_claims_do_not_overlap_until_the_lease_ends(lrs, conn):
    upstream = add(conn)
    lrs.store(conn, [make_statement() for _ in range(5)], authority=AUTHORITY, now=T0)
    first = outbox.claim_batch(conn, upstream, now=T0, limit=3)
    second = outbox.claim_batch(conn, upstream, now=T0, limit=3)
    assert len(first) == 3 and len(second) == 2
    assert not {i.id for i in first} & {i.id for i in second}
    assert outbox.claim_batch(conn, upstream, now=T0 + timedelta(minutes=1)) == []
    reclaimed = outbox.claim_batch(conn, upstream, now=T0 + outbox.LEASE + timedelta(seconds=1))
    assert len(reclaimed) == 5


def test_sent_items_are_done(lrs, conn):
    upstream = add(conn)
    lrs.store(conn, [make_statement()], authority=AUTHORITY, now=T0)
    items = outbox.claim_batch(conn, upstream, now=T0)
    outbox.mark_sent(conn, [i.id for i in items], now=T0)
    later = T0 + timedelta(days=1)
    assert outbox.claim_batch(conn, upstream, now=later) == []
    assert outbox.queue_counts(conn, upstream) == {"pending": 0, "sent": 1, "failed": 0}
    assert outbox.purge_sent(conn, before=later) == 1


def test_failures_back_off_exponentially(lrs, conn):
    upstream = add(conn)
    lrs.store(conn, [make_statement()], authority=AUTHORITY, now=T0)
    now = T0
    delays = []
    for _ in range(4):
        (item,) = outbox.claim_batch(conn, upstream, now=now)
        outbox.mark_failed(conn, [item.id], "connection refused", now=now)
        due = conn.execute(select(outbox_table.c.next_attempt_at)).scalar_one()
        delays.append(due - now)
        assert outbox.claim_batch(conn, upstream, now=due - timedelta(seconds=1)) == []
        now = due
    assert delays == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert outbox.retry_delay(40) == outbox.MAX_DELAY


def test_permanent_failures_are_parked_until_requeued(lrs, conn):
    upstream = add(conn)
    lrs.store(conn, [make_statement()], authority=AUTHORITY, now=T0)
    (item,) = outbox.claim_batch(conn, upstream, now=T0)
    outbox.mark_failed(conn, [item.id], "400 bad statement", now=T0, permanent=True)
    assert outbox.claim_batch(conn, upstream, now=T0 + timedelta(days=30)) == []
    assert outbox.queue_counts(conn, upstream)["failed"] == 1
    assert outbox.requeue_failed(conn, upstream, now=T0) == 1
    assert len(outbox.claim_batch(conn, upstream, now=T0)) == 1

"""Forwarding through the outbox to a real HTTP upstream on 127.0.0.1, also one that is down."""

import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.xapi.store_factories import AUTHORITY, T0, learner, make_statement
from tests.xapi.upstream_server import UpstreamLRS
from xapi import outbox
from xapi.client import RemoteLRSClient, RemoteRejectedError, TransportError
from xapi.forwarding import forward_pending
from xapi.query import SingleStatementQuery, StatementQuery
from xapi.statement_store import AttachmentData
from xapi.store_sql import outbox as outbox_table


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def upstream(tmp_path):
    server = UpstreamLRS(tmp_path).start()
    yield server
    server.close()


@pytest.fixture
def clock():
    return Clock()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def register(engine, endpoint, **options):
    with engine.begin() as conn:
        options.setdefault("username", "fwd")
        options.setdefault("password", "secret")
        return outbox.add_upstream(conn, "central", endpoint, now=T0, **options)


def store(engine, lrs, statements):
    with engine.begin() as conn:
        lrs.store(conn, statements, authority=AUTHORITY, now=T0)


def remote_ids(upstream):
    with upstream.engine.connect() as conn:
        return {s["id"] for s in upstream.lrs.query(conn, StatementQuery()).statements}


def statuses(engine):
    with engine.connect() as conn:
        return conn.execute(
            select(outbox_table.c.status, outbox_table.c.attempts).order_by(outbox_table.c.id)
        ).all()


def test_statements_reach_the_upstream_unchanged(engine, lrs, upstream, clock):
    register(engine, upstream.endpoint)
    batch = [make_statement(result={"success": True}) for _ in range(3)]
    store(engine, lrs, batch)
    report = forward_pending(engine, "central", lrs=lrs, clock=clock)
    assert (report.sent, report.retrying, report.failed) == (3, 0, 0)
    assert remote_ids(upstream) == {s["id"] for s in batch}
    assert {r for r in upstream.requests} == {("PUT", "/xapi/statements")}
    with upstream.engine.connect() as conn:
        remote = upstream.lrs.get_statement(
            conn, SingleStatementQuery(statement_id=batch[0]["id"])
        ).statement
    with engine.connect() as conn:
        local = lrs.get_statement(conn, SingleStatementQuery(statement_id=batch[0]["id"])).statement
    assert remote["timestamp"] == local["timestamp"]
    assert {k: remote[k] for k in ("actor", "verb", "object", "result", "context")} == {
        k: local[k] for k in ("actor", "verb", "object", "result", "context")
    }
    assert statuses(engine) == [("sent", 0)] * 3
    assert forward_pending(engine, "central", lrs=lrs, clock=clock).sent == 0


def test_upstream_down_keeps_everything_for_later(engine, lrs, tmp_path, clock):
    port = free_port()
    register(engine, f"http://127.0.0.1:{port}/xapi")
    batch = [make_statement() for _ in range(4)]
    store(engine, lrs, batch)
    report = forward_pending(engine, "central", lrs=lrs, clock=clock)
    assert (report.sent, report.retrying) == (0, 4)
    assert statuses(engine) == [("pending", 1)] * 4
    server = UpstreamLRS(tmp_path, port=port).start()
    try:
        assert forward_pending(engine, "central", lrs=lrs, clock=clock).sent == 0  # backing off
        clock.now += timedelta(seconds=31)
        assert forward_pending(engine, "central", lrs=lrs, clock=clock).sent == 4
        assert remote_ids(server) == {s["id"] for s in batch}
    finally:
        server.close()
    assert statuses(engine) == [("sent", 1)] * 4


def test_resend_after_a_lost_answer_is_harmless(engine, lrs, upstream, clock):
    up = register(engine, upstream.endpoint)
    sent = make_statement()
    store(engine, lrs, [sent])
    with engine.begin() as conn:
        (item,) = outbox.claim_batch(conn, up, now=clock())
    RemoteLRSClient(up.endpoint, username="fwd", password="secret").put_statement(item.statement)
    # the worker died before recording the outcome; the lease runs out and it is sent again
    clock.now += outbox.LEASE + timedelta(seconds=1)
    assert forward_pending(engine, "central", lrs=lrs, clock=clock).sent == 1
    assert remote_ids(upstream) == {sent["id"]}


def test_different_statement_upstream_is_parked(engine, lrs, upstream, clock):
    register(engine, upstream.endpoint)
    sent = make_statement()
    with upstream.engine.begin() as conn:
        upstream.lrs.store(conn, [{**sent, "actor": learner("somebody-else")}], authority=AUTHORITY)
    store(engine, lrs, [sent])
    report = forward_pending(engine, "central", lrs=lrs, clock=clock)
    assert (report.sent, report.failed) == (0, 1)
    assert statuses(engine) == [("failed", 1)]


def test_wrong_credentials_are_retried_not_parked(engine, lrs, upstream, clock):
    register(engine, upstream.endpoint, password="wrong")
    store(engine, lrs, [make_statement()])
    report = forward_pending(engine, "central", lrs=lrs, clock=clock)
    assert (report.retrying, report.failed) == (1, 0)
    assert statuses(engine) == [("pending", 1)]


def test_results_are_withheld_when_the_upstream_says_so(engine, lrs, upstream, clock):
    register(engine, upstream.endpoint, include_results=False)
    sent = make_statement(result={"score": {"scaled": 0.4}})
    store(engine, lrs, [sent])
    forward_pending(engine, "central", lrs=lrs, clock=clock)
    with upstream.engine.connect() as conn:
        remote = upstream.lrs.get_statement(conn, SingleStatementQuery(statement_id=sent["id"]))
    assert "result" not in remote.statement


def test_attachments_travel_as_multipart(engine, lrs, upstream, clock):
    register(engine, upstream.endpoint)
    content = b"signed attendance sheet"
    sha2 = "b" * 64
    sent = make_statement(
        attachments=[
            {
                "usageType": "https://campus.example/usage/sheet",
                "display": {"en-US": "sheet"},
                "contentType": "text/plain",
                "length": len(content),
                "sha2": sha2,
            }
        ]
    )
    with engine.begin() as conn:
        lrs.store(
            conn,
            [sent],
            authority=AUTHORITY,
            now=T0,
            attachment_data={sha2: AttachmentData(sha2, "text/plain", content)},
        )
    assert forward_pending(engine, "central", lrs=lrs, clock=clock).sent == 1
    with upstream.engine.connect() as conn:
        assert upstream.lrs.load_attachments(conn, [sha2])[sha2].content == content


def test_remote_client_post_and_get(upstream):
    client = RemoteLRSClient(upstream.endpoint, username="fwd", password="secret")
    batch = [make_statement(), make_statement()]
    assert client.post_statements(batch) == [s["id"] for s in batch]
    assert client.get_statement(batch[0]["id"])["id"] == batch[0]["id"]
    assert client.get_statement("0b6e5b2c-6a0e-4a4c-9a43-6c1a2f3c8c11") is None


def test_remote_client_errors():
    with pytest.raises(TransportError):
        RemoteLRSClient(f"http://127.0.0.1:{free_port()}/xapi/", timeout=2).get_statement("x")
    error = RemoteRejectedError(400, "bad")
    assert error.permanent and not RemoteRejectedError(503, "busy").permanent

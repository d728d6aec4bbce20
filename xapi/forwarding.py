"""The forwarding worker: claim queued statements, PUT them upstream, record the outcome."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from xapi import outbox
from xapi.client import RemoteLRSClient, RemoteRejectedError, StatementClient, TransportError
from xapi.isotime import utcnow
from xapi.lrs import LRS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForwardReport:
    """Counts of one :func:`forward_pending` run."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


def remote_client_for(upstream: outbox.Upstream) -> RemoteLRSClient:
    """The HTTP client for an upstream's endpoint and credentials."""
    return RemoteLRSClient(
        upstream.endpoint,
        username=upstream.username,
        password=upstream.password,
        version=upstream.version,
    )


def forward_pending(
    engine: Engine,
    upstream_name: str,
    *,
    lrs: LRS,
    client_for: Callable[[outbox.Upstream], StatementClient] = remote_client_for,
    clock: Callable[[], datetime] = utcnow,
    limit: int = 50,
) -> ForwardReport:
    """Send one batch of an upstream's due statements; call it from a job, repeatedly.

    The claim and the outcome are two short transactions; the HTTP calls run between
    them, holding no database lock. After the first transport error the rest of the
    batch is rescheduled untried: an upstream that is down gets one request per run.
    """
    with engine.begin() as conn:
        upstream = outbox.get_upstream(conn, upstream_name)
        items = outbox.claim_batch(conn, upstream, now=clock(), limit=limit)
        data = lrs.load_attachments(conn, {s for i in items for s in i.attachment_sha2s})
    if not items:
        return ForwardReport()
    client = client_for(upstream)
    sent: list[int] = []
    retry: dict[int, str] = {}
    failed: dict[int, str] = {}
    for index, item in enumerate(items):
        try:
            client.put_statement(
                item.statement, [data[s] for s in item.attachment_sha2s if s in data]
            )
        except TransportError as exc:
            for rest in items[index:]:
                retry[rest.id] = str(exc)
            log.warning("upstream %s unreachable: %s", upstream.name, exc)
            break
        except RemoteRejectedError as exc:
            (failed if exc.permanent else retry)[item.id] = str(exc)
            log.warning("upstream %s refused %s: %s", upstream.name, item.statement_id, exc)
        else:
            sent.append(item.id)
    with engine.begin() as conn:
        now = clock()
        outbox.mark_sent(conn, sent, now=now)
        for item_id, error in retry.items():
            outbox.mark_failed(conn, [item_id], error, now=now)
        for item_id, error in failed.items():
            outbox.mark_failed(conn, [item_id], error, now=now, permanent=True)
    return ForwardReport(sent=len(sent), retrying=len(retry), failed=len(failed))

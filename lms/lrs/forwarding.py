"""The forwarding worker: drain every enabled upstream's outbox through :mod:`xapi.forwarding`.

``atlas lrs forward`` runs it; claims and outcomes are short transactions of their own, so
several workers (or a worker and the web processes) may run at the same time.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine

from xapi import outbox
from xapi.client import StatementClient
from xapi.forwarding import ForwardReport, forward_pending, remote_client_for
from xapi.isotime import utcnow
from xapi.lrs import LRS

log = logging.getLogger(__name__)

#: Batches per upstream in one round, so one busy upstream cannot starve the others.
MAX_BATCHES = 200


def forward_round(
    engine: Engine,
    lrs: LRS,
    *,
    names: tuple[str, ...] = (),
    client_for: Callable[[outbox.Upstream], StatementClient] = remote_client_for,
    clock: Callable[[], datetime] = utcnow,
    batch_size: int = 50,
) -> dict[str, ForwardReport]:
    """Send what is due for each enabled upstream (or those named); counts per upstream.

    An upstream stops for this round when a batch sends nothing: the queue is empty, or
    the upstream is down and its items wait for their back-off.
    """
    with engine.connect() as conn:
        upstreams = [
            u for u in outbox.list_upstreams(conn)
            if u.is_enabled and (not names or u.name in names)
        ]
    reports: dict[str, ForwardReport] = {}
    for upstream in upstreams:
        sent = retrying = failed = 0
        for _ in range(MAX_BATCHES):
            report = forward_pending(
                engine, upstream.name, lrs=lrs, client_for=client_for, clock=clock,
                limit=batch_size,
            )
            sent, retrying, failed = (
                sent + report.sent, retrying + report.retrying, failed + report.failed
            )
            if report.sent == 0 and report.failed == 0:
                break
        reports[upstream.name] = ForwardReport(sent=sent, retrying=retrying, failed=failed)
        if sent or retrying or failed:
            log.info("forwarded to %s: %d sent, %d to retry, %d failed for good",
                     upstream.name, sent, retrying, failed)
    return reports

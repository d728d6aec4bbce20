"""The LRS's schedule: forward the outbox to upstream LRSs.

The outbox keeps its own idempotency (PUT by statement id, claims in short transactions of
their own), so a round that overlaps another one, or a retried job, sends nothing twice.
"""

from datetime import timedelta

from lms.extensions import db
from lms.jobs import every
from lms.jobs.metrics import STATEMENTS_FORWARDED
from lms.lrs.embedded import platform_lrs
from lms.lrs.forwarding import forward_round


@every(timedelta(minutes=1), name="lrs.forward")
def forward() -> None:
    """Send what is due to every enabled upstream; count the outcomes for /metrics."""
    for report in forward_round(db.engine, platform_lrs()).values():
        STATEMENTS_FORWARDED.labels(result="sent").inc(report.sent)
        STATEMENTS_FORWARDED.labels(result="retrying").inc(report.retrying)
        STATEMENTS_FORWARDED.labels(result="failed").inc(report.failed)

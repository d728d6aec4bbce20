"""The company portal's schedule: rosters, department assignments, reminders and digests.

Run by the scheduler (``atlas scheduler``, or the web process without Redis) instead of a
cron entry; ``atlas companies remind`` runs the same function by hand.
"""

from datetime import datetime, timedelta

from flask import current_app

from lms.companies.assignments import sync_assignments
from lms.companies.reminders import run_reminders
from lms.db import utcnow
from lms.jobs import every
from lms.sessions.attendance import close_ended_sessions


def daily_round(now: datetime) -> dict:
    """Close ended sessions' rosters, sync department assignments, then mail reminders and
    digests (the digests then show the credited attendance). Flush only; returns counts."""
    closed = close_ended_sessions(now)
    created = sync_assignments(now)
    # mails carry links: build them against the public URL, as a request would
    with current_app.test_request_context("/", base_url=current_app.config["ATLAS_BASE_URL"]):
        counts = run_reminders(now)
    return {"closed": len(closed), "created": created, **counts}


@every(timedelta(hours=1), name="companies.reminders")
def reminders() -> None:
    """Hourly: each reminder and digest is recorded in ``sent_reminders`` and sent once."""
    daily_round(utcnow())

"""Self-study time as measured from a learner's own activity in the LRS.

The progress projection sums the authors' estimated minutes of the lessons done: 16
lessons clicked through in two minutes are ten hours there. Funding asks for time
actually spent, so this module measures it from the timestamps of the learner's
statements in one enrolment (its registration): the gaps between consecutive activity
events, each gap capped (a pause, or a closed browser, is not learning time). Time
after the last event of a sitting is not seen and not counted: the figure errs low.
"""

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from lms.extensions import db
from xapi import vocabulary
from xapi.store_sql import statements as statement_table

#: the longest gap between two events that still counts as learning in between
MAX_GAP = timedelta(minutes=30)
#: learner activity; not enrolment, attendance (synchronous) or corrections
ACTIVITY_VERBS = ("launched", "initialized", "experienced", "answered", "attempted",
                  "progressed", "passed", "failed", "completed", "terminated")
_BATCH = 500


def measured_minutes(registrations: Iterable[str]) -> dict[str, int]:
    """Minutes of measured self-study per registration (missing: none measured)."""
    verb_ids = [vocabulary.verb(name)["id"] for name in ACTIVITY_VERBS]
    wanted = sorted(set(registrations))
    totals: dict[str, int] = {}
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start:start + _BATCH]
        previous: dict[str, object] = {}
        seconds: dict[str, float] = {}
        for registration, moment in db.session.execute(
                select(statement_table.c.registration, statement_table.c.timestamp)
                .where(statement_table.c.registration.in_(chunk),
                       statement_table.c.verb_id.in_(verb_ids),
                       statement_table.c.is_voided.is_(False))
                .order_by(statement_table.c.registration, statement_table.c.timestamp)):
            last = previous.get(registration)
            if last is not None:
                seconds[registration] = seconds.get(registration, 0.0) + min(
                    moment - last, MAX_GAP).total_seconds()
            previous[registration] = moment
        totals.update({key: round(value / 60) for key, value in seconds.items()})
    return totals

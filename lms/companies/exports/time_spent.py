"""Self-study time as measured from a learner's own activity in the LRS.

The progress projection sums the authors' estimated minutes of the lessons done: 16
lessons clicked through in two minutes are ten hours there. Funding asks for time
actually spent, so this module measures it from the timestamps of the learner's
statements in one enrolment (its registration), as the platform recorded them: the gaps
between consecutive activity events, each gap capped (a pause, or a closed browser, is not
learning time). Time after the last event of a sitting is not seen and not counted: the
figure errs low.
"""

from collections.abc import Iterable
from datetime import timedelta

from lms.extensions import db
from lms.lrs.embedded import platform_authority
from xapi import reads, vocabulary

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
        # only what the platform recorded: a client's statements must not add hours
        for registration, moment in reads.activity_times(
                db.session.connection(), chunk, verb_ids, authority=platform_authority()):
            last = previous.get(registration)
            if last is not None:
                seconds[registration] = seconds.get(registration, 0.0) + min(
                    moment - last, MAX_GAP).total_seconds()
            previous[registration] = moment
        totals.update({key: round(value / 60) for key, value in seconds.items()})
    return totals

"""Trainers' looks at learners' results, written into each learner's access log.

The learner reads them at /me/access-log next to their employer's accesses. The entries
carry no organisation: they concern the learner, not the company, so a works council's
company log does not list them.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.companies.audit import VIEW_DEDUPE_WINDOW
from lms.companies.models import AccessLogEntry
from lms.extensions import db


def _role(actor: User) -> str:
    return "admin" if actor.is_admin else "trainer"


def record_trainer_access(actor: User, course: Course | None, subject_ids: Iterable[int],
                          action: str, now: datetime, detail: str = "") -> int:
    """Write one entry per learner whose results ``actor`` saw or exported (flush only).

    Page views (``trainer_view_*``) of the same learner by the same trainer within
    ``VIEW_DEDUPE_WINDOW`` make one entry, as for companies; exports are always written.
    Returns the number of entries written.
    """
    ids = sorted(set(subject_ids))
    if not ids:
        return 0
    detail = (detail or course.slug)[:500]
    if action.startswith("trainer_view_"):
        seen = set(db.session.scalars(select(AccessLogEntry.subject_id).where(
            AccessLogEntry.actor_id == actor.id, AccessLogEntry.action == action,
            AccessLogEntry.detail == detail, AccessLogEntry.subject_id.in_(ids),
            AccessLogEntry.at > now - VIEW_DEDUPE_WINDOW)))
        ids = [i for i in ids if i not in seen]
    if ids:
        db.session.execute(insert(AccessLogEntry), [
            {"organisation_id": None, "actor_id": actor.id, "actor_name": actor.name,
             "actor_role": _role(actor), "subject_id": subject_id, "action": action,
             "detail": detail, "at": now} for subject_id in ids])
        db.session.flush()
    return len(ids)

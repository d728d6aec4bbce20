"""Lessons reopened by version moves: statements on them from before the move no longer count.

Its own small module so that the progress projection can use it without importing the
version move (which uses the projection to recount).
"""

from datetime import datetime

from sqlalchemy import select

from lms.extensions import db
from lms.learning.models import Enrolment, VersionMove


def reopened_lessons(enrolment: Enrolment) -> dict[str, datetime]:
    """Lesson id → when it was last reopened by a move in the enrolment's current cycle.

    A statement on such a lesson stored before that time belongs to the old content and
    must not count again when the projection is rebuilt.
    """
    result: dict[str, datetime] = {}
    for moved_at, lesson_ids in db.session.execute(
            select(VersionMove.moved_at, VersionMove.reopened).where(
                VersionMove.enrolment_id == enrolment.id,
                VersionMove.registration == enrolment.registration)):
        for lesson_id in lesson_ids or []:
            if lesson_id not in result or moved_at > result[lesson_id]:
                result[lesson_id] = moved_at
    return result

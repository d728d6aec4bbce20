"""Demo data for learning: the demo learner on two courses, through the real services.

Lena enrols herself in e-mobility and works through its first lessons (launched and
completed statements, so the projection is what it would be live). Her manager's assignment
of digital production is the company portal's demo (``lms.companies.demo``): learning sits
below companies. Running it again changes nothing.
"""

from datetime import datetime

from sqlalchemy import select

from lms.accounts.services import find_user_by_email
from lms.catalog.models import Course
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning import player

LEARNER = "lena@sauerland-metall.example"
LESSONS_DONE = 3


def _course(slug: str) -> Course | None:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    return course if course is not None and course.published_version_id else None


def seed_demo_learning(now: datetime) -> list[str]:
    """Enrol the demo learner (idempotent); return lines to print."""
    learner = find_user_by_email(LEARNER)
    if learner is None:
        return []
    lines = []
    course = _course("e-mobility")
    if course is not None and enrolments.find_enrolment(learner, course) is None:
        enrolment = enrolments.enrol(learner, course, learner, now)
        state = player.lesson_state(enrolment)
        lessons = [lesson for lesson in state.lessons if lesson.kind == "lesson"]
        for lesson in lessons[:LESSONS_DONE]:
            player.open_lesson(state, lesson.id, learner.locale, now)
            player.mark_lesson_done(state, lesson.id, learner.locale, now)
        if len(lessons) > LESSONS_DONE:
            player.open_lesson(state, lessons[LESSONS_DONE].id, learner.locale, now)
        lines.append(f"  learning: {learner.email} enrolled in e-mobility, "
                     f"{min(LESSONS_DONE, len(lessons))} lessons done")
    return lines

"""Demo data for learning: the demo learner on two courses, through the real services.

Lena enrols herself in e-mobility and works through its first lessons (launched and
completed statements, so the projection is what it would be live); her manager assigns
digital production with a due date in three weeks (an assignment the portal lists).
Running it again changes nothing.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from lms.accounts.services import find_user_by_email
from lms.catalog.models import Course
from lms.companies.assignments import assign_course, has_assignment
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.learning import player
from lms.local_time import local_day

LEARNER = "lena@sauerland-metall.example"
MANAGER = "manager@sauerland-metall.example"
LESSONS_DONE = 3


def _course(slug: str) -> Course | None:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    return course if course is not None and course.published_version_id else None


def seed_demo_learning(now: datetime) -> list[str]:
    """Enrol the demo learner (idempotent); return lines to print."""
    learner, manager = find_user_by_email(LEARNER), find_user_by_email(MANAGER)
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
    course = _course("digital-production")
    if course is not None and manager is not None and learner.membership is not None:
        # through the company portal's service, so the assignment is listed (and can be
        # revoked) under "Zuweisungen" like one made on the page; an enrolment alone was not
        enrolment = enrolments.find_enrolment(learner, course)
        if enrolment is None or not has_assignment(learner, course):
            today = local_day(now)
            due_on = enrolment.due_on if enrolment is not None and enrolment.due_on \
                and enrolment.due_on >= today else local_day(now + timedelta(weeks=3))
            assign_course(manager, learner.membership.organisation, course, now=now,
                          user_ids=[learner.id], due_on=due_on)
            lines.append(f"  learning: {learner.email} assigned digital-production by "
                         f"{manager.email}, due in 3 weeks")
    return lines

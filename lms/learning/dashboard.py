"""The learner's "Mein Lernen": courses with progress, next step and due date.

One query for the enrolments (with course, version and progress) and one for the lessons
done, whatever the number of courses: the page must not grow a query per course.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from lms.accounts.models import User
from lms.catalog.outline import localized
from lms.catalog.version_content import content_for
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment, LessonProgress
from lms.learning.player import DONE_STATUSES
from lms.local_time import local_day


@dataclass
class CourseCard:
    """One course on the dashboard."""

    enrolment: Enrolment
    title: str
    percent: int
    completed_at: datetime | None
    next_lesson_id: str | None
    next_lesson_title: str | None
    is_started: bool
    is_overdue: bool

    @property
    def slug(self) -> str:
        return self.enrolment.course.slug


@dataclass
class Dashboard:
    assigned: list[CourseCard]
    enrolled: list[CourseCard]
    completed: list[CourseCard]

    @property
    def is_empty(self) -> bool:
        return not (self.assigned or self.enrolled or self.completed)


def _next_lesson(model, enrolment: Enrolment, done: set[str]):
    lessons = list(model.lessons())
    if enrolment.last_lesson_id:
        lesson = model.lesson(enrolment.last_lesson_id)
        if lesson is not None:
            return lesson
    return next((lesson for lesson in lessons if lesson.id not in done),
                lessons[0] if lessons else None)


def learner_dashboard(user: User, language: str, now: datetime) -> Dashboard:
    """Return ``user``'s active enrolments as cards, split into assigned, own and completed."""
    rows = db.session.execute(
        select(Enrolment, CourseProgress)
        .join(Enrolment.course)
        .join(Enrolment.course_version)
        .outerjoin(CourseProgress, and_(CourseProgress.user_id == Enrolment.user_id,
                                        CourseProgress.course_id == Enrolment.course_id))
        .options(contains_eager(Enrolment.course), contains_eager(Enrolment.course_version))
        .where(Enrolment.user_id == user.id, Enrolment.status == "active")
        .order_by(Enrolment.due_on.is_(None), Enrolment.due_on, Enrolment.enrolled_at.desc())
    ).all()
    done: dict[int, set[str]] = {}
    if rows:
        for course_id, lesson_id in db.session.execute(
            select(LessonProgress.course_id, LessonProgress.lesson_id).where(
                LessonProgress.user_id == user.id,
                LessonProgress.course_id.in_([e.course_id for e, _p in rows]),
                LessonProgress.status.in_(DONE_STATUSES))):
            done.setdefault(course_id, set()).add(lesson_id)
    board = Dashboard([], [], [])
    for enrolment, progress in rows:
        model = content_for(enrolment.course_version).course
        lesson = _next_lesson(model, enrolment, done.get(enrolment.course_id, set()))
        completed_at = progress.completed_at if progress else None
        card = CourseCard(
            enrolment=enrolment,
            title=localized(model.title, language),
            percent=progress.percent if progress else 0,
            completed_at=completed_at,
            next_lesson_id=lesson.id if lesson else None,
            next_lesson_title=lesson.title(language) if lesson else None,
            is_started=bool(enrolment.last_lesson_id or (progress and progress.started_at)),
            is_overdue=bool(enrolment.due_on and enrolment.due_on < local_day(now)
                            and not completed_at),
        )
        if completed_at:
            board.completed.append(card)
        elif enrolment.source == "assigned":
            board.assigned.append(card)
        else:
            board.enrolled.append(card)
    return board


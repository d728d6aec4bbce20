"""The grading queue: open answers waiting for a trainer's grade, oldest first."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.catalog.trainers import trainer_courses
from lms.extensions import db
from lms.learning.answer_models import QuizAnswer

#: rows the queue page shows at once; the rest is counted
PAGE_SIZE = 50


def waiting_count(course_ids: Iterable[int]) -> int:
    """The number of open answers waiting for a grade in these courses."""
    ids = list(course_ids)
    if not ids:
        return 0
    return db.session.scalar(
        select(func.count()).select_from(QuizAnswer)
        .where(QuizAnswer.is_pending.is_(True), QuizAnswer.course_id.in_(ids))) or 0


def gradable_courses(user: User) -> list[Course]:
    """The courses whose open answers ``user`` may grade: all for admins, else trained."""
    if user.is_admin:
        return list(db.session.scalars(select(Course).order_by(Course.slug)))
    return trainer_courses(user)


@dataclass(frozen=True)
class QueueRow:
    answer_id: int
    course_slug: str
    lesson_id: str
    question_id: str
    learner_name: str
    submitted_at: datetime
    has_file: bool


def waiting_answers(course_ids: Iterable[int], limit: int = PAGE_SIZE) -> list[QueueRow]:
    """The oldest waiting open answers of these courses (one query, index-backed)."""
    ids = list(course_ids)
    if not ids:
        return []
    rows = db.session.execute(
        select(QuizAnswer.id, Course.slug, QuizAnswer.lesson_id, QuizAnswer.question_id,
               User.name, QuizAnswer.submitted_at, QuizAnswer.file_token)
        .join(Course, Course.id == QuizAnswer.course_id)
        .join(User, User.id == QuizAnswer.user_id)
        .where(QuizAnswer.is_pending.is_(True), QuizAnswer.course_id.in_(ids))
        .order_by(QuizAnswer.submitted_at, QuizAnswer.id)
        .limit(limit))
    return [QueueRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6] is not None)
            for row in rows]


def waiting_by_course(course_ids: Iterable[int]) -> dict[int, int]:
    """Waiting open answers per course, for the filter's labels."""
    ids = list(course_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(QuizAnswer.course_id, func.count())
        .where(QuizAnswer.is_pending.is_(True), QuizAnswer.course_id.in_(ids))
        .group_by(QuizAnswer.course_id)).all())

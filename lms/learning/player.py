"""The lesson player's rules: opening a lesson, marking it done, the resume point.

The player always shows the version the learner is enrolled on (a new published version
never moves them mid-course). Opening a lesson for the first time and marking it done are
xAPI statements; the projection turns them into progress.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from authoring.model import GRADED_KINDS, Lesson
from authoring.model import Course as CourseModel
from lms.accounts.models import User
from lms.catalog.models import Course
from lms.catalog.version_content import content_for
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.learning import statements
from lms.learning.enrolment import active_enrolment
from lms.learning.models import CourseProgress, Enrolment, LessonProgress
from lms.lrs.embedded import record_statement

DONE_STATUSES = ("done", "passed")
#: how stale ``last_visited_at`` may get while the learner stays on one lesson
VISIT_RESOLUTION = timedelta(minutes=5)


@dataclass
class LessonState:
    """What the player needs of one enrolment: model, progress rows and the lesson order."""

    enrolment: Enrolment
    model: CourseModel
    lessons: list[Lesson]
    rows: dict[str, LessonProgress]
    progress: CourseProgress | None

    def is_done(self, lesson_id: str) -> bool:
        row = self.rows.get(lesson_id)
        return row is not None and row.status in DONE_STATUSES

    def index_of(self, lesson_id: str) -> int | None:
        return next((i for i, lesson in enumerate(self.lessons) if lesson.id == lesson_id), None)

    @property
    def minutes_left(self) -> int:
        """Estimated minutes of the lessons not done yet."""
        return sum(lesson.minutes or 0 for lesson in self.lessons if not self.is_done(lesson.id))

    @property
    def resume_lesson_id(self) -> str:
        """The lesson to continue with: the last one opened, else the first not done."""
        last = self.enrolment.last_lesson_id
        if last and self.index_of(last) is not None:
            return last
        for lesson in self.lessons:
            if not self.is_done(lesson.id):
                return lesson.id
        return self.lessons[0].id


def require_enrolment(user: User, course: Course) -> Enrolment:
    """Return ``user``'s active enrolment on ``course``.

    :raises NotFoundError: the user is not (or no longer) enrolled.
    """
    enrolment = active_enrolment(user, course)
    if enrolment is None:
        raise NotFoundError(_("Melden Sie sich zuerst für den Kurs an."))
    return enrolment


def course_progress(user: User, course: Course) -> CourseProgress | None:
    """The learner's progress row of ``course`` (None before the first activity)."""
    return db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == user.id, CourseProgress.course_id == course.id))


def lesson_state(enrolment: Enrolment) -> LessonState:
    """Load the model of the enrolment's version and the learner's progress in it."""
    model = content_for(enrolment.course_version).course
    rows = {row.lesson_id: row for row in db.session.scalars(select(LessonProgress).where(
        LessonProgress.user_id == enrolment.user_id,
        LessonProgress.course_id == enrolment.course_id))}
    progress = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == enrolment.user_id,
        CourseProgress.course_id == enrolment.course_id))
    return LessonState(enrolment, model, list(model.lessons()), rows, progress)


def _lesson(state: LessonState, lesson_id: str) -> Lesson:
    lesson = state.model.lesson(lesson_id)
    if lesson is None:
        raise NotFoundError(_("Diese Lektion gibt es in Ihrer Kursversion nicht."))
    return lesson


def _language(lesson: Lesson, wanted: str) -> str:
    return wanted if wanted in lesson.content else lesson.variant(wanted).language


def open_lesson(state: LessonState, lesson_id: str, language: str, now: datetime) -> Lesson:
    """Record that the learner opened a lesson: the resume point, and ``launched`` once.

    ``launched`` is written only on the first opening (no progress row yet), not on
    every reload.

    :raises NotFoundError: the lesson is not part of the learner's version.
    """
    lesson = _lesson(state, lesson_id)
    enrolment = state.enrolment
    if enrolment.last_lesson_id != lesson.id:
        enrolment.last_lesson_id = lesson.id
        enrolment.last_position = 0.0
        enrolment.last_visited_at = now
    elif enrolment.last_visited_at is None or now - enrolment.last_visited_at > VISIT_RESOLUTION:
        # a reload of the same lesson need not be a database write on every page view
        enrolment.last_visited_at = now
    db.session.flush()
    if lesson.id not in state.rows:
        version = enrolment.course_version
        record_statement(statements.lesson_statement(
            enrolment.user, "launched", state.model, version.version, enrolment.registration,
            lesson, now, language=_language(lesson, language)), now)
        row = db.session.scalar(select(LessonProgress).where(
            LessonProgress.user_id == enrolment.user_id,
            LessonProgress.course_id == enrolment.course_id,
            LessonProgress.lesson_id == lesson.id))
        if row is not None:
            state.rows[lesson.id] = row
    return lesson


def mark_lesson_done(state: LessonState, lesson_id: str, language: str, now: datetime) -> Lesson:
    """Record that the learner worked through a lesson (``completed``).

    :raises NotFoundError: the lesson is not part of the learner's version.
    :raises ValidationFailedError: quizzes are passed, and sessions attended, instead.
    """
    lesson = _lesson(state, lesson_id)
    if lesson.kind in GRADED_KINDS:
        raise ValidationFailedError(_("Einen Test schließen Sie ab, indem Sie ihn bestehen."))
    if lesson.kind == "session":
        raise ValidationFailedError(
            _("Einen Termin bestätigt die Trainerin oder der Trainer mit Ihrer Teilnahme."))
    if lesson.kind == "package":
        raise ValidationFailedError(
            _("Ein Lernpaket gilt als erledigt, sobald Sie es im Player abgeschlossen haben."))
    if state.is_done(lesson.id):
        return lesson
    enrolment = state.enrolment
    record_statement(statements.lesson_statement(
        enrolment.user, "completed", state.model, enrolment.course_version.version,
        enrolment.registration, lesson, now, result={"completion": True},
        language=_language(lesson, language)), now)
    return lesson


def save_position(enrolment: Enrolment, lesson_id: str, position: float, now: datetime) -> None:
    """Remember how far down the lesson the learner has scrolled (0…1).

    :raises NotFoundError: the lesson is not part of the learner's version.
    :raises ValidationFailedError: ``position`` is not a number.
    """
    model = content_for(enrolment.course_version).course
    if model.lesson(lesson_id) is None:
        raise NotFoundError(_("Diese Lektion gibt es in Ihrer Kursversion nicht."))
    try:
        value = float(position)
    except (TypeError, ValueError):
        raise ValidationFailedError(_("Ungültige Position.")) from None
    if value != value:  # NaN
        raise ValidationFailedError(_("Ungültige Position."))
    enrolment.last_lesson_id = lesson_id
    enrolment.last_position = min(max(value, 0.0), 1.0)
    enrolment.last_visited_at = now
    db.session.flush()
